/**
 * The front half of the pipeline as one call: source text → parse → resolve → check. Pure: no I/O,
 * no globals, the same input always gives the same result. `checkSource` checks one configuration
 * (the base, or one variant, with overrides); `checkSpec` checks the base and every variant.
 */
import { parse } from "../syntax/parse.js";
import { resolve, type Override } from "../resolve/resolve.js";
import { check, type CheckedModel } from "./check.js";
import { SourceFile } from "../diagnostics/source.js";
import { capDiagnostics, DiagnosticBag, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { SpecNode } from "../syntax/ast.js";
import { catalogue, type DiagnosticClass } from "../diagnostics/catalogue.js";
import { requireClassScores } from "./class-scores.js";

export interface CheckOptions {
  overrides?: Override[];
  /** A `variant` block to apply on top of the base. */
  variant?: string;
}

export interface CheckResult {
  file: SourceFile;
  diagnostics: Diagnostic[];
  /** Present when the spec resolved; `checked.complete` tells whether every layer got a shape. */
  checked?: CheckedModel;
  /** The variant this result is for; absent for the base model. */
  variant?: string;
  /**
   * For a variant: its findings that the base has too, left out of `diagnostics` so they are
   * reported once, on the base. They still belong to the variant: compiling it counts them.
   */
  shared?: Diagnostic[];
}

/** Every finding of one model, the ones it shares with the base included. */
export function allFindings(r: CheckResult): Diagnostic[] {
  return r.shared?.length ? [...r.diagnostics, ...r.shared] : r.diagnostics;
}

export function checkSource(path: string, text: string, options: CheckOptions = {}): CheckResult {
  const file = new SourceFile(path, text);
  const parsed = parse(text);
  if (!parsed.ast) return { file, diagnostics: capDiagnostics(sortDiagnostics(parsed.diagnostics), parsed.omitted) };
  return checkParsed(file, parsed.ast, options);
}

export function checkParsed(file: SourceFile, ast: SpecNode, options: CheckOptions): CheckResult {
  const bag = new DiagnosticBag();
  const model = resolve(ast, file, options, bag);
  const variant = options.variant !== undefined ? { variant: options.variant } : {};
  if (!model) return { file, diagnostics: capDiagnostics(sortDiagnostics(bag.items)), ...variant };
  const checked = check(model, bag);
  requireClassScores(checked, bag);
  return { file, diagnostics: capDiagnostics(sortDiagnostics(bag.items)), checked, ...variant };
}

export interface SpecCheck {
  file: SourceFile;
  ast?: SpecNode;
  /** The base model first, then each variant in source order. */
  results: CheckResult[];
}

/**
 * The base and every variant. A variant's diagnostics that the base has too (same code, place and
 * message) are left out, so a problem is reported once, where it starts; the rest are tagged with
 * the variant and, when the variant's own settings caused them, point at those settings too.
 */
export function checkSpec(path: string, text: string, options: { overrides?: Override[] } = {}): SpecCheck {
  const file = new SourceFile(path, text);
  const parsed = parse(text);
  if (!parsed.ast) return { file, results: [{ file, diagnostics: capDiagnostics(sortDiagnostics(parsed.diagnostics), parsed.omitted) }] };
  const ast = parsed.ast;
  const base = checkParsed(file, ast, options);
  const seen = new Set(base.diagnostics.map(diagnosticKey));
  const results = [base];
  for (const v of ast.variants) {
    const r = checkParsed(file, ast, { ...options, variant: v.name });
    r.shared = r.diagnostics.filter((d) => seen.has(diagnosticKey(d)));
    r.diagnostics = r.diagnostics.filter((d) => !seen.has(diagnosticKey(d)));
    for (const d of r.diagnostics) {
      d.variant = v.name;
      const inVariant = d.span && d.span.start >= v.span.start && d.span.end <= v.span.end;
      if (inVariant) continue;
      // A shape problem in a variant that sets another input: that input line is the likely cause.
      const input = v.inputs[0];
      const shape = INPUT_DEPENDENT.has(catalogue.get(d.code)!.class);
      d.related.push(
        input && shape
          ? { span: input.span, message: `variant ${v.name} sets this input` }
          : { span: v.nameSpan, message: `in variant ${v.name}, declared here` },
      );
    }
    results.push(r);
  }
  return { file, ast, results };
}

/** Classes of findings that depend on the input size (see DiagnosticClass). */
const INPUT_DEPENDENT: ReadonlySet<DiagnosticClass> = new Set(["shape", "portability", "acknowledgement"]);

/** Identity of a finding across configurations: same code, place and message. */
export function diagnosticKey(d: Diagnostic): string {
  return `${d.code}@${d.span?.start ?? -1}:${d.span?.end ?? -1}:${d.message}`;
}

/** Errors found, counting those an E0007 stands for (not the E0007 itself). */
export function errorCount(ds: Diagnostic[]): number {
  return ds.reduce((n, d) => n + (d.hidden ? d.hidden.errors : d.severity === "error" ? 1 : 0), 0);
}

/** Warnings not acknowledged by an `allow` clause; `--deny-warnings` turns these into failures. */
export function openWarningCount(ds: Diagnostic[]): number {
  return ds.reduce((n, d) => n + (d.hidden ? d.hidden.warnings : d.severity === "warning" && d.acknowledged === undefined ? 1 : 0), 0);
}
