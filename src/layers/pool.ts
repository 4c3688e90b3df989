import type { CheckContext, LayerKind, Padding, PaddingArg, Shape, TfjsStep } from "./kind.js";
import { layerLabel, NO_PARAMS } from "./kind.js";
import { applyWindow, concretePadding, describePadding, formatPadding, formatWindow, windowAxis } from "./window.js";
import { needsFeatureMap } from "./ranks.js";
import { caffeCeilNote, ceilModeWarning, samePaddingWarning, type SamePort } from "./portability.js";
import { noTorchParams } from "./torch-params.js";
import { padLrtb, py, symmetricPadding } from "./torch.js";

export type PoolArgs = {
  kernel: [number, number];
  stride: [number, number];
  padding: PaddingArg;
  /** PyTorch's ceil_mode (Caffe's default): keep the last, partial window. */
  ceil_mode: boolean;
};

/** The window arguments max and average pooling share; they differ only in what pads. */
function poolArgs(padsWith: "-inf" | "zero") {
  return [
    { name: "kernel", type: "window", position: 0, doc: "window size: F, HxW or {h, w}" },
    {
      name: "stride",
      type: "window",
      default: (a: Record<string, unknown>) => a["kernel"],
      defaultText: "kernel",
      doc: "stride (default: the kernel size)",
    },
    {
      name: "padding",
      type: "padding",
      default: [
        [0, 0],
        [0, 0],
      ],
      doc: `implicit ${padsWith} padding: P, [P1, P2], {h, w}, same or valid`,
    },
    { name: "ceil_mode", type: "flag", default: false, doc: "true: ceil instead of floor, as PyTorch's ceil_mode and Caffe" },
  ] as const;
}

/** PyTorch allows pooling padding up to half the kernel. */
const halfKernel = (a: PoolArgs): [number, number] => [Math.floor(a.kernel[0] / 2), Math.floor(a.kernel[1] / 2)];

const poolWindow = (a: PoolArgs, size: [number, number]) => ({
  kernel: a.kernel,
  stride: a.stride,
  padding: concretePadding(a.padding, size, a.kernel, a.stride),
  ceil: a.ceil_mode,
  same: a.padding === "same",
});

/**
 * Max pooling, PyTorch's nn.MaxPool2d. Stride defaults to the kernel, as in PyTorch. Its padding is
 * −∞ (a padded cell never wins a max), which tfjs-layers cannot express, and tfjs has no ceil mode:
 * both lower to alexc's −∞ padding layer (bottom/right extended for ceil mode) and an unpadded pool,
 * so the generated model has exactly the checked shape.
 */
export const maxpool: LayerKind<PoolArgs> = {
  kind: "maxpool",
  pytorch: "MaxPool2d",
  doc: "max pooling: maxpool(kernel=F, stride=S (default F), padding=P, ceil_mode=false)",
  docs: {
    pytorch: "`nn.MaxPool2d(kernel, stride, padding, ceil_mode=…)`; padding ≤ kernel/2, −∞ as in PyTorch",
    example: "input 3x7x7\n  maxpool(kernel=3, stride=2, padding=1)",
  },
  role: "pool",
  maxPadding: halfKernel,
  args: [...poolArgs("-inf")],
  infer: (a, input, ctx) => inferPool("maxpool", MAXPOOL_SAME, "pads the bottom/right with −∞ and pools without padding", a, input, ctx),
  params: () => NO_PARAMS,
  torchParams: noTorchParams,
  macs: () => 0n,
  window: poolWindow,
  describe(a, input) {
    const padded = a.padding === "same" || a.padding.flat().some((p) => p > 0);
    const pad = padded ? `, padding ${describePadding(a.padding, a.kernel, a.stride, input)}` : "";
    return `kernel ${formatWindow(a.kernel)}, stride ${formatWindow(a.stride)}${pad}${a.ceil_mode ? ", ceil mode" : ""}`;
  },
  lower(a, input, output) {
    const padding = loweredPadding("maxpool", a, input, output);
    const steps: TfjsStep[] = [];
    if (padding.flat().some((p) => p > 0)) steps.push({ factory: "negInfPadding2d", runtime: true, suffix: ".pad", config: { padding } });
    steps.push({ factory: "maxPooling2d", suffix: "", config: { poolSize: a.kernel, strides: a.stride, padding: "valid" } });
    return steps;
  },
  torch(a, input, output) {
    const even = symmetricPadding(torchPadding(a, input));
    if (even) return `nn.MaxPool2d(${poolTorchArgs(a, even)})`;
    // Uneven padding: −∞ padding (ceil mode's extension included) and a floor-mode pool, as the tfjs lowering.
    return `MaxPool2dPadded(kernel_size=${py(a.kernel)}, stride=${py(a.stride)}, pad=${padLrtb(loweredPadding("maxpool", a, input, output))})`;
  },
};

