import type { CheckContext, LayerKind, PaddingArg, TfjsLayer, TfjsStep } from "./kind.js";
import { layerLabel, trainable, weightInitializers } from "./kind.js";
import { applyWindow, concretePadding, describePadding, formatWindow } from "./window.js";
import { needsFeatureMap } from "./ranks.js";
import { samePaddingWarning, type SamePort } from "./portability.js";
import { torchConv } from "./torch-params.js";
import { padLrtb, py, symmetricPadding } from "./torch.js";

export type ConvArgs = {
  out: number;
  kernel: [number, number];
  stride: [number, number];
  padding: PaddingArg;
  /** PyTorch's groups: each group of in-channels is convolved only into its own group of out-channels. */
  groups: number;
  /** PyTorch's dilation: kernel taps d apart, so the kernel spans d·(F − 1) + 1 input cells. */
  dilation: [number, number];
  bias: boolean;
};

/** The input cells a dilated kernel spans: d·(F − 1) + 1 per axis. */
// Undilated, the kernel itself: the input scan asks for the window thousands of times.
const span = (a: ConvArgs): [number, number] =>
  a.dilation[0] === 1 && a.dilation[1] === 1 ? a.kernel : [a.dilation[0] * (a.kernel[0] - 1) + 1, a.dilation[1] * (a.kernel[1] - 1) + 1];

const dilated = (a: ConvArgs): boolean => a.dilation[0] > 1 || a.dilation[1] > 1;

/**
 * 2-D convolution, PyTorch's nn.Conv2d (bias unless bias=false). Explicit padding lowers to a ZeroPadding2D layer.
 * tfjs has no grouped Conv2D (tfjs#3900), so `groups = g` lowers to a small subgraph: slice the
 * channels into g parts, one conv per part, concatenate. Each branch's kernel is the matching slice
 * of PyTorch's [Cout, Cin/g, kh, kw] weight, so a PyTorch grouped conv's weights load branch by branch.
 *
 * Dilation d: the output size is N = floor((W + P1 + P2 − d·(F − 1) − 1) / S) + 1 (the window rule
 * with the spanned kernel d·(F − 1) + 1), and the receptive field grows by that span. MACs count the
 * F·F real taps, as PyTorch's profilers do. tfjs's conv2d takes dilation, but refuses it with a stride
 * above 1 and has no gradient for it at all (Conv2D_grad.ts: "dilation rates greater than 1 are not
 * yet supported in gradients"), so a dilated conv lowers to alexc's dilatedConv2d: the same weights,
 * convolved as a kernel with zeros between the taps, which any stride and every backend's gradient take.
 */
