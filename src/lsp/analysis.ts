/**
 * One document's analysis, computed once per version and variant and shared by every request: the
 * base and every variant checked (what hints, hovers and symbols read, never more), and on demand
 * everything `alexc check` reports, `matrix` combinations included: those can be thousands of
 * checks, so only the debounced diagnostics pay for them, never a hint or a hover.
 */
import { checkSpec, diagnosticKey, type CheckResult } from "../check/check-spec.js";
import { matrixAxes, runMatrix } from "../check/variants.js";
import type { CheckedLayer } from "../check/check.js";
import { DiagnosticBag, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source.js";
import type { LayerNode, SpecNode } from "../syntax/ast.js";
import { receptiveFields, type FieldAt } from "../views/analysis/receptive-field.js";

export interface Analysis {
  file: SourceFile;
  ast?: SpecNode;
  /** Every finding, as `alexc check` reports it (variants' and matrix combinations' tagged); computed on first use. */
  diagnostics(): Diagnostic[];
  /** The model whose shapes are shown; absent when the spec did not resolve. */
  shown?: CheckResult;
  /** The variant shown, when it exists; undefined for the base. */
  variant?: string;
  /** Checked layers of the shown model by their syntax node. */
  layers: Map<LayerNode, { layer: CheckedLayer; field: FieldAt }>;
}

export function analyse(path: string, text: string, variant?: string): Analysis {
  const spec = checkSpec(path, text);
  const file = spec.file;
  const shown = spec.results.find((r) => r.variant === variant) ?? spec.results[0]!;
  const layers = new Map<LayerNode, { layer: CheckedLayer; field: FieldAt }>();
  if (shown.checked) {
    const fields = receptiveFields(shown.checked);
    shown.checked.layers.forEach((layer, i) => layers.set(layer.resolved.node, { layer, field: fields[i]! }));
  }
  let all: Diagnostic[] | undefined;
  return {
    file,
    ...(spec.ast ? { ast: spec.ast } : {}),
    diagnostics: () => (all ??= reported(spec.ast, file, spec.results)),
    ...(shown.checked ? { shown } : {}),
    ...(shown.variant !== undefined ? { variant: shown.variant } : {}),
    layers,
  };
}

/** As `checkSpecReport` (src/check/variants.ts) reports them: matrix findings once, errors only. */
function reported(ast: SpecNode | undefined, file: SourceFile, results: CheckResult[]): Diagnostic[] {
  const out = results.flatMap((r) => r.diagnostics);
  if (!ast) return out;
  const bag = new DiagnosticBag();
  const axes = matrixAxes(ast, file, bag);
  out.push(...bag.items);
  const seen = new Set(out.map(diagnosticKey));
  for (const row of runMatrix(file, ast, axes))
    out.push(...row.result.diagnostics.filter((d) => !seen.has(diagnosticKey(d)) && d.severity === "error"));
  return out;
}