const torchPadding = (a: PoolArgs, input: Shape): Padding =>
  concretePadding(a.padding, input.rank === "chw" ? [input.h, input.w] : [0, 0], a.kernel, a.stride);

/** nn.MaxPool2d's and nn.AvgPool2d's window arguments, defaults left out. */
function poolTorchArgs(a: PoolArgs, padding: [number, number]): string {
  return (
    `kernel_size=${py(a.kernel)}, stride=${py(a.stride)}` +
    (padding.some((p) => p > 0) ? `, padding=${py(padding)}` : "") +
    (a.ceil_mode ? ", ceil_mode=True" : "")
  );
}

export type AvgPoolArgs = PoolArgs & {
  /** PyTorch's count_include_pad: the padding counts in each window's divisor (the ceil-mode extension never does). */
  count_include_pad: boolean;
};

/**
 * Average pooling, PyTorch's nn.AvgPool2d: zero padding, and each window divided by its cells inside
 * the input plus, with count_include_pad, inside the padding (PyTorch's divisor; TensorFlow's 'same'
 * pooling never counts padding). Where every window divides by its full area it lowers to zero
 * padding and tfjs's averagePooling2d; otherwise to alexc's avgPool2d, which rescales per window.
 */
export const avgpool: LayerKind<AvgPoolArgs> = {
  kind: "avgpool",
  pytorch: "AvgPool2d",
  doc: "average pooling: avgpool(kernel=F, stride=S (default F), padding=P, ceil_mode=false, count_include_pad=true)",
  docs: {
    pytorch: "`nn.AvgPool2d(kernel, stride, padding, ceil_mode=…, count_include_pad=…)`; padding ≤ kernel/2, zeros as in PyTorch",
    example: "input 3x7x7\n  avgpool(kernel=3, stride=2, padding=1, count_include_pad=false)",
  },
  role: "pool",
  maxPadding: halfKernel,
  args: [
    ...poolArgs("zero"),
    { name: "count_include_pad", type: "flag", default: true, doc: "true: the zero padding counts in the average, as PyTorch's default" },
  ],
  infer: (a, input, ctx) =>
    inferPool("avgpool", AVGPOOL_SAME, "pads and rescales the partial windows as PyTorch divides them", a, input, ctx),
  params: () => NO_PARAMS,
  torchParams: noTorchParams,
  macs: () => 0n,
  window: poolWindow,
  describe: (a, input) => maxpool.describe(a, input) + (a.count_include_pad ? "" : ", padding not counted"),
  lower(a, input, output) {
    const padding = loweredPadding("avgpool", a, input, output);
    const size: [number, number] = input.rank === "chw" ? [input.h, input.w] : [0, 0];
    const torch = concretePadding(a.padding, size, a.kernel, a.stride);
    const counted: Padding = a.count_include_pad
      ? torch
      : [
          [0, 0],
          [0, 0],
        ];
    if (padding.flat().every((p, i) => p === counted.flat()[i])) {
      const steps: TfjsStep[] = [];
      if (padding.flat().some((p) => p > 0)) steps.push({ factory: "zeroPadding2d", suffix: ".pad", config: { padding } });
      steps.push({ factory: "averagePooling2d", suffix: "", config: { poolSize: a.kernel, strides: a.stride, padding: "valid" } });
      return steps;
    }
    return [{ factory: "avgPool2d", runtime: true, suffix: "", config: { poolSize: a.kernel, strides: a.stride, padding, counted } }];
  },
  torch(a, input, output) {
    const torch = torchPadding(a, input);
    const even = symmetricPadding(torch);
    if (even) return `nn.AvgPool2d(${poolTorchArgs(a, even)}${a.count_include_pad ? "" : ", count_include_pad=False"})`;
    // Uneven padding: zero padding and each window divided by its cells in the input and the counted padding.
    const counted: Padding = a.count_include_pad
      ? torch
      : [
          [0, 0],
          [0, 0],
        ];
    const pad = loweredPadding("avgpool", a, input, output);
    return `AvgPool2dPadded(kernel_size=${py(a.kernel)}, stride=${py(a.stride)}, pad=${padLrtb(pad)}, counted=${padLrtb(counted)})`;
  },
};

