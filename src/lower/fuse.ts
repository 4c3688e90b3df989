/**
 * Stage 4a, inside lowering: rewrites each layer's tfjs calls into the form a person writing tfjs
 * by hand would use, which tfjs runs faster, without changing what the model computes or the names
 * of its layers:
 *
 * - a conv or dense followed by relu takes relu as its tfjs activation (tfjs then runs one fused kernel,
 *   forward and backward), and the relu layer becomes an identity activation under its own name;
 * - ZeroPadding2D + a stride-1 'valid' conv whose padding is (k − 1) / 2 on every side becomes one
 *   conv with padding 'same' (identical for odd k and stride 1), saving a copy of the input.
 *
 * Measured on wasm with alexnet-mini: each rewrite is worth about 9% of training throughput
 * (docs/benchmarks.md compares generated code with hand-written tfjs).
 */
import type { CheckedLayer, CheckedModel } from "../check/check.js";
import { initializersFor, normInitializersFor } from "../resolve/weight-init.js";
import { LoweringError } from "../layers/pool.js";
import { fusedActivation } from "../layers/index.js";
import { isLastInValue, type TfjsLayer, type TfjsStep } from "../layers/kind.js";

/** How one layer's lowering changes: it absorbs the next relu, or it is a relu absorbed by the previous layer. */
export type Fusion = { absorbsRelu: true; by?: undefined } | { absorbsRelu?: undefined; by: string };

/** The activation tfjs fuses into conv2d and dense kernels (the relu kind's tfjs activation). */
const FUSED_ACTIVATION = fusedActivation;

/**
 * Which layers fuse: each layer whose kind takes a fused activation (conv, dense) directly followed
 * by a layer whose kind is that activation (relu), when it lowers to plain layers (a grouped conv
 * ends in a concatenation, which takes no activation).
 */
export function planFusion(layers: CheckedLayer[], lowered: ReadonlyMap<string, TfjsStep[]>): Map<string, Fusion> {
  const plan = new Map<string, Fusion>();
  layers.forEach((l, i) => {
    const next = layers[i + 1];
    const plain = lowered.get(l.name)?.every((s) => !("branches" in s)) ?? false;
    if (l.resolved.kind.fusesActivation && plain && next && next.resolved.kind.activation === FUSED_ACTIVATION) {
      plan.set(l.name, { absorbsRelu: true });
      plan.set(next.name, { by: l.name });
    }
  });
  return plan;
}

const pair = (v: unknown): [number, number] | undefined =>
  Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === "number") ? (v as [number, number]) : undefined;

/** A pad step that a following stride-1 conv can replace with padding 'same'. */
function sameCanReplace(pad: TfjsLayer, conv: TfjsLayer): boolean {
  if (pad.factory !== "zeroPadding2d" || conv.factory !== "conv2d" || conv.config["padding"] !== "valid") return false;
  const kernel = pair(conv.config["kernelSize"]);
  const strides = pair(conv.config["strides"]);
  const padding = pad.config["padding"] as [[number, number], [number, number]] | undefined;
  if (!kernel || !strides || !padding || strides[0] !== 1 || strides[1] !== 1) return false;
  return [0, 1].every(
    (axis) => kernel[axis]! % 2 === 1 && padding[axis]![0] === (kernel[axis]! - 1) / 2 && padding[axis]![1] === (kernel[axis]! - 1) / 2,
  );
}

/** The layer's calls after the rewrites, and a note for its comment when it changed. */
/** A layer whose work is done elsewhere keeps its name in the model as an identity. */
const IDENTITY: TfjsLayer = { factory: "activation", suffix: "", config: { activation: "linear" } };

export function optimiseSteps(steps: TfjsStep[], fusion: Fusion | undefined): { steps: TfjsStep[]; note?: string } {
  if (fusion?.by !== undefined) {
    return { steps: [IDENTITY], note: `applied by ${fusion.by} (fused)` };
  }
  // Subgraphs (grouped convs) are left as they are.
  if (steps.some((s) => "branches" in s)) return { steps };
  let out = steps as TfjsLayer[];
  const notes: string[] = [];
  const convAt = out.findIndex((s) => s.factory === "conv2d");
  if (convAt > 0 && sameCanReplace(out[convAt - 1]!, out[convAt]!)) {
    out = [...out.slice(0, convAt - 1), { ...out[convAt]!, config: { ...out[convAt]!.config, padding: "same" } }, ...out.slice(convAt + 1)];
    notes.push("padding as 'same'");
  }
  if (fusion?.absorbsRelu) {
    // The main step (no suffix) is the one that takes the activation; padding helpers come before it.
    const main = out.findIndex((s) => s.suffix === "");
    if (main >= 0) {
      out = out.map((s, i) => (i === main ? { ...s, config: { ...s.config, activation: FUSED_ACTIVATION } } : s));
      notes.push(`${FUSED_ACTIVATION} fused`);
    }
  }
  return notes.length ? { steps: out, note: notes.join(", ") } : { steps: out };
}

/** Every layer of a model lowered and rewritten: what the generated code and the export both build. */
export interface LoweredLayer {
  layer: CheckedLayer;
  steps: TfjsStep[];
  note?: string;
}

/**
 * Lowering never fails for a model the check accepted: a LoweringError is a disagreement between a
 * kind's shape rule and its lowering, a bug in alexc, not a finding about the spec (so `check` and
 * `compile` agree).
 */
export function lowerModel(checked: CheckedModel): { layers: LoweredLayer[] } {
  const init = initializersFor(checked.model.init);
  const normInit = normInitializersFor(checked.model.init);
  // Lower every layer first: whether a layer can absorb the next relu depends on its lowering.
  const lowered = new Map<string, TfjsStep[]>();
  for (const l of checked.layers) {
    try {
      lowered.set(l.name, l.resolved.kind.lower(l.resolved.args, l.input, l.output, { name: l.name, init, normInit }));
    } catch (e) {
      if (!(e instanceof LoweringError)) throw e;
      throw new Error(`${l.name} passed the check but cannot be lowered to TensorFlow.js: ${e.message}`, { cause: e });
    }
  }
  const fusion = planFusion(checked.layers, lowered);
  const kinds = checked.layers.map((l) => l.resolved.kind);
  const layers = checked.layers.flatMap((layer, i) => {
    const steps = lowered.get(layer.name);
    if (steps && layer.resolved.kind.probabilities && isLastInValue(kinds, i)) {
      // The model outputs logits: the trainer's loss (softmax cross-entropy) and predict apply the
      // softmax once each, which a softmax in the model would double.
      return [{ layer, steps: [IDENTITY], note: "identity: the loss and predict apply softmax to the logits" }];
    }
    return steps ? [{ layer, ...optimiseSteps(steps, fusion.get(layer.name)) }] : [];
  });
  return { layers };
}