export const conv: LayerKind<ConvArgs> = {
  kind: "conv",
  pytorch: "Conv2d",
  doc: "2-D convolution: conv(out_channels, kernel=F, stride=S, padding=P, groups=G, dilation=D, bias=true)",
  docs: {
    pytorch: "`nn.Conv2d(in, out, kernel, stride, padding, dilation=dilation, groups=groups, bias=bias)`",
    example: "input 3x8x8\n  conv(4, kernel=3, padding=1, groups=1)",
  },
  role: "conv",
  fusesActivation: true,
  args: [
    { name: "out", type: "count", position: 0, doc: "output channels" },
    { name: "kernel", type: "window", position: 1, doc: "kernel size: F, HxW or {h, w}" },
    { name: "stride", type: "window", default: [1, 1], doc: "stride: S, HxW or {h, w}" },
    {
      name: "padding",
      type: "padding",
      default: [
        [0, 0],
        [0, 0],
      ],
      doc: "zero padding: P, [P1, P2], {h, w}, same or valid",
    },
    { name: "groups", type: "count", default: 1, doc: "channel groups, as PyTorch's groups (the AlexNet paper's two GPUs: 2)" },
    { name: "dilation", addedLater: true, type: "window", default: [1, 1], doc: "spacing of the kernel taps: D, HxW or {h, w}" },
    { name: "bias", addedLater: true, type: "flag", default: true, doc: "false: no bias (as before a batch norm)" },
  ],
  infer(a, input, ctx) {
    const map = needsFeatureMap(input, ctx, "conv");
    if (!map) return undefined;
    if (!groupsDivide(a, map.c, ctx)) return undefined;
    const padding = concretePadding(a.padding, [map.h, map.w], span(a), a.stride);
    const hw = applyWindow(
      "conv",
      map,
      { kernel: span(a), stride: a.stride, padding, ...(dilated(a) ? { dilated: { kernel: a.kernel, dilation: a.dilation } } : {}) },
      ctx,
    );
    if (hw && a.padding === "same") samePaddingWarning("conv", convSame(a), map, a, padding, hw, ctx);
    return hw && { rank: "chw", c: a.out, ...hw };
  },
  params(a, input) {
    const cin = input.rank === "chw" ? input.c : 0;
    return trainable(BigInt(a.out) * BigInt(cin / a.groups) * BigInt(a.kernel[0]) * BigInt(a.kernel[1]) + (a.bias ? BigInt(a.out) : 0n));
  },
  macs(a, input, output) {
    if (input.rank !== "chw" || output.rank !== "chw") return 0n;
    return BigInt(output.c) * BigInt(output.h) * BigInt(output.w) * BigInt(input.c / a.groups) * BigInt(a.kernel[0]) * BigInt(a.kernel[1]);
  },
  window: (a, size) => ({
    kernel: span(a),
    stride: a.stride,
    padding: a.padding === "same" ? concretePadding(a.padding, size, span(a), a.stride) : a.padding,
    same: a.padding === "same",
  }),
  channels: (a) => a.out,
  branches: (a) => a.groups,
  describe(a, input) {
    return (
      `${a.out}, kernel ${formatWindow(a.kernel)}, stride ${formatWindow(a.stride)}, padding ${describePadding(a.padding, span(a), a.stride, input)}` +
      (a.groups > 1 ? `, groups ${a.groups}` : "") +
      (dilated(a) ? `, dilation ${formatWindow(a.dilation)}` : "") +
      (a.bias ? "" : ", no bias")
    );
  },
  lower(a, input, _output, ctx) {
    const [cin, h, w] = input.rank === "chw" ? [input.c, input.h, input.w] : [0, 0, 0];
    const area = a.kernel[0] * a.kernel[1];
    // PyTorch's fans for a grouped conv: fan-in Cin/g·kh·kw, fan-out Cout·kh·kw (its weight is [Cout, Cin/g, kh, kw]).
    const init = ctx.init("conv", (cin / a.groups) * area, a.out * area);
    const padding = concretePadding(a.padding, [h, w], span(a), a.stride);
    const steps: TfjsStep[] = [];
    if (padding.flat().some((p) => p > 0)) steps.push({ factory: "zeroPadding2d", suffix: ".pad", config: { padding } });
    const convLayer = (suffix: string, filters: number): TfjsLayer => ({
      factory: dilated(a) ? "dilatedConv2d" : "conv2d",
      ...(dilated(a) ? { runtime: true } : {}),
      suffix,
      config: {
        filters,
        kernelSize: a.kernel,
        strides: a.stride,
        padding: "valid",
        ...(dilated(a) ? { dilationRate: a.dilation } : {}),
        useBias: a.bias,
      },
      initializers: weightInitializers(a.bias, init),
    });
    if (a.groups === 1) return [...steps, convLayer("", a.out)];
    const [inPer, outPer] = [cin / a.groups, a.out / a.groups];
    const branches = Array.from({ length: a.groups }, (_, g) => ({
      comment: `group ${g + 1} of ${a.groups}: input channels ${g * inPer}–${(g + 1) * inPer - 1} -> output channels ${g * outPer}–${(g + 1) * outPer - 1}`,
      layers: [
        { factory: "channelSlice", runtime: true, suffix: `.g${g}.in`, config: { begin: g * inPer, size: inPer } },
        convLayer(`.g${g}`, outPer),
      ],
    }));
    steps.push({ branches, merge: { factory: "concatenate", suffix: "", config: { axis: -1 } } });
    return steps;
  },
  torchParams: (a, input) => torchConv(a.out, input.rank === "chw" ? input.c : 0, a.kernel, a.groups, a.bias),
  // PyTorch's own padding is the same on both sides: uneven padding (`[1, 2]`, some `same`) pads first.
  torch(a, input) {
    const [cin, h, w] = input.rank === "chw" ? [input.c, input.h, input.w] : [0, 0, 0];
    const padding = concretePadding(a.padding, [h, w], span(a), a.stride);
    const even = symmetricPadding(padding);
    const args =
      `${cin}, ${a.out}, kernel_size=${py(a.kernel)}` + (a.stride[0] === 1 && a.stride[1] === 1 ? "" : `, stride=${py(a.stride)}`);
    const groups =
      (a.groups > 1 ? `, groups=${a.groups}` : "") + (dilated(a) ? `, dilation=${py(a.dilation)}` : "") + (a.bias ? "" : ", bias=False");
    return even
      ? `nn.Conv2d(${args}${even.some((p) => p > 0) ? `, padding=${py(even)}` : ""}${groups})`
      : `Conv2dPadded(${args}${groups}, pad=${padLrtb(padding)})`;
  },
};

