import type { LayerKind, Padding } from "./kind.js";
import { applyWindow, formatPadding, formatWindow } from "./window.js";
import { needsFeatureMap } from "./ranks.js";

export interface ConvArgs {
  out: number;
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

/** 2-D convolution with bias, PyTorch's nn.Conv2d. Explicit padding lowers to a ZeroPadding2D layer. */
export const conv: LayerKind<ConvArgs> = {
  kind: "conv",
  pytorch: "Conv2d",
  doc: "2-D convolution with bias: conv(out_channels, kernel=F, stride=S, padding=P)",
  args: [
    { name: "out", type: "count", position: 0, doc: "output channels" },
    { name: "kernel", type: "window", position: 1, doc: "kernel size: F, HxW or {h, w}" },
    { name: "stride", type: "window", default: [1, 1], doc: "stride: S, HxW or {h, w}" },
    { name: "padding", type: "padding", default: [[0, 0], [0, 0]], doc: "zero padding: P, [P1, P2] or {h, w}" },
  ],
  infer(a, input, ctx) {
    const map = needsFeatureMap(input, ctx, "conv");
    if (!map) return undefined;
    const hw = applyWindow("conv", map, a.kernel, a.stride, a.padding, ctx);
    return hw && { rank: "chw", c: a.out, ...hw };
  },
  params(a, input) {
    const cin = input.rank === "chw" ? input.c : 0;
    return BigInt(a.out) * BigInt(cin) * BigInt(a.kernel[0]) * BigInt(a.kernel[1]) + BigInt(a.out);
  },
  macs(a, input, output) {
    if (input.rank !== "chw" || output.rank !== "chw") return 0n;
    return BigInt(output.c) * BigInt(output.h) * BigInt(output.w) * BigInt(input.c) * BigInt(a.kernel[0]) * BigInt(a.kernel[1]);
  },
  window: (a) => a,
  channels: (a) => a.out,
  describe(a) {
    return `${a.out}, kernel ${formatWindow(a.kernel)}, stride ${formatWindow(a.stride)}, padding ${formatPadding(a.padding)}`;
  },
  lower(a, input, _output, ctx) {
    const cin = input.rank === "chw" ? input.c : 0;
    const area = a.kernel[0] * a.kernel[1];
    const init = ctx.init("conv", cin * area, a.out * area);
    const layers = [];
    if (a.padding.flat().some((p) => p > 0)) layers.push({ factory: "zeroPadding2d", suffix: ".pad", config: { padding: a.padding } });
    layers.push({
      factory: "conv2d",
      suffix: "",
      config: { filters: a.out, kernelSize: a.kernel, strides: a.stride, padding: "valid", useBias: true },
      initializers: { kernelInitializer: init.kernel, biasInitializer: init.bias },
    });
    return layers;
  },
};
