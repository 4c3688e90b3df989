import type { LayerKind, Padding } from "./kind.js";
import { layerLabel } from "./kind.js";
import { applyWindow, formatPadding, formatWindow } from "./window.js";
import { needsFeatureMap } from "./ranks.js";

export interface PoolArgs {
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

/**
 * Max pooling, PyTorch's nn.MaxPool2d (floor mode). Stride defaults to the kernel, as in PyTorch.
 * tfjs pooling has no explicit padding, and zero padding would change a max over negative values,
 * so padding is accepted only where it equals TF's 'same' padding for this input (which ignores
 * padded positions exactly as PyTorch's -inf padding does).
 */
export const maxpool: LayerKind<PoolArgs> = {
  kind: "maxpool",
  pytorch: "MaxPool2d",
  doc: "max pooling: maxpool(kernel=F, stride=S (default F), padding=P)",
  args: [
    { name: "kernel", type: "window", position: 0, doc: "window size: F, HxW or {h, w}" },
    { name: "stride", type: "window", default: (a: Record<string, unknown>) => a["kernel"], doc: "stride (default: the kernel size)" },
    { name: "padding", type: "padding", default: [[0, 0], [0, 0]], doc: "implicit -inf padding: P, [P1, P2] or {h, w}" },
  ],
  infer(a, input, ctx) {
    const map = needsFeatureMap(input, ctx, "maxpool");
    if (!map) return undefined;
    for (let i = 0; i < 2; i++) {
      const half = Math.floor(a.kernel[i]! / 2);
      if (a.padding[i]!.some((p) => p > half)) {
        ctx.bag.add("E0111", `${layerLabel(ctx.name, "maxpool")} pads more than half its kernel`, {
          span: ctx.sources["padding"]?.span ?? ctx.span,
          label: `padding ${formatPadding(a.padding)} with kernel ${formatWindow(a.kernel)}`,
          notes: ["a window could then lie entirely in the padding; PyTorch rejects this too (pad should be at most half of kernel size)"],
          help: `use padding ≤ ${half}`,
        });
        return undefined;
      }
    }
    const hw = applyWindow("maxpool", map, a.kernel, a.stride, a.padding, ctx);
    return hw && { rank: "chw", c: map.c, ...hw };
  },
  params: () => 0n,
  macs: () => 0n,
  window: (a) => a,
  describe(a) {
    const pad = a.padding.flat().some((p) => p > 0) ? `, padding ${formatPadding(a.padding)}` : "";
    return `kernel ${formatWindow(a.kernel)}, stride ${formatWindow(a.stride)}${pad}`;
  },
  lower(a, input) {
    const padded = a.padding.flat().some((p) => p > 0);
    if (padded && input.rank === "chw") {
      const same = tfSamePadding([input.h, input.w], a.kernel, a.stride);
      if (JSON.stringify(same) !== JSON.stringify(a.padding)) {
        throw new LoweringError(
          `maxpool padding ${formatPadding(a.padding)} has no exact tfjs equivalent for a ${input.h}×${input.w} input ` +
            `(tfjs pools pad only as 'same', which here means ${formatPadding(same)})`,
        );
      }
    }
    return [{ factory: "maxPooling2d", suffix: "", config: { poolSize: a.kernel, strides: a.stride, padding: padded ? "same" : "valid" } }];
  },
};

/** TensorFlow's 'same' padding: total = max((ceil(W/S) − 1)·S + F − W, 0), the extra one at the end. */
export function tfSamePadding(size: [number, number], kernel: [number, number], stride: [number, number]): Padding {
  return [0, 1].map((i) => {
    const total = Math.max((Math.ceil(size[i]! / stride[i]!) - 1) * stride[i]! + kernel[i]! - size[i]!, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }) as Padding;
}

/** A spec that checks but cannot be expressed in tfjs-layers: reported as a diagnostic by the emitter. */
export class LoweringError extends Error {}
