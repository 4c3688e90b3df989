/**
 * Variant matrices: every combination of a few parameter values, checked like any other
 * configuration. Axes come from `--set name=a,b,c` on the command line or from the spec's
 * `matrix { name = [a, b, c] }` section; each row is the base model with those overrides.
 */
import type { SectionNode, SpecNode, Span } from "./ast.js";
import { checkParsed, type CheckResult } from "./compiler.js";
import { DiagnosticBag, type Diagnostic } from "./diagnostics/diagnostic.js";
import { evaluate } from "./eval.js";
import type { Rational } from "./rational.js";
import type { Override } from "./resolve.js";
import type { SourceFile } from "./source.js";
import { groupThousands } from "./report.js";

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
    bag.add("E0121", `the matrix has ${groupThousands(total)} combinations, more than the limit of ${groupThousands(MAX_COMBINATIONS)}`, {
      span: section.nameSpan,
      label: "too many combinations to check",
      notes: [`${sizes} = ${groupThousands(total)}`],
      help: "check fewer values per axis, or split the matrix; `alexc variants --set` checks a grid from the command line",
    });
    return [];
  }
  const axes: MatrixAxis[] = [];
  for (const s of section.settings) {
    const items = s.value.kind === "list" ? s.value.items : [s.value];
    const values: Rational[] = [];
    for (const item of items) {
      if (item.kind === "list" || item.kind === "record" || item.kind === "dims" || item.kind === "arrow") {
        bag.add("E0106", `matrix: '${s.name}' takes a list of numbers`, { span: item.span, help: `e.g. ${s.name} = [1, 2, 3]` });
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

export function combinations(axes: MatrixAxis[]): Override[][] {
  const total = countCombinations(axes.map((a) => a.values.length));
  // Callers check first (with a diagnostic); this is the guard that no path can skip.
  if (total > BigInt(MAX_COMBINATIONS)) throw new RangeError(`${total} matrix combinations, more than ${MAX_COMBINATIONS}`);
  let rows: Override[][] = [[]];
  for (const axis of axes) {
    rows = rows.flatMap((row) => axis.values.map((v) => [...row, { name: axis.name, value: v, origin: `matrix ${axis.name}=${v}` }]));
  }
  return axes.length === 0 ? [] : rows;
}

export function label(overrides: Override[]): string {
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
