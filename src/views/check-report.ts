/**
 * What `alexc check` prints: the per-layer table with totals (text), and the versioned JSON
 * document other tools rely on (see docs/json-format.md).
 */
import type { CheckedModel } from "../check/check.js";
import { errorCount, type CheckResult } from "../check/check-spec.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { firstError, type SpecReport } from "../check/variants.js";
import { shapeDims, formatShape } from "../layers/kind.js";
import { groupThousands, maxOf } from "../util/numbers.js";

export function layerTable(checked: CheckedModel): string {
  const rows = [
    ["layer", "kind", "settings", "output", "params", "MACs"],
    ["input", "", "", formatShape(checked.input), "", ""],
    ...checked.layers.map((l) => [l.name, l.kind, l.settings, formatShape(l.output), groupThousands(l.params), groupThousands(l.macs)]),
  ];
  const widths = rows[0]!.map((_, i) => maxOf(rows.map((r) => r[i]!.length)));
  const numeric = new Set([4, 5]);
  const fmt = (r: string[]): string =>
    r
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  const out = [fmt(rows[0]!), rule, ...rows.slice(1).map(fmt), rule];
  const { params, macs } = checked.totals;
  out.push(
    `total params ${groupThousands(params)}${paramSplit(checked.totals)}   MACs ${groupThousands(macs)}   output ${checked.output ? formatShape(checked.output) : "—"}`,
  );
  return out.join("\n");
}

/** " (132,868,840 trainable, 5,504 running statistics)" when some params are not trained; "" otherwise. */
export function paramSplit(t: { params: bigint; nonTrainableParams: bigint }): string {
  if (t.nonTrainableParams === 0n) return "";
  return ` (${groupThousands(t.params - t.nonTrainableParams)} trainable, ${groupThousands(t.nonTrainableParams)} running statistics)`;
}

/** Params split for JSON, only where some are not trained (so models without them keep their documents). */
export function jsonSplit(params: bigint, nonTrainable: bigint): Record<string, number | string> {
  return nonTrainable === 0n ? {} : { trainableParams: count(params - nonTrainable), nonTrainableParams: count(nonTrainable) };
}

/** JSON numbers are exact only up to 2^53; larger counts are written as decimal strings. */
function count(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

const JSON_FORMAT_VERSION = 1;

function jsonDiagnostic(file: CheckResult["file"], d: Diagnostic): Record<string, unknown> {
  const start = d.span ? file.position(d.span.start) : undefined;
  const end = d.span ? file.position(d.span.end) : undefined;
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    line: start?.line ?? null,
    column: start?.column ?? null,
    endLine: end?.line ?? null,
    endColumn: end?.column ?? null,
    ...(d.label ? { label: d.label } : {}),
    notes: d.notes,
    ...(d.help ? { help: d.help } : {}),
    ...(d.acknowledged !== undefined ? { acknowledged: true, reason: d.acknowledged } : {}),
    ...(d.variant !== undefined ? { variant: d.variant } : {}),
  };
}

function jsonModel(checked: CheckedModel | undefined): Record<string, unknown> {
  return {
    input: checked ? shapeDims(checked.input) : null,
    output: checked?.output ? shapeDims(checked.output) : null,
    params: checked ? Object.fromEntries(checked.model.params.map((p) => [p.name, p.value.toNumber()])) : null,
    layers: (checked?.layers ?? []).map((l) => ({
      name: l.name,
      kind: l.kind,
      ...(l.block ? { block: l.block } : {}),
      output: shapeDims(l.output),
      params: count(l.params),
      ...jsonSplit(l.params, l.nonTrainableParams),
      macs: count(l.macs),
    })),
    totals: checked
      ? {
          params: count(checked.totals.params),
          ...jsonSplit(checked.totals.params, checked.totals.nonTrainableParams),
          macs: count(checked.totals.macs),
        }
      : null,
  };
}

function jsonSpec(spec: SpecReport): Record<string, unknown> {
  const [base, ...variants] = spec.results;
  const file = base!.file;
  const all = [...spec.results.flatMap((r) => r.diagnostics), ...spec.matrix.flatMap((m) => m.result.diagnostics)];
  return {
    file: file.path,
    model: base!.checked?.model.name ?? null,
    diagnostics: all.map((d) => jsonDiagnostic(file, d)),
    ...jsonModel(base!.checked),
    variants: variants.map((v) => ({ name: v.variant, ...jsonModel(v.checked) })),
    matrix: spec.matrix.map((m) => ({
      values: Object.fromEntries(m.overrides.map((o) => [o.name, o.value.toNumber()])),
      valid: errorCount(m.result.diagnostics) === 0,
      ...(firstError(m.result) ? { firstError: firstError(m.result)!.code } : {}),
      output: m.result.checked?.output ? shapeDims(m.result.checked.output) : null,
      totals: m.result.checked?.complete
        ? {
            params: count(m.result.checked.totals.params),
            ...jsonSplit(m.result.checked.totals.params, m.result.checked.totals.nonTrainableParams),
            macs: count(m.result.checked.totals.macs),
          }
        : null,
    })),
  };
}

export function jsonDocument(specs: SpecReport[]): string {
  return JSON.stringify({ version: JSON_FORMAT_VERSION, files: specs.map(jsonSpec) }, null, 2) + "\n";
}
