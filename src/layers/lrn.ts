import type { LayerKind } from "./kind.js";
import { layerLabel, NO_PARAMS } from "./kind.js";
import { needsFeatureMap } from "./ranks.js";
import { lrnAlphaWarning, num } from "./portability.js";
import { noTorchParams } from "./torch-params.js";
import { py } from "./torch.js";

export type LrnArgs = {
  size: number;
  alpha: number;
  beta: number;
  k: number;
};

/**
 * Local response normalisation across channels with PyTorch's parameters and meaning
 * (nn.LocalResponseNorm): b_c = a_c / (k + alpha/size · Σ a_j²)^beta, the sum over the `size`
 * channels around c. The paper's AlexNet uses it after conv1 and conv2. tfjs-layers has no LRN layer;
 * it lowers to alexc's LocalResponseNorm layer, which converts to tf's depth radius and undivided alpha.
 */
export const lrn: LayerKind<LrnArgs> = {
  kind: "lrn",
  pytorch: "LocalResponseNorm",
  doc: "local response normalisation across channels: lrn(size, alpha=1e-4, beta=0.75, k=1), as nn.LocalResponseNorm",
  docs: {
    pytorch: "`nn.LocalResponseNorm(size, alpha, beta, k)`",
    example: 'input 6x4x4\n  lrn(5, alpha=1e-4, beta=0.75, k=2) allow lrn_alpha "PyTorch\'s alpha"',
  },
  role: "activation",
  args: [
    { name: "size", type: "count", position: 0, doc: "number of neighbouring channels summed over" },
    { name: "alpha", type: "number", default: 1e-4, doc: "scale, divided by size as in PyTorch and Caffe" },
    { name: "beta", type: "number", default: 0.75, doc: "exponent" },
    { name: "k", type: "number", default: 1, doc: "additive constant (the paper's k = 2)" },
  ],
  infer(a, input, ctx) {
    const map = needsFeatureMap(input, ctx, "lrn");
    if (!map) return undefined;
    const ranges: Array<[keyof LrnArgs, boolean, string]> = [
      ["alpha", a.alpha >= 0 && Number.isFinite(a.alpha), "at least 0"],
      ["beta", a.beta >= 0 && Number.isFinite(a.beta), "at least 0"],
      // k = 0 divides 0 by 0 wherever a window of channels is all zeros (after a ReLU, often).
      ["k", a.k > 0 && Number.isFinite(a.k), "greater than 0"],
    ];
    let ok = true;
    for (const [name, good, range] of ranges) {
      if (good) continue;
      ok = false;
      ctx.bag.add(
        "E0111",
        { what: `${layerLabel(ctx.name, "lrn")}: ${name}`, range, value: num(a[name]) },
        {
          span: ctx.sources[name]?.span ?? ctx.span,
          ...(name === "k" ? { notes: ["with k = 0 a run of all-zero channels gives 0 / 0"] } : {}),
        },
      );
    }
    if (!ok) return undefined;
    // A written alpha may have been copied from the paper or TensorFlow code, where it means something
    // else; the default is PyTorch's own. Even sizes are PyTorch-only whatever alpha is.
    if (ctx.sources["alpha"] !== undefined || a.size % 2 === 0) lrnAlphaWarning(a, ctx);
    return input;
  },
  params: () => NO_PARAMS,
  torchParams: noTorchParams,
  macs: () => 0n,
  describe: (a) => `size ${a.size}, alpha ${num(a.alpha)}, beta ${num(a.beta)}, k ${num(a.k)}`,
  lower: (a) => [
    { factory: "localResponseNorm", runtime: true, suffix: "", config: { size: a.size, alpha: a.alpha, beta: a.beta, k: a.k } },
  ],
  torch: (a) => `nn.LocalResponseNorm(${a.size}, alpha=${py(a.alpha)}, beta=${py(a.beta)}, k=${py(a.k)})`,
};
