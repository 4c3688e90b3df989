/**
 * Variant matrices: every combination of a few parameter values, checked like any other
 * configuration. Axes come from `--set name=a,b,c` on the command line or from the spec's
 * `matrix { name = [a, b, c] }` section; each row is the base model with those overrides.
 */
import type { SectionNode, SpecNode, Span } from "../syntax/ast.js";
import { checkParsed, checkSpec, diagnosticKey, type CheckResult } from "./check-spec.js";
import { diag, DiagnosticBag, type Diagnostic } from "../diagnostics/diagnostic.js";
import { evaluate } from "../resolve/eval.js";
import type { Rational } from "../resolve/rational.js";
import type { Override } from "../resolve/resolve.js";
import { SourceFile } from "../diagnostics/source.js";
import { groupThousands } from "../util/numbers.js";

/** One spec file as checked: the base model first, then its variants, then matrix rows. */
export interface SpecReport {
  results: CheckResult[];
  matrix: MatrixRow[];
  /** The syntax tree, when the file parsed. */
  ast?: SpecNode;
}

export interface MatrixAxis {
  name: string;
  values: Rational[];
  /** Where the axis is written in the spec; absent for --set. */
  span?: Span;
}

export interface MatrixRow {
  label: string;
  overrides: Override[];
  result: CheckResult;
}

/**
 * Combinations checked at most. Each is a full check (about a millisecond for AlexNet) whose result
 * is kept for the report, so 100⁴ would take hours and gigabytes; counted (as a bigint, so 100¹⁰⁰
 * does not overflow) before any is built.
 */
export const MAX_COMBINATIONS = 4096;

export function countCombinations(sizes: number[]): bigint {
  return sizes.reduce((n, s) => n * BigInt(s), 1n);
}

/** Reads `matrix { width = [0.25, 0.5, 1]; … }`; problems are diagnostics at the section. */
export function matrixAxes(spec: SpecNode, file: SourceFile, bag: DiagnosticBag): MatrixAxis[] {
  const section: SectionNode | undefined = spec.sections.find((s) => s.name === "matrix");
  if (!section) return [];
  const total = countCombinations(section.settings.map((s) => (s.value.kind === "list" ? s.value.items.length : 1)));
  if (total > BigInt(MAX_COMBINATIONS)) {
    const sizes = section.settings.map((s) => `${s.name} ${s.value.kind === "list" ? s.value.items.length : 1}`).join(" × ");
    bag.add(
      "E0121",
      { total: groupThousands(total), limit: groupThousands(MAX_COMBINATIONS) },
      {
        span: section.nameSpan,
        label: "too many combinations to check",
        notes: [`${sizes} = ${groupThousands(total)}`],
        help: "check fewer values per axis, or split the matrix; `alexc variants --set` checks a grid from the command line",
      },
    );
    return [];
  }
  const axes: MatrixAxis[] = [];
  for (const s of section.settings) {
    const items = s.value.kind === "list" ? s.value.items : [s.value];
    const values: Rational[] = [];
    for (const item of items) {
      if (item.kind === "list" || item.kind === "record" || item.kind === "dims" || item.kind === "arrow") {
        bag.add(
          "E0106",
          { what: `matrix: '${s.name}'`, expected: "a list of numbers" },
          { span: item.span, help: `e.g. ${s.name} = [1, 2, 3]` },
        );
        continue;
      }
      // Matrix values are constants: they may not refer to parameters, which they set.
      const v = evaluate(item, new Map(), bag, (span) => file.slice(span));
      if (v) values.push(v);
    }
    axes.push({ name: s.name, values, span: s.nameSpan });
  }
  return axes;
}

function combinations(axes: MatrixAxis[]): Override[][] {
  const total = countCombinations(axes.map((a) => a.values.length));
  // Callers check first (with a diagnostic); this is the guard that no path can skip.
  if (total > BigInt(MAX_COMBINATIONS)) throw new RangeError(`${total} matrix combinations, more than ${MAX_COMBINATIONS}`);
  let rows: Override[][] = [[]];
  for (const axis of axes) {
    rows = rows.flatMap((row) => axis.values.map((v) => [...row, { name: axis.name, value: v, origin: `matrix ${axis.name}=${v}` }]));
  }
  return axes.length === 0 ? [] : rows;
}

function label(overrides: Override[]): string {
  return overrides.map((o) => `${o.name}=${o.value}`).join(" ");
}

/** Checks every combination on top of the base model (and any fixed overrides). */
export function runMatrix(file: SourceFile, spec: SpecNode, axes: MatrixAxis[], fixed: Override[] = []): MatrixRow[] {
  return combinations(axes).map((overrides) => {
    const all = [...fixed.filter((f) => !overrides.some((o) => o.name === f.name)), ...overrides];
    const result = checkParsed(file, spec, { overrides: all });
    const tag = `matrix ${label(overrides)}`;
    for (const d of result.diagnostics) d.variant = tag;
    return { label: label(overrides), overrides, result };
  });
}

/** The first error of a row, for one-line reports. */
export function firstError(r: CheckResult): Diagnostic | undefined {
  return r.diagnostics.find((d) => d.severity === "error");
}

/** A spec completely, as `alexc check` reports it: base, every variant, and every combination of its matrix. */
export function checkSpecReport(path: string, text: string, overrides: Override[] = []): SpecReport {
  const spec = checkSpec(path, text, { overrides });
  if (!spec.ast) return { results: spec.results, matrix: [] };
  const bag = new DiagnosticBag();
  const axes = matrixAxes(spec.ast, spec.file, bag);
  const base = spec.results[0]!;
  for (const d of bag.items) base.diagnostics.push(d);
  const seen = new Set(spec.results.flatMap((r) => r.diagnostics).map(diagnosticKey));
  const matrix = runMatrix(spec.file, spec.ast, axes, overrides);
  // Report each matrix finding once: the base already shows what every combination shares.
  for (const row of matrix)
    row.result.diagnostics = row.result.diagnostics.filter((d) => !seen.has(diagnosticKey(d)) && d.severity === "error");
  return { results: spec.results, matrix, ast: spec.ast };
}

/**
 * A spec file the reader refused (a symlink to /dev/zero in a pull request): one failing spec among
 * the others, reported in every output format, not the end of the run. `message` is the reader's.
 */
export function refusedSpecReport(path: string, message: string): SpecReport {
  const file = new SourceFile(path, "");
  const why = message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
  return {
    results: [
      {
        file,
        diagnostics: [
          diag(
            "E0008",
            { refusal: why },
            { help: "specs are regular files of at most 4 MiB; replace the link or file with the spec itself" },
          ),
        ],
      },
    ],
    matrix: [],
  };
}

/** Every configuration's result of some reports: bases, variants and matrix combinations. */
export function allResults(reports: SpecReport[]): CheckResult[] {
  return reports.flatMap((r) => [...r.results, ...r.matrix.map((m) => m.result)]);
}
