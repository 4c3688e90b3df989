/**
 * The front half of the pipeline as one call: source text → parse → resolve → check. Pure: no I/O,
 * no globals, the same input always gives the same result.
 */
import { parse } from "./parse.js";
import { resolve, type Override } from "./resolve.js";
import { check, type CheckedModel } from "./check.js";
import { SourceFile } from "./source.js";
import { DiagnosticBag, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";

export interface CheckOptions {
  overrides?: Override[];
}

export interface CheckResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
  /** Present when the spec resolved; `checked.complete` tells whether every layer got a shape. */
  checked?: CheckedModel;
}

export function checkSource(path: string, text: string, options: CheckOptions = {}): CheckResult {
  const file = new SourceFile(path, text);
  const parsed = parse(text);
  if (!parsed.ast) return { file, diagnostics: sortDiagnostics(parsed.diagnostics) };
  const bag = new DiagnosticBag();
  const model = resolve(parsed.ast, file, options.overrides ?? [], bag);
  if (!model) return { file, diagnostics: sortDiagnostics(bag.items) };
  const checked = check(model, bag);
  return { file, diagnostics: sortDiagnostics(bag.items), checked };
}

export function errorCount(ds: Diagnostic[]): number {
  return ds.filter((d) => d.severity === "error").length;
}

/** Warnings not acknowledged by an `allow` clause; `--deny-warnings` turns these into failures. */
export function openWarningCount(ds: Diagnostic[]): number {
  return ds.filter((d) => d.severity === "warning" && d.acknowledged === undefined).length;
}