const AVGPOOL_SAME: SamePort = {
  module: "AvgPool2d",
  pytorchSame: "PyTorch's AvgPool2d has no 'same' and pads both sides alike",
  torchPad: (l, r, t, b) => `nn.ZeroPad2d((${l}, ${r}, ${t}, ${b}))`,
};

/**
 * The padding a pooling layer lowers with (its own, plus the ceil-mode extension), checked: an
 * unpadded pool over the padded input must give the checked size, never a silently different one.
 */
function loweredPadding(kind: string, a: PoolArgs, input: Shape, output: Shape): Padding {
  const [h, w] = input.rank === "chw" ? [input.h, input.w] : [0, 0];
  const padding = poolPadding([h, w], a);
  const got = [0, 1].map((i) => windowAxis([h, w][i]! + padding[i]![0] + padding[i]![1], a.kernel[i]!, 0, 0, a.stride[i]!).out);
  if (output.rank !== "chw" || got[0] !== output.h || got[1] !== output.w) {
    throw new LoweringError(
      `${kind} padding ${formatPadding(padding)} gives ${got.join("×")}, not the checked ${output.rank === "chw" ? `${output.h}×${output.w}` : "shape"}`,
    );
  }
  return padding;
}

/**
 * The shape rule shared by the pooling kinds: padding at most half the kernel (E0111, as PyTorch),
 * the window rule (floor or ceil mode), and the portability warnings for `same` and ceil mode.
 */
function inferPool(
  kind: string,
  port: SamePort,
  ceilLowering: string,
  a: PoolArgs,
  input: Shape,
  ctx: CheckContext<PoolArgs>,
): Shape | undefined {
  const map = needsFeatureMap(input, ctx, kind);
  if (!map) return undefined;
  const padding = concretePadding(a.padding, [map.h, map.w], a.kernel, a.stride);
  for (let i = 0; i < 2; i++) {
    const half = Math.floor(a.kernel[i]! / 2);
    if (padding[i]!.some((p) => p > half)) {
      ctx.bag.add(
        "E0111",
        { what: `${layerLabel(ctx.name, kind)} padding`, range: "at most half its kernel", value: formatPadding(padding) },
        {
          span: ctx.sources["padding"]?.span ?? ctx.span,
          label: `padding ${formatPadding(padding)} with kernel ${formatWindow(a.kernel)}`,
          notes: ["a window could then lie entirely in the padding; PyTorch rejects this too (pad should be at most half of kernel size)"],
          help: `use padding ≤ ${half}`,
        },
      );
      return undefined;
    }
  }
  const geometry = { kernel: a.kernel, stride: a.stride, padding, ceil: a.ceil_mode };
  const hw = applyWindow(kind, map, geometry, ctx, a.ceil_mode ? {} : caffeCeilNote(map, a, padding));
  if (!hw) return undefined;
  if (a.padding === "same") samePaddingWarning(kind, port, map, a, padding, hw, ctx);
  if (a.ceil_mode) ceilModeWarning(kind, ceilLowering, map, a, padding, ctx);
  return { rank: "chw", c: map.c, ...hw };
}

const MAXPOOL_SAME: SamePort = {
  module: "MaxPool2d",
  pytorchSame: "PyTorch's MaxPool2d has no 'same' and pads both sides alike",
  torchPad: (l: number, r: number, t: number, b: number) => `F.pad(x, (${l}, ${r}, ${t}, ${b}), value=-inf)`,
};

/**
 * The −∞ padding that makes an unpadded (floor-mode) pool give this layer's output: the layer's own
 * padding, plus in ceil mode enough at the bottom/right for the last partial window.
 */
export function poolPadding(size: [number, number], a: PoolArgs): Padding {
  const padding = concretePadding(a.padding, size, a.kernel, a.stride);
  return [0, 1].map((i) => {
    const [before, after] = padding[i]!;
    const out = windowAxis(size[i]!, a.kernel[i]!, before, after, a.stride[i]!, a.ceil_mode).out;
    const extra = Math.max(0, (out - 1) * a.stride[i]! + a.kernel[i]! - (size[i]! + before + after));
    return [before, after + extra];
  }) as Padding;
}

/** A spec that checks but cannot be expressed in tfjs-layers: reported as a diagnostic by the emitter. */
export class LoweringError extends Error {}
