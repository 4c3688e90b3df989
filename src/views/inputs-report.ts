/**
 * What `alexc inputs` prints: per layer the smallest model input that gives it a non-empty output,
 * then the input sizes for which the whole model is valid, those that divide exactly at every
 * window, and where the spec's own size stands. Works from the resolved model, so it answers even
 * when the spec's declared input fails the check.
 */
import type { ResolvedModel } from "../resolve/resolve.js";
import { declaredInFeatures } from "../layers/kind.js";
import {
  declaredSize,
  formatRanges,
  nearestValid,
  ownMinimum,
  progression,
  scanInputs,
  sizeLabel,
  suggestionAxes,
  validExactSizes,
  verdictAt,
  sizeAt,
  type Axis,
  type InputScan,
} from "../check/valid-inputs.js";
import { textTable, type DiagnosticCounts } from "./summary.js";
import { maxOf } from "../util/numbers.js";

export interface InputsAnalysis {
  model: ResolvedModel;
  scans: InputScan[];
}

export function analyseInputs(model: ResolvedModel, limit?: number): InputsAnalysis {
  return { model, scans: suggestionAxes(model).map((axis) => scanInputs(model, axis, limit)) };
}

const AXIS_NOUN: Record<Axis, string> = { both: "input", h: "input height", w: "input width" };

/**
 * The declared dense in-features that depend on the input size, as written (`128*6*6 of
 * classifier.1`): those fed by a flatten, before a dense fixes the vector's length.
 */
function declaredDense(model: ResolvedModel): string[] {
  const found: string[] = [];
  let fed = false;
  for (const l of model.layers) {
    if (l.kind.flattens) fed = true;
    if (!l.kind.features) continue;
    const declared = declaredInFeatures(l);
    if (fed && declared) found.push(`${declared.text} of ${l.name}`);
    fed = false;
  }
  return found;
}

export interface AxisFindings {
  axis: Axis;
  declared: number;
  declaredFits: boolean;
  declaredValid: boolean;
  declaredExact: boolean;
  nearestValid?: number;
  validExact: number[];
  nearestExactValid?: number;
  exact?: { first: number; step: number } | { sizes: number[] };
}

function findings(model: ResolvedModel, scan: InputScan): AxisFindings {
  const declared = declaredSize(model, scan.axis);
  const v = verdictAt(model, ...sizeAt(model, scan.axis, declared));
  const declaredExact = scan.axis === "both" ? v.exact : scan.axis === "h" ? v.exactRows : v.exactColumns;
  const validExact = validExactSizes(scan);
  const nearest = nearestValid(scan.validRanges, declared);
  const nearestExact = validExact.length
    ? validExact.reduce((best, s) => (Math.abs(s - declared) < Math.abs(best - declared) ? s : best))
    : undefined;
  const p = progression(scan.exactSizes);
  const exact = p ?? (scan.exactSizes.length ? { sizes: scan.exactSizes } : undefined);
  return {
    axis: scan.axis,
    declared,
    declaredFits: v.fits,
    declaredValid: v.valid,
    declaredExact,
    ...(nearest !== undefined ? { nearestValid: nearest } : {}),
    validExact,
    ...(nearestExact !== undefined ? { nearestExactValid: nearestExact } : {}),
    ...(exact ? { exact } : {}),
  };
}

function listSizes(sizes: number[], max = 8): string {
  return sizes.length <= max ? sizes.join(", ") : `${sizes.slice(0, max).join(", ")}, … (${sizes.length} sizes)`;
}

