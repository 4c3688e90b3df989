/**
 * What training needs of a checked model beyond its shapes: class scores at the end. Part of the
 * check (not of the IR), so `alexc check` rejects every spec `alexc compile` would.
 */
import type { CheckedModel } from "./check.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import { formatShape } from "../layers/kind.js";

export function requireClassScores(checked: CheckedModel, bag: DiagnosticBag): void {
  const out = checked.output;
  if (!checked.complete || !out || out.rank === "flat") return;
  bag.add(
    "E0204",
    { model: checked.model.name, shape: formatShape(out) },
    {
      span: checked.model.layers.at(-1)?.node.headSpan,
      help: "end the model with `flatten` and `dense(num_classes)`",
    },
  );
}
