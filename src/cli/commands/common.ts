/** Shared pieces of the CLI commands: reading specs, printing diagnostics, summaries, exit codes. */
import { UserError } from "../../util/user-error.js";
import { statSync } from "node:fs";
import { visible } from "../../diagnostics/visible.js";
import { ReadError, readTextFile } from "../../syntax/read.js";
import { globSync } from "tinyglobby";
import { dirname, isAbsolute } from "node:path";
import { checkSource, errorCount, openWarningCount, type CheckResult } from "../../check/check-spec.js";
import type { CheckedModel } from "../../check/check.js";
import type { DiagnosticCounts } from "../../views/summary.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { SpecReport } from "../../check/variants.js";
import { allResults, checkSpecReport, refusedSpecReport } from "../../check/variants.js";
import { renderDiagnostic, styleFor } from "../../diagnostics/render.js";
import { parseOverride } from "../../resolve/overrides.js";
import { checkOutputRoot, writeAtomic } from "../../emit/write.js";
import type { Override } from "../../resolve/resolve.js";

export const EXIT_OK = 0;
export const EXIT_DIAGNOSTICS = 1;
export const EXIT_USAGE = 2;

/** A problem with how alexc was called or with files it was pointed at: exit 2, one line. */
export class UsageError extends UserError {}

/** Every command reads specs here: regular files of bounded size only (src/syntax/read.ts). */
export function readSpec(path: string): string {
  try {
    return readTextFile(path);
  } catch (e) {
    if (e instanceof ReadError) throw new UsageError(e.message);
    throw e;
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

/**
 * Whether a finding is about the command line rather than the spec: an override that does not fit
 * (E0114 an unknown parameter or a `--variant` the spec lacks, E0110 a fraction for an int, E0161
 * outside the declared bounds) naming one of the command line's overrides. The same codes for a
 * spec's own `variant` or `matrix` entry have a span or name no command-line origin.
 */
const OVERRIDE_CODES: ReadonlySet<string> = new Set(["E0114", "E0110", "E0161"]);

function aboutCommandLine(d: Diagnostic, origins: string[]): boolean {
  if (!OVERRIDE_CODES.has(d.code) || d.severity !== "error" || d.span !== undefined) return false;
  return /: unknown variant '/.test(d.message) || origins.some((o) => d.message.includes(o));
}

/**
 * The exit status of a command from its findings (the README's table): 2 when a `--set` or
 * `--variant` is wrong, whether malformed (caught while parsing options) or not fitting the spec
 * (unknown name, wrong type, out of bounds), since either way the command line needs fixing;
 * else 1 when the findings fail the run; else 0. `origins`: how the command line's overrides
 * appear in messages (Override.origin, e.g. `--set num_classes=5`).
 */
export function exitStatus(results: CheckResult[], origins: string[], denyWarnings = false): number {
  if (results.some((r) => r.diagnostics.some((d) => aboutCommandLine(d, origins)))) return EXIT_USAGE;
  return failed(results, denyWarnings) ? EXIT_DIAGNOSTICS : EXIT_OK;
}

export const originsOf = (overrides: Override[]): string[] => overrides.map((o) => o.origin);

/** The summary's tail when --deny-warnings alone made the run fail, so a failure never reads like a pass. */
export function deniedWarnings(results: CheckResult[], denyWarnings: boolean): string {
  if (!denyWarnings || failed(results, false) || !failed(results, true)) return "";
  return " — failed: warnings are denied (--deny-warnings); fix them or acknowledge each with `allow`";
}

/** Checks a spec file completely: base, every variant, and every combination of its matrix (`read` is for the fuzzer). */
export function checkFile(path: string, overrides: Override[], read: (path: string) => string = readTextFile): SpecReport {
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    if (!e.refused) throw new UsageError(e.message);
    return refusedSpecReport(path, e.message);
  }
  return checkSpecReport(path, text, overrides);
}

export function specSummary(reports: SpecReport[]): string {
  const variants = reports.reduce((n, r) => n + r.results.length - 1, 0);
  const combos = reports.reduce((n, r) => n + r.matrix.length, 0);
  const parts = [
    plural(reports.length, "spec"),
    ...(variants ? [plural(variants, "variant")] : []),
    ...(combos ? [plural(combos, "matrix combination")] : []),
  ];
  return `${parts.join(", ")}: ${counts(allResults(reports))}`;
}

const GLOB = /[*?[\]{}]/;

/**
 * Spec arguments as files: a directory means every .anet below it, a pattern is expanded by alexc
 * itself (so `'specs/**\/*.anet'` works the same in every shell, quoted or not), a plain path is
 * taken as is. Sorted and without duplicates, so output order is stable.
 */
export function expandSpecs(args: string[]): string[] {
  const files = new Set<string>();
  for (const arg of args) {
    const isDir = !GLOB.test(arg) && isDirectory(arg);
    if (isDir || GLOB.test(arg)) {
      const pattern = isDir ? `${arg.replace(/\/+$/, "")}/**/*.anet` : arg;
      // Absolute patterns give absolute paths, relative ones paths relative to the working directory.
      const found = globSync(pattern, { ignore: ["**/node_modules/**"], expandDirectories: false, absolute: isAbsolute(arg) }).sort();
      if (found.length === 0) throw new UsageError(isDir ? `${arg}: no .anet files in this directory` : `${arg}: no files match`);
      for (const f of found) files.add(f);
    } else files.add(arg);
  }
  return [...files];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
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
  checkOutputRoot(dirname(path));
  writeAtomic(path, content);
  process.stderr.write(`wrote ${visible(path)}\n`);
}

function diagnosticCounts(ds: CheckResult["diagnostics"]): { errors: number; warnings: number } {
  return { errors: errorCount(ds), warnings: openWarningCount(ds) };
}

/** One analysed spec of an analysis command, as its JSON document lists it. */
export interface Analysed<T> {
  file: string;
  analysis: T;
  diagnostics: DiagnosticCounts;
}

/**
 * What the analysis commands (summary, inputs) share: check each file, analyse those that resolved,
 * print one JSON document or each analysis as text (headed by its file when there are several), then,
 * for text, the diagnostics and the count line (in JSON, `alexc check --format json` carries those),
 * and set the exit status from the errors.
 */
export function runAnalysis<T>(
  files: string[],
  opts: { format: "text" | "json"; set: Override[] },
  analyse: (checked: CheckedModel) => T,
  render: { json(entries: Analysed<T>[]): string; text(analysis: T): string },
): void {
  const results = files.map((f) => checkSource(f, readSpec(f), { overrides: opts.set }));
  const analysed = results.flatMap((r) =>
    r.checked ? [{ file: r.file.path, analysis: analyse(r.checked), diagnostics: diagnosticCounts(r.diagnostics) }] : [],
  );
  if (opts.format === "json") process.stdout.write(render.json(analysed));
  else for (const a of analysed) process.stdout.write(`${results.length > 1 ? `${visible(a.file)}\n` : ""}${render.text(a.analysis)}\n\n`);
  if (opts.format === "text") {
    printDiagnostics(results);
    process.stderr.write(summary(results) + "\n");
  }
  process.exitCode = exitStatus(results, originsOf(opts.set));
}
