/**
 * Inlay hints: after each checked layer its output shape (`→ 48×55×55`), and on a layer that takes
 * in-features (the kind's `declaresInFeatures` hook) the number that arrives. Read from the layer
 * table's hooks, so a new kind gets its hints without changes here.
 */
import type { InlayHint } from "vscode-languageserver";
import { formatShape } from "../layers/kind.js";
import type { Span } from "../syntax/ast.js";
import type { Analysis } from "./analysis.js";
import { toPosition } from "./positions.js";
import { layersOf } from "./syntax-walk.js";

const TYPE_HINT = 1;

export function inlayHints(a: Analysis, within: Span): InlayHint[] {
  if (!a.ast) return [];
  const hints: InlayHint[] = [];
  for (const { layer: node } of layersOf(a.ast)) {
    if (node.span.end < within.start || node.span.start > within.end) continue;
    const checked = a.layers.get(node);
    if (!checked) continue;
    const { layer } = checked;
    const kind = layer.resolved.kind;
    if (kind.declaresInFeatures !== undefined && layer.input.rank === "flat") {
      const declared = layer.resolved.sources[kind.declaresInFeatures];
      const first = node.args[0];
      // Only where the declaration does not already say the number (`128*6*6`, or a wrong one).
      if (declared && declared.text.trim() !== String(layer.input.n))
        hints.push({
          position: toPosition(a.file, declared.span.end),
          label: `(${layer.input.n} arrive)`,
          paddingLeft: true,
          kind: TYPE_HINT,
        });
      else if (!declared && first)
        hints.push({ position: toPosition(a.file, first.span.start), label: `${layer.input.n} →`, paddingRight: true, kind: TYPE_HINT });
    }
    hints.push({
      position: toPosition(a.file, node.headSpan.end),
      label: `→ ${formatShape(layer.output)}`,
      paddingLeft: true,
      kind: TYPE_HINT,
    });
  }
  return hints;
}