/** What W0311 says about PyTorch's Conv2d: its padding='same' only takes stride 1. */
function convSame(a: ConvArgs): SamePort {
  return {
    module: "Conv2d",
    pytorchSame:
      a.stride[0] === 1 && a.stride[1] === 1
        ? "PyTorch's padding='same' agrees with TensorFlow here (it also puts the odd one at the end), but its integer padding is symmetric"
        : `PyTorch's padding='same' rejects strided convolutions (stride ${formatWindow(a.stride)}), and its integer padding is symmetric`,
    torchPad: (l, r, t, b) => `nn.ZeroPad2d((${l}, ${r}, ${t}, ${b}))`,
  };
}

/** PyTorch requires in- and out-channels divisible by groups; the error names the nearest widths that are. */
function groupsDivide(a: ConvArgs, cin: number, ctx: CheckContext): boolean {
  if (a.groups === 1) return true;
  const bad = [
    { what: "input", n: cin },
    { what: "output", n: a.out },
  ].filter((x) => x.n % a.groups !== 0);
  if (bad.length === 0) return true;
  const nearest = (n: number): string => {
    const below = Math.floor(n / a.groups) * a.groups;
    return below === 0 ? `${below + a.groups}` : `${below} or ${below + a.groups}`;
  };
  const common = divisors(gcd(cin, a.out));
  const fixes = bad.map((b) =>
    b.what === "input"
      ? ctx.producer
        ? `have the layer before give ${nearest(cin)} channels instead of ${cin}`
        : `an input of ${nearest(cin)} channels instead of ${cin}`
      : `${nearest(a.out)} output channels instead of ${a.out}`,
  );
  // A handful of choices is help; more is noise.
  const choices = common.filter((d) => d > 1).slice(0, 6);
  if (choices.length > 0) {
    const list = choices.length === 1 ? `${choices[0]}` : `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
    fixes.push(`groups=${list}, which ${choices.length === 1 ? "divides" : "divide"} both ${cin} and ${a.out}`);
  } else fixes.push(`groups=1: ${cin} and ${a.out} have no common divisor above 1`);
  const counted =
    bad.length === 2
      ? `${cin} input and ${a.out} output channels are`
      : `${bad[0]!.n} ${bad[0]!.what} channel${bad[0]!.n === 1 ? " is" : "s are"}`;
  ctx.bag.add(
    "E0210",
    { layer: layerLabel(ctx.name, "conv"), groups: a.groups, counted },
    {
      span: ctx.sources["groups"]?.span ?? ctx.span,
      label: `groups=${a.groups}`,
      notes: [
        `a grouped convolution splits its input and output channels into ${a.groups} equal groups, so both must be divisible by ${a.groups} (PyTorch: "in_channels must be divisible by groups", "out_channels must be divisible by groups")`,
        `input ${cin} channels${ctx.producer ? `, from ${ctx.producer}` : " (the model input)"}; output ${a.out} channels`,
      ],
      help: fixes.join("; or "),
    },
  );
  return false;
}

/** Divisors in increasing order, found up to √n (channel counts can be large). */
function divisors(n: number): number[] {
  const low: number[] = [];
  const high: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    low.push(d);
    if (d * d !== n) high.unshift(n / d);
  }
  return [...low, ...high];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
