/**
 * Stage 4a, inside lowering: rewrites each layer's tfjs calls into the form a person writing tfjs
 * by hand would use, which tfjs runs faster, without changing what the model computes or the names
 * of its layers:
 *
 * - a conv or dense followed by relu takes `activation: "relu"` (tfjs then runs one fused kernel,
 *   forward and backward), and the relu layer becomes an identity activation under its own name;
 * - ZeroPadding2D + a stride-1 'valid' conv whose padding is (k − 1) / 2 on every side becomes one
 *   conv with padding 'same' (identical for odd k and stride 1), saving a copy of the input.
 *
 * Measured on wasm with alexnet-mini: each rewrite is worth about 9% of training throughput
 * (docs/benchmarks.md compares generated code with hand-written tfjs).
 */
import type { CheckedLayer } from "./check.js";
import type { TfjsLayer } from "./layers/kind.js";

/** How one layer's lowering changes: it absorbs the next relu, or it is a relu absorbed by the previous layer. */
export type Fusion = { absorbsRelu: true; by?: undefined } | { absorbsRelu?: undefined; by: string };

const FUSABLE = new Set(["conv", "dense"]);

/** Which layers fuse: each conv/dense directly followed by a relu. */
export function planFusion(layers: CheckedLayer[]): Map<string, Fusion> {
  const plan = new Map<string, Fusion>();
  layers.forEach((l, i) => {
    const next = layers[i + 1];
    if (FUSABLE.has(l.kind) && next?.kind === "relu") {
      plan.set(l.name, { absorbsRelu: true });
      plan.set(next.name, { by: l.name });
    }
  });
  return plan;
}

const pair = (v: unknown): [number, number] | undefined => (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === "number") ? (v as [number, number]) : undefined);

/** A pad step that a following stride-1 conv can replace with padding 'same'. */
function sameCanReplace(pad: TfjsLayer, conv: TfjsLayer): boolean {
  if (pad.factory !== "zeroPadding2d" || conv.factory !== "conv2d" || conv.config["padding"] !== "valid") return false;
  const kernel = pair(conv.config["kernelSize"]);
  const strides = pair(conv.config["strides"]);
  const padding = pad.config["padding"] as [[number, number], [number, number]] | undefined;
  if (!kernel || !strides || !padding || strides[0] !== 1 || strides[1] !== 1) return false;
  return [0, 1].every((axis) => kernel[axis]! % 2 === 1 && padding[axis]![0] === (kernel[axis]! - 1) / 2 && padding[axis]![1] === (kernel[axis]! - 1) / 2);
}

/** The layer's calls after the rewrites, and a note for its comment when it changed. */
export function optimiseSteps(steps: TfjsLayer[], fusion: Fusion | undefined): { steps: TfjsLayer[]; note?: string } {
  if (fusion?.by !== undefined) {
    return { steps: [{ factory: "activation", suffix: "", config: { activation: "linear" } }], note: `applied by ${fusion.by} (fused)` };
  }
  let out = steps;
  const notes: string[] = [];
  const convAt = out.findIndex((s) => s.factory === "conv2d");
  if (convAt > 0 && sameCanReplace(out[convAt - 1]!, out[convAt]!)) {
    out = [...out.slice(0, convAt - 1), { ...out[convAt]!, config: { ...out[convAt]!.config, padding: "same" } }, ...out.slice(convAt + 1)];
    notes.push("padding as 'same'");
  }
  if (fusion?.absorbsRelu) {
    const main = out.findIndex((s) => s.suffix === "" && (s.factory === "conv2d" || s.factory === "dense"));
    if (main >= 0) {
      out = out.map((s, i) => (i === main ? { ...s, config: { ...s.config, activation: "relu" } } : s));
      notes.push("relu fused");
    }
  }
  return notes.length ? { steps: out, note: notes.join(", ") } : { steps: out };
}
