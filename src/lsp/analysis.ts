/**
 * One document's analysis, computed once per version and variant and shared by every request:
 * the same check `alexc check` runs (base, variants, matrix), plus the model whose shapes the
 * editor shows (the base, or the variant picked in the settings or by a code lens).
 */
import { checkSpecReport, type SpecReport } from "../check/variants.js";
import type { CheckResult } from "../check/check-spec.js";
import type { CheckedLayer } from "../check/check.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source.js";
import type { LayerNode, SpecNode } from "../syntax/ast.js";
import { receptiveFields, type FieldAt } from "../views/analysis/receptive-field.js";

export interface Analysis {
  file: SourceFile;
  ast?: SpecNode;
  /** Every finding, as `alexc check` reports it (variants' and matrix combinations' tagged). */
  diagnostics: Diagnostic[];
  /** The model whose shapes are shown; absent when the spec did not resolve. */
  shown?: CheckResult;
  /** The variant shown, when it exists; undefined for the base. */
  variant?: string;
  /** Checked layers of the shown model by their syntax node. */
  layers: Map<LayerNode, { layer: CheckedLayer; field: FieldAt }>;
}

export function analyse(path: string, text: string, variant?: string): Analysis {
  const report: SpecReport = checkSpecReport(path, text);
  const file = report.results[0]!.file;
  const diagnostics = report.results.flatMap((r) => r.diagnostics);
  for (const row of report.matrix)
    for (const d of row.result.diagnostics) diagnostics.push({ ...d, variant: d.variant ?? `matrix ${row.label}` });
  const shown = report.results.find((r) => r.variant === variant) ?? report.results[0]!;
  const layers = new Map<LayerNode, { layer: CheckedLayer; field: FieldAt }>();
  if (shown.checked) {
    const fields = receptiveFields(shown.checked);
    shown.checked.layers.forEach((layer, i) => layers.set(layer.resolved.node, { layer, field: fields[i]! }));
  }
  return {
    file,
    ...(report.ast ? { ast: report.ast } : {}),
    diagnostics,
    ...(shown.checked ? { shown } : {}),
    ...(shown.variant !== undefined ? { variant: shown.variant } : {}),
    layers,
  };
}
