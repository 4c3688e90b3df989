import type { LayerKind, Shape } from "./kind.js";
import { NO_PARAMS } from "./kind.js";
import { noTorchParams } from "./torch-params.js";
import { py } from "./torch.js";

type NoArgs = Record<string, never>;

const identityShape = (_a: unknown, input: Shape): Shape => input;

export const relu: LayerKind<NoArgs> = {
  kind: "relu",
  pytorch: "ReLU",
  doc: "rectified linear unit, max(0, x)",
  docs: { pytorch: "`nn.ReLU`", example: "input 1x2x2\n  relu" },
  role: "activation",
  activation: "relu",
  args: [],
  infer: identityShape,
  params: () => NO_PARAMS,
  torchParams: noTorchParams,
  macs: () => 0n,
  describe: () => "",
  lower: () => [{ factory: "reLU", suffix: "", config: {} }],
  torch: () => "nn.ReLU(inplace=True)",
};

export type DropoutArgs = {
  p: number;
};

export const dropout: LayerKind<DropoutArgs> = {
  kind: "dropout",
  pytorch: "Dropout",
  doc: "randomly zeroes a fraction p of activations while training: dropout(p)",
  docs: { pytorch: "`nn.Dropout(p)`", example: "input 1x2x2\n  dropout(0.5)" },
  role: "activation",
  args: [{ name: "p", type: "probability", position: 0, default: 0.5, doc: "drop probability in [0, 1)" }],
  infer: identityShape,
  params: () => NO_PARAMS,
  torchParams: noTorchParams,
  macs: () => 0n,
  describe: (a) => `p ${a.p}`,
  lower: (a) => [{ factory: "dropout", suffix: "", config: { rate: a.p } }],
  torch: (a) => `nn.Dropout(p=${py(a.p)})`,
};

/**
 * Flattens C×H×W to C·H·W in PyTorch's order (channel-major). tfjs works channels-last, so a Permute
 * to channels-first comes first; then a PyTorch Linear's weights load into the next dense unchanged.
 */
export const flatten: LayerKind<NoArgs> = {
  kind: "flatten",
  pytorch: "Flatten",
  doc: "flattens a C×H×W feature map to a vector of C·H·W, in PyTorch's order",
  docs: { pytorch: "`torch.flatten(x, 1)` (C·H·W order)", example: "input 2x3x3\n  flatten" },
  role: "reshape",
  flattens: true,
  args: [],
  infer(_a, input, ctx) {
    if (input.rank !== "chw") return input;
    const n = BigInt(input.c) * BigInt(input.h) * BigInt(input.w);
    // Sizes stay exact doubles through the pipeline; a larger vector could not be allocated anyway.
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
      ctx.bag.add(
        "E0123",
        { quantity: `${ctx.name}: ${input.c}×${input.h}×${input.w} = ${n} values`, beyond: "is too large to flatten" },
        {
          span: ctx.span,
          label: "more than 2^53 values",
        },
      );
      return undefined;
    }
    return { rank: "flat", n: Number(n) };
  },
  params: () => NO_PARAMS,
  torchParams: noTorchParams,
  macs: () => 0n,
  describe: () => "",
  lower: (_a, input) =>
    input.rank === "chw"
      ? [
          { factory: "permute", suffix: ".chw", config: { dims: [3, 1, 2] } },
          { factory: "flatten", suffix: "", config: {} },
        ]
      : // Already a vector: tfjs's Flatten rejects rank 2, so an identity reshape keeps the layer and its name.
        [{ factory: "reshape", suffix: "", config: { targetShape: [input.n] } }],
  // Flattening a vector is the identity, as nn.Flatten() is on [N, n].
  torch: () => "nn.Flatten()",
};
