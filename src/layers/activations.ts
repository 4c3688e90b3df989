/**
 * Element-wise activations beyond relu (simple.ts), each PyTorch's module with its defaults, and
 * softmax, which turns the last layer's logits into class probabilities.
 */
import type { LayerKind, Shape } from "./kind.js";
import { NO_PARAMS } from "./kind.js";
import { needsVector } from "./ranks.js";
import { num } from "./portability.js";
import { noTorchParams } from "./torch-params.js";
import { py } from "./torch.js";

type NoArgs = Record<string, never>;

const identityShape = (_a: unknown, input: Shape): Shape => input;

/** A parameter-free activation that tfjs-layers has as `tf.layers.activation({activation})`. */
function plain(kind: string, pytorch: string, doc: string, tfjs: string): LayerKind<NoArgs> {
  return {
    kind,
    pytorch,
    doc,
    docs: { pytorch: `\`nn.${pytorch}\``, example: `input 1x2x2\n  ${kind}` },
    role: "activation",
    args: [],
    infer: identityShape,
    params: () => NO_PARAMS,
    macs: () => 0n,
    describe: () => "",
    lower: () => [{ factory: "activation", suffix: "", config: { activation: tfjs } }],
    torchParams: noTorchParams,
    torch: () => `nn.${pytorch}()`,
  };
}

export const tanh = plain("tanh", "Tanh", "hyperbolic tangent (LeNet-5's squashing function)", "tanh");

export const sigmoid = plain("sigmoid", "Sigmoid", "logistic sigmoid, 1 / (1 + e^−x)", "sigmoid");

/**
 * tfjs-layers' 'gelu' is the exact form, x·Φ(x) = x/2 · (1 + erf(x/√2)), as PyTorch's default
 * (approximate='none'); 'gelu_new' would be the tanh approximation. tf.erf is a polynomial
 * approximation (|error| < 1.5e-7): measured within 1e-6 of PyTorch (test/activation-parity.test.ts).
 */
export const gelu = plain("gelu", "GELU", "Gaussian error linear unit, x·Φ(x), PyTorch's exact erf form", "gelu");

export type LeakyReluArgs = { slope: number };

export const leakyRelu: LayerKind<LeakyReluArgs> = {
  kind: "leaky_relu",
  pytorch: "LeakyReLU",
  doc: "leaky rectified linear unit, max(0, x) + slope·min(0, x): leaky_relu(slope=0.01)",
  docs: { pytorch: "`nn.LeakyReLU(negative_slope)`", example: "input 1x2x2\n  leaky_relu(0.2)" },
  role: "activation",
  args: [{ name: "slope", type: "number", position: 0, default: 0.01, doc: "slope for x < 0 (PyTorch's negative_slope)" }],
  infer: identityShape,
  params: () => NO_PARAMS,
  macs: () => 0n,
  describe: (a) => `slope ${num(a.slope)}`,
  lower: (a) => [{ factory: "leakyReLU", suffix: "", config: { alpha: a.slope } }],
  torchParams: noTorchParams,
  torch: (a) => `nn.LeakyReLU(negative_slope=${py(a.slope)})`,
};

export type EluArgs = { alpha: number };

/**
 * tfjs-layers' ELU layer refuses any alpha but 1 (NotImplementedError in tfjs 4.22), so other alphas
 * lower to alexc's elu runtime layer.
 */
export const elu: LayerKind<EluArgs> = {
  kind: "elu",
  pytorch: "ELU",
  doc: "exponential linear unit, x for x > 0, alpha·(e^x − 1) otherwise: elu(alpha=1)",
  docs: { pytorch: "`nn.ELU(alpha)`", example: "input 1x2x2\n  elu(alpha=0.5)" },
  role: "activation",
  args: [{ name: "alpha", type: "number", position: 0, default: 1, doc: "value approached for large negative x is −alpha" }],
  infer: identityShape,
  params: () => NO_PARAMS,
  macs: () => 0n,
  describe: (a) => (a.alpha === 1 ? "" : `alpha ${num(a.alpha)}`),
  lower: (a) =>
    a.alpha === 1
      ? [{ factory: "activation", suffix: "", config: { activation: "elu" } }]
      : [{ factory: "elu", runtime: true, suffix: "", config: { alpha: a.alpha } }],
  torchParams: noTorchParams,
  torch: (a) => `nn.ELU(alpha=${py(a.alpha)})`,
};

/**
 * Softmax over the features of a vector, nn.Softmax(dim=1). The trainer's loss takes logits, so as
 * the last layer it documents that the model's scores are probabilities and lowers to an identity
 * (src/lower/fuse.ts); anywhere else it is applied, and the checker warns (W0330).
 */
export const softmax: LayerKind<NoArgs> = {
  kind: "softmax",
  pytorch: "Softmax",
  doc: "class probabilities from logits, e^x / Σ e^x; the last layer only (the loss and predict apply it)",
  docs: { pytorch: "`nn.Softmax(dim=1)`", example: "input 2x3x3\n  flatten\n  dense(4)\n  softmax" },
  role: "activation",
  probabilities: true,
  args: [],
  infer(_a, input, ctx) {
    return needsVector(input, ctx, "softmax") === undefined ? undefined : input;
  },
  params: () => NO_PARAMS,
  macs: () => 0n,
  describe: () => "",
  lower: () => [{ factory: "softmax", suffix: "", config: { axis: -1 } }],
  torchParams: noTorchParams,
  // As the last layer it becomes nn.Identity (src/lower/torch-ir.ts), as its tfjs lowering does.
  torch: () => "nn.Softmax(dim=1)",
};
