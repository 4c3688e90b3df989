import type { LayerKind, Shape, TfjsStep } from "./kind.js";
import { NO_PARAMS } from "./kind.js";
import { formatWindow } from "./window.js";
import { needsFeatureMap } from "./ranks.js";
import { noTorchParams } from "./torch-params.js";
import { py } from "./torch.js";

export type AdaptiveArgs = {
  /** Output H×W, whatever the input. */
  out: [number, number];
};

/**
 * Adaptive pooling (nn.AdaptiveAvgPool2d / AdaptiveMaxPool2d): the output is `out` whatever the
 * input, which is why torchvision's AlexNet takes any input ≥ 63 with the same classifier. Where
 * `out` divides the input on both axes the windows are an ordinary pool (kernel = stride = in/out),
 * which tfjs runs fast; otherwise alexc's adaptivePool2d pools PyTorch's windows for output cell i,
 * [floor(i·In/Out), ceil((i+1)·In/Out)) (overlapping where Out does not divide In, repeating cells
 * where Out > In), one row and column
 * at a time (the windows are products of a row range and a column range, so pooling is separable).
 * No MACs, as the other pooling kinds: the table counts multiply-adds of weighted layers only.
 */
function adaptive(mode: "avg" | "max"): LayerKind<AdaptiveArgs> {
  const kind = `adaptive_${mode}pool`;
  const module = mode === "avg" ? "AdaptiveAvgPool2d" : "AdaptiveMaxPool2d";
  return {
    kind,
    pytorch: module,
    doc: `adaptive ${mode === "avg" ? "average" : "max"} pooling to a fixed output size: ${kind}(out=N, HxW or {h, w})`,
    docs: {
      pytorch: `\`nn.${module}((h, w))\`; windows [floor(i·In/Out), ceil((i+1)·In/Out)) as PyTorch, output fixed for any input`,
      example: `input 3x13x13\n  ${kind}(6)`,
    },
    role: "pool",
    args: [{ name: "out", type: "window", position: 0, doc: "output size: N, HxW or {h, w}" }],
    infer(a, input, ctx) {
      const map = needsFeatureMap(input, ctx, kind);
      return map && { rank: "chw", c: map.c, h: a.out[0], w: a.out[1] };
    },
    params: () => NO_PARAMS,
    macs: () => 0n,
    fixedSize: (a) => a.out,
    describe: (a) => `output ${formatWindow(a.out)}`,
    lower(a, input: Shape): TfjsStep[] {
      const [h, w] = input.rank === "chw" ? [input.h, input.w] : [0, 0];
      if (h % a.out[0] === 0 && w % a.out[1] === 0) {
        const k: [number, number] = [h / a.out[0], w / a.out[1]];
        const factory = mode === "avg" ? "averagePooling2d" : "maxPooling2d";
        return [{ factory, suffix: "", config: { poolSize: k, strides: k, padding: "valid" } }];
      }
      return [{ factory: "adaptivePool2d", runtime: true, suffix: "", config: { outputSize: a.out, mode } }];
    },
    torchParams: noTorchParams,
    torch: (a) => `nn.${module}(${py(a.out)})`,
  };
}

export const adaptiveAvgpool = adaptive("avg");
export const adaptiveMaxpool = adaptive("max");