export function inputsText(a: InputsAnalysis): string {
  const { model, scans } = a;
  const { c, h, w } = model.input;
  const square = scans.length === 1;
  const scanned = square
    ? `square inputs ${c}xSxS for S = 1–${scans[0]!.limit}`
    : `heights and widths 1–${scans[0]!.limit}, one at a time (the other as declared)`;
  const out = [`model ${model.name}: input ${c}×${h}×${w} (C×H×W); scanned ${scanned}`, ""];

  // Only window layers can empty the feature map; every other layer takes whatever reaches it.
  const header = [
    "layer",
    "kind",
    "own minimum",
    ...scans.map((s) => (square ? "smallest model input" : `smallest ${AXIS_NOUN[s.axis].replace("input ", "")}`)),
  ];
  const rows = model.layers.flatMap((l, i) => {
    const own = ownMinimum(l);
    return own
      ? [
          [
            l.name,
            l.kind.kind,
            `${own[0]}×${own[1]}`,
            ...scans.map((s) => (s.layerSmallest[i] === undefined ? `none up to ${s.limit}` : String(s.layerSmallest[i]))),
          ],
        ]
      : [];
  });
  if (rows.length) {
    out.push(textTable(header, rows, new Set(scans.map((_, i) => 3 + i))), "");
    out.push(
      "own minimum: the smallest H×W the layer itself takes; smallest model input: the smallest input that gives the layer a non-empty output",
      "",
    );
  }

  const dense = declaredDense(model);
  for (const scan of scans) {
    const f = findings(model, scan);
    const noun = AXIS_NOUN[scan.axis];
    const label = (s: number): string => sizeLabel(model, scan.axis, s);
    const lines: Array<[string, string]> = [];
    lines.push([
      `smallest ${noun}`,
      scan.smallestFit === undefined
        ? `none up to ${scan.limit}: some layer's output is empty at every size`
        : `${scan.smallestFit} (${label(scan.smallestFit)}): from there up every layer's output is non-empty`,
    ]);
    const why = dense.length
      ? ` (the declared ${dense.join(", ")} hold${dense.length === 1 ? "s" : ""} only there)`
      : " (no declared dense in-features restrict it)";
    lines.push([
      `valid ${noun}s`,
      scan.validRanges.length ? `${formatRanges(scan.validRanges, scan.limit)}${why}` : `none up to ${scan.limit}${why}`,
    ]);
    const exactText = !f.exact
      ? `none up to ${scan.limit}: some window drops ${scan.axis === "w" ? "columns" : "rows"} at every size`
      : `${"first" in f.exact ? `${f.exact.first} + ${f.exact.step}k (${f.exact.first}, ${f.exact.first + f.exact.step}, ${f.exact.first + 2 * f.exact.step}, …)` : listSizes(f.exact.sizes)}: every window tiles its padded input, nothing dropped`;
    lines.push([`exact ${noun}s`, exactText]);
    lines.push([`valid and exact`, f.validExact.length ? listSizes(f.validExact) : "none"]);
    const status = f.declaredValid
      ? f.declaredExact
        ? "valid and exact"
        : "valid, not exact (some window drops rows or columns: see alexc check)"
      : f.declaredFits
        ? "not valid (a declared dense in-features does not match)"
        : "not valid (some layer's output is empty)";
    const nearest: string[] = [];
    if (!f.declaredValid)
      nearest.push(
        f.nearestValid !== undefined ? `nearest valid ${f.nearestValid} (${label(f.nearestValid)})` : "no valid size to suggest",
      );
    if (!(f.declaredValid && f.declaredExact) && f.nearestExactValid !== undefined)
      nearest.push(`nearest valid and exact ${f.nearestExactValid} (${label(f.nearestExactValid)})`);
    lines.push([`declared ${f.declared}`, `${status}${nearest.length ? `; ${nearest.join("; ")}` : ""}`]);
    const width = maxOf(lines.map(([k]) => k.length));
    for (const [k, v] of lines) out.push(`${k.padEnd(width)}  ${v}`);
    out.push("");
  }
  return out.join("\n").trimEnd();
}

const INPUTS_FORMAT_VERSION = 1;

function inputsJson(file: string, a: InputsAnalysis, diagnostics: DiagnosticCounts): Record<string, unknown> {
  return {
    file,
    model: a.model.name,
    diagnostics,
    input: [a.model.input.c, a.model.input.h, a.model.input.w],
    scans: a.scans.map((scan) => {
      const f = findings(a.model, scan);
      return {
        axis: scan.axis,
        limit: scan.limit,
        smallest: scan.smallestFit ?? null,
        valid: scan.validRanges,
        exact: f.exact ?? null,
        validExact: f.validExact,
        declared: {
          size: f.declared,
          valid: f.declaredValid,
          exact: f.declaredExact,
          nearestValid: f.nearestValid ?? null,
          nearestValidExact: f.nearestExactValid ?? null,
        },
        layers: a.model.layers.map((l, i) => ({
          name: l.name,
          kind: l.kind.kind,
          ownMinimum: ownMinimum(l) ?? null,
          smallest: scan.layerSmallest[i] ?? null,
        })),
      };
    }),
  };
}

export function inputsDocument(entries: Array<{ file: string; analysis: InputsAnalysis; diagnostics: DiagnosticCounts }>): string {
  return (
    JSON.stringify({ version: INPUTS_FORMAT_VERSION, files: entries.map((e) => inputsJson(e.file, e.analysis, e.diagnostics)) }, null, 2) +
    "\n"
  );
}
