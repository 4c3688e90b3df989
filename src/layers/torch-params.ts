/**
 * How a layer kind's PyTorch parameters map to its tfjs weights: the `torch` hook of every kind
 * (src/layers/kind.ts). Weight import and export (src/views/export/torch-state.ts) read only these
 * descriptions, never kind names, so a new kind's weights move between PyTorch and tfjs by giving
 * its hook: usually one of the helpers below.
 *
 * Each PyTorch tensor (`<layer>.<key>`) fills one or more tfjs weights (`<layer><suffix>/<weight>`):
 * each part takes rows of PyTorch's first axis (a group's output channels) and permutes the axes.
 * Non-trainable tfjs weights (batchnorm's moving statistics) are weights like any other here;
 * PyTorch bookkeeping with no tfjs weight (num_batches_tracked) has no parts: read and checked on
 * import, written as `fill` on export.
 *
 * A new kind's hook is one line, e.g.
 *   batchnorm:                      torchParams: (a, input) => torchBatchNorm(input.rank === "chw" ? input.c : input.n, a.affine),
 *   conv/dense with bias=false:     torchParams: (a, input) => torchConv(a.out, cin, a.kernel, a.groups, a.bias),
 *   pools, activations, pad:        torchParams: noTorchParams,
 * and test/torch-weights.test.ts checks it against the tfjs weights the kind's lowering builds.
 */

export interface TfjsWeightPart {
  /** The tfjs layer: the spec layer's name plus this suffix ("" for the layer itself, ".g0" for group 0's conv). */
  suffix: string;
  /** The tfjs weight of that layer: kernel, bias, gamma, beta, moving_mean, moving_variance. */
  weight: string;
  /** [first, count] rows of PyTorch's first axis that this part takes; absent: all of them. */
  rows?: [number, number];
  /** tfjs axis i is PyTorch axis permute[i] (after the row slice); absent: the same order. */
  permute?: number[];
}

export interface TorchParam {
  /** The state dict key after the layer's name: `weight` in `features.0.weight`. */
  key: string;
  /** Its shape in PyTorch. */
  shape: number[];
  /** The tfjs weights it becomes; empty for PyTorch bookkeeping that tfjs does not keep. */
  tfjs: TfjsWeightPart[];
  /** Stored as int64 by PyTorch (num_batches_tracked); everything else is a float tensor. */
  integer?: boolean;
  /** The value export writes for a parameter without tfjs parts. */
  fill?: number;
}

/** Layers without parameters (activations, pooling, dropout, reshapes). */
export const noTorchParams = (): TorchParam[] => [];

/**
 * nn.Conv2d: weight [Cout, Cin/groups, kh, kw] → tfjs kernel [kh, kw, Cin/groups, Cout]; a grouped
 * conv lowers to one conv per group (`.g0`, `.g1`, …), each taking its slice of the output channels.
 */
export function torchConv(cout: number, cin: number, kernel: [number, number], groups: number, bias = true): TorchParam[] {
  const per = cout / groups;
  const parts = (weight: string, permute?: number[]): TfjsWeightPart[] =>
    groups === 1
      ? [{ suffix: "", weight, ...(permute ? { permute } : {}) }]
      : Array.from({ length: groups }, (_, g) => ({
          suffix: `.g${g}`,
          weight,
          rows: [g * per, per] as [number, number],
          ...(permute ? { permute } : {}),
        }));
  return [
    { key: "weight", shape: [cout, cin / groups, kernel[0], kernel[1]], tfjs: parts("kernel", [2, 3, 1, 0]) },
    ...(bias ? [{ key: "bias", shape: [cout], tfjs: parts("bias") }] : []),
  ];
}

/**
 * nn.Linear: weight [out, in] → tfjs kernel [in, out]. No reordering of the in-features is needed
 * after a flatten: the generated model permutes to channels-first before flattening, as PyTorch does.
 */
export function torchDense(inFeatures: number, out: number, bias = true): TorchParam[] {
  return [
    { key: "weight", shape: [out, inFeatures], tfjs: [{ suffix: "", weight: "kernel", permute: [1, 0] }] },
    ...(bias ? [{ key: "bias", shape: [out], tfjs: [{ suffix: "", weight: "bias" }] }] : []),
  ];
}

/**
 * nn.BatchNorm2d/1d: weight and bias (with affine) → gamma and beta; running_mean and running_var
 * → tfjs's non-trainable moving_mean and moving_variance; num_batches_tracked has no tfjs weight.
 */
export function torchBatchNorm(channels: number, affine = true): TorchParam[] {
  const one = (key: string, weight: string): TorchParam => ({ key, shape: [channels], tfjs: [{ suffix: "", weight }] });
  return [
    ...(affine ? [one("weight", "gamma"), one("bias", "beta")] : []),
    one("running_mean", "moving_mean"),
    one("running_var", "moving_variance"),
    { key: "num_batches_tracked", shape: [], tfjs: [], integer: true, fill: 0 },
  ];
}
