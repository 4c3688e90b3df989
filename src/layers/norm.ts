import type { LayerKind } from "./kind.js";
import { layerLabel } from "./kind.js";
import { num } from "./portability.js";
import { torchBatchNorm } from "./torch-params.js";
import { py } from "./torch.js";

export type BatchNormArgs = {
  eps: number;
  momentum: number;
  affine: boolean;
};

/** Channels of a feature map (nn.BatchNorm2d) or features of a vector (nn.BatchNorm1d). */
const features = (input: { rank: "chw"; c: number } | { rank: "flat"; n: number }): number => (input.rank === "chw" ? input.c : input.n);

/**
 * Batch normalisation with PyTorch's semantics: nn.BatchNorm2d on a C×H×W map (statistics per channel
 * over batch, height and width), nn.BatchNorm1d on a vector (per feature over the batch). Training
 * normalises with the batch's biased variance and moves running_var towards the unbiased one;
 * evaluation uses the running statistics. tfjs-layers' BatchNormalization differs (momentum is
 * 1 − PyTorch's, the running variance takes the biased variance, epsilon 1e-3), so it lowers to
 * alexc's batchNorm runtime layer, whose weights are gamma, beta, moving_mean, moving_variance
 * (PyTorch's weight, bias, running_mean, running_var) in that order.
 */
export const batchnorm: LayerKind<BatchNormArgs> = {
  kind: "batchnorm",
  pytorch: "BatchNorm2d",
  doc: "batch normalisation: batchnorm(eps=1e-5, momentum=0.1, affine=true), nn.BatchNorm2d on a feature map, nn.BatchNorm1d on a vector",
  docs: {
    pytorch: "`nn.BatchNorm2d(C, eps, momentum, affine)` (`nn.BatchNorm1d` on a vector); running statistics tracked",
    example: "input 3x4x4\n  batchnorm",
  },
  role: "norm",
  usesNormInit: true,
  args: [
    { name: "eps", type: "number", default: 1e-5, doc: "added to the variance before its square root (> 0)" },
    {
      name: "momentum",
      type: "number",
      default: 0.1,
      doc: "weight of the new batch in the running statistics, PyTorch's meaning (0 to 1)",
    },
    { name: "affine", type: "flag", default: true, doc: "learn a scale (weight, γ) and shift (bias, β) per channel" },
  ],
  infer(a, input, ctx) {
    const ranges: Array<[keyof BatchNormArgs, boolean, string]> = [
      ["eps", a.eps > 0 && Number.isFinite(a.eps), "greater than 0"],
      ["momentum", a.momentum >= 0 && a.momentum <= 1, "between 0 and 1"],
    ];
    let ok = true;
    for (const [name, good, range] of ranges) {
      if (good) continue;
      ok = false;
      ctx.bag.add(
        "E0111",
        { what: `${layerLabel(ctx.name, "batchnorm")}: ${name}`, range, value: num(a[name] as number) },
        {
          span: ctx.sources[name]?.span ?? ctx.span,
          ...(name === "momentum"
            ? { notes: ["PyTorch's momentum: running = (1 − momentum)·running + momentum·batch (Keras's is 1 − this)"] }
            : {}),
        },
      );
    }
    return ok ? input : undefined;
  },
  // Running mean and variance are state, not weights: counted apart (PyTorch's buffers; its
  // num_batches_tracked counter is not, as it only matters with momentum=None, which alexc lacks).
  params: (a, input) => {
    const c = BigInt(features(input));
    return { trainable: a.affine ? 2n * c : 0n, nonTrainable: 2n * c };
  },
  // One multiply-add per value: evaluation's (x − mean)/√(var + eps)·γ + β is x·scale + shift.
  macs: (_a, input) => (input.rank === "chw" ? BigInt(input.c) * BigInt(input.h) * BigInt(input.w) : BigInt(input.n)),
  describe: (a) =>
    [a.eps !== 1e-5 ? `eps ${num(a.eps)}` : "", a.momentum !== 0.1 ? `momentum ${num(a.momentum)}` : "", a.affine ? "" : "no affine"]
      .filter(Boolean)
      .join(", "),
  lower(a, _input, _output, ctx) {
    const init = ctx.normInit();
    return [
      {
        factory: "batchNorm",
        runtime: true,
        suffix: "",
        config: { epsilon: a.eps, momentum: a.momentum, affine: a.affine },
        ...(a.affine ? { initializers: { gammaInitializer: init.weight, betaInitializer: init.bias } } : {}),
      },
    ];
  },
  torchParams: (a, input) => torchBatchNorm(features(input), a.affine),
  torch: (a, input) =>
    `nn.BatchNorm${input.rank === "chw" ? "2d" : "1d"}(${features(input)}, eps=${py(a.eps)}, momentum=${py(a.momentum)}${a.affine ? "" : ", affine=False"})`,
};
