/** Shared pieces of the CLI commands: reading specs, printing diagnostics, summaries, exit codes. */
import { readFileSync } from "node:fs";
import { errorCount, openWarningCount, type CheckResult } from "../compiler.js";
import { renderDiagnostic, styleFor } from "../diagnostics/render.js";
import { parseOverride } from "../overrides.js";
import { writeAtomic } from "../write.js";
import type { Override } from "../resolve.js";

export const EXIT_OK = 0;
export const EXIT_DIAGNOSTICS = 1;
export const EXIT_USAGE = 2;

/** A problem with how alexc was called or with files it was pointed at: exit 2, one line. */
export class UsageError extends Error {}

export function readSpec(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `${path}: no such file` : code === "EISDIR" ? `${path}: is a directory, not a .anet file` : `${path}: cannot read (${code ?? String(e)})`);
  }
}

export function collectOverride(value: string, previous: Override[]): Override[] {
  return [...previous, parseOverride(value)];
}

export function printDiagnostics(results: CheckResult[]): void {
  const style = styleFor(process.stderr);
  for (const r of results) for (const d of r.diagnostics) process.stderr.write(renderDiagnostic(d, r.file, style) + "\n\n");
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;

export function summary(results: CheckResult[]): string {
  return `${plural(results.length, "spec")}: ${counts(results)}`;
}

export function counts(results: CheckResult[]): string {
  const errors = results.reduce((n, r) => n + errorCount(r.diagnostics), 0);
  const warnings = results.reduce((n, r) => n + openWarningCount(r.diagnostics), 0);
  const acknowledged = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.acknowledged !== undefined).length, 0);
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}${acknowledged ? `, ${acknowledged} acknowledged` : ""}`;
}

export function failed(results: CheckResult[], denyWarnings: boolean): boolean {
  return results.some((r) => errorCount(r.diagnostics) > 0 || (denyWarnings && openWarningCount(r.diagnostics) > 0));
}

/** Commander parser for options that take a whole number ≥ 1 (`--batch 32`). */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`'${value}' is not a whole number ≥ 1`);
  return n;
}

/** Writes a command's single output file atomically, or to standard output when no file is named. */
export function writeFileOrStdout(path: string | undefined, content: string | Uint8Array): void {
  if (path === undefined) {
    process.stdout.write(content);
    return;
  }
  try {
    writeAtomic(path, content);
  } catch (e) {
    throw new UsageError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  process.stderr.write(`wrote ${path}\n`);
}

export function diagnosticCounts(ds: CheckResult["diagnostics"]): { errors: number; warnings: number } {
  return { errors: errorCount(ds), warnings: openWarningCount(ds) };
}
