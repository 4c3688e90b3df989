/**
 * Layers tfjs-layers lacks, for generated model.ts (`import * as alexc from "alexc/runtime/layers"`):
 *
 *   channelSlice      a range of channels: the branches of a grouped convolution
 *   localResponseNorm PyTorch's nn.LocalResponseNorm (size, alpha, beta, k) on tf's LRN op
 *   negInfPadding2d   −∞ padding: max-pool padding as PyTorch pads, and ceil mode
 *   avgPool2d         PyTorch's nn.AvgPool2d divisor: zero padding counted or not, ceil mode
 *   elu               nn.ELU with any alpha (tfjs-layers' ELU takes alpha 1 only)
 *   batchNorm         PyTorch's batch normalisation and running statistics (./batch-norm.ts)
 *   adaptivePool2d    PyTorch's nn.AdaptiveAvg/MaxPool2d windows where the output does not divide the input
 *   edgePadding2d     reflect and replicate padding, with gradients (tf.mirrorPad's gradient is wrong)
 *   dilatedConv2d     a dilated conv2d at any stride, with gradients (tfjs's has none for dilation)
 *   chain             applies layers in turn, so a branch reads top to bottom
 *
 * Each class is registered for tfjs serialisation, so a saved model loads again. This module loads
 * no backend: it works wherever @tensorflow/tfjs does (every backend, wasm included, has tf's LRN
 * kernels in tfjs 4.22).
 */
import * as tf from "./tf.js";

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;

function one(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`alexc: expected one input tensor, got ${inputs.length}`);
    return inputs[0]!;
  }
  return inputs;
}

function oneShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
  return Array.isArray(shape[0]) ? (shape as tf.Shape[])[0]! : (shape as tf.Shape);
}

export interface ChannelSliceArgs extends LayerArgs {
  /** First channel taken. */
  begin: number;
  /** How many channels. */
  size: number;
}

/** Channels [begin, begin + size) of a channels-last tensor. */
export class ChannelSlice extends tf.layers.Layer {
  static readonly className = "alexc.ChannelSlice";
  readonly begin: number;
  readonly size: number;

  constructor(args: ChannelSliceArgs) {
    super(args);
    if (!(Number.isInteger(args.begin) && args.begin >= 0 && Number.isInteger(args.size) && args.size >= 1)) {
      throw new Error(`alexc.ChannelSlice: begin must be a whole number ≥ 0 and size ≥ 1, got begin ${args.begin}, size ${args.size}`);
    }
    this.begin = args.begin;
    this.size = args.size;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = oneShape(inputShape);
    const channels = shape[shape.length - 1];
    if (channels != null && this.begin + this.size > channels) {
      throw new Error(
        `alexc.ChannelSlice '${this.name}': channels ${this.begin}–${this.begin + this.size - 1} of an input with ${channels}`,
      );
    }
    return [...shape.slice(0, -1), this.size];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const last = x.rank - 1;
      return tf.slice(
        x,
        x.shape.map((_, i) => (i === last ? this.begin : 0)),
        x.shape.map((_, i) => (i === last ? this.size : -1)),
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), begin: this.begin, size: this.size };
  }
}

export interface LocalResponseNormArgs extends LayerArgs {
  /** Channels summed over, centred on each channel (PyTorch's `size`). */
  size: number;
  /** Scale; divided by `size`, as PyTorch and Caffe do. */
  alpha?: number;
  beta?: number;
  k?: number;
}

/**
 * PyTorch's nn.LocalResponseNorm on channels-last input:
 *
 *   b_c = a_c / (k + alpha/size · Σ_{j = c − ⌊size/2⌋}^{c + ⌊(size−1)/2⌋} a_j²)^beta
 *
 * tf's localResponseNormalization sums a_j² over c ± depthRadius and does not divide alpha, so an odd
 * size becomes depthRadius (size − 1)/2 and alpha/size. An even size's window is lopsided, which tf's
 * op cannot express; it is computed from plain ops (a ones-kernel convolution across channels) instead.
 */
export class LocalResponseNorm extends tf.layers.Layer {
  static readonly className = "alexc.LocalResponseNorm";
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(args: LocalResponseNormArgs) {
    super(args);
    this.size = args.size;
    this.alpha = args.alpha ?? 1e-4;
    this.beta = args.beta ?? 0.75;
    this.k = args.k ?? 1;
    if (!(Number.isInteger(this.size) && this.size >= 1))
      throw new Error(`alexc.LocalResponseNorm: size must be a whole number ≥ 1, got ${this.size}`);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor4D;
      if (this.size % 2 === 1) return tf.localResponseNormalization(x, (this.size - 1) / 2, this.k, this.alpha / this.size, this.beta);
      return lopsidedLrn(x, this.size, this.alpha, this.beta, this.k);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, alpha: this.alpha, beta: this.beta, k: this.k };
  }
}

/** Even sizes: PyTorch's zero-padded window of size/2 channels before and size/2 − 1 after. */
function lopsidedLrn(x: tf.Tensor4D, size: number, alpha: number, beta: number, k: number): tf.Tensor {
  const [n, h, w, c] = x.shape;
  const squares = tf.pad(tf.square(x), [
    [0, 0],
    [0, 0],
    [0, 0],
    [size / 2, size / 2 - 1],
  ]);
  const sums = tf
    .conv1d(squares.reshape([n * h * w, c + size - 1, 1]) as tf.Tensor3D, tf.ones([size, 1, 1]) as tf.Tensor3D, 1, "valid")
    .reshape(x.shape);
  return tf.div(x, tf.pow(tf.add(tf.mul(sums, alpha / size), k), beta));
}

export interface NegInfPadding2DArgs extends LayerArgs {
  /** [[top, bottom], [left, right]]. */
  padding: [[number, number], [number, number]];
}

/**
 * Pads height and width with −∞, so a padded cell never wins a max: PyTorch's max-pool padding, and,
 * extended at the bottom/right, ceil mode. tfjs-layers' zeroPadding2d would change a max over
 * negative values, and its pooling pads only as 'same'.
 */
export class NegInfPadding2D extends tf.layers.Layer {
  static readonly className = "alexc.NegInfPadding2D";
  readonly padding: [[number, number], [number, number]];

  constructor(args: NegInfPadding2DArgs) {
    super(args);
    this.padding = args.padding;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, h, w, c] = oneShape(inputShape);
    const [[t, b], [l, r]] = this.padding;
    return [batch ?? null, h == null ? null : h + t + b, w == null ? null : w + l + r, c ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.pad(one(inputs), [[0, 0], this.padding[0], this.padding[1], [0, 0]], -Infinity));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}

export interface AvgPool2DArgs extends LayerArgs {
  poolSize: [number, number];
  strides: [number, number];
  /** Zero padding applied before pooling, [[top, bottom], [left, right]]: PyTorch's plus the ceil-mode extension. */
  padding: [[number, number], [number, number]];
  /** The part of `padding` that counts in a window's divisor (PyTorch's count_include_pad). */
  counted: [[number, number], [number, number]];
}

/**
 * Average pooling with PyTorch's divisor: zero-pad, average every full window (tf's avgPool, whose
 * gradient every backend has), then rescale each window by its area over the cells that count: those
 * in the input and in the `counted` padding. tf's own padded pooling excludes all padding ('same') or
 * has none ('valid'), so neither gives count_include_pad with ceil mode, nor explicit padding excluded.
 */
export class AvgPool2D extends tf.layers.Layer {
  static readonly className = "alexc.AvgPool2D";
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: [[number, number], [number, number]];
  readonly counted: [[number, number], [number, number]];

  constructor(args: AvgPool2DArgs) {
    super(args);
    this.poolSize = args.poolSize;
    this.strides = args.strides;
    this.padding = args.padding;
    this.counted = args.counted;
  }

  private outSize(size: number, axis: 0 | 1): number {
    return Math.floor((size + this.padding[axis][0] + this.padding[axis][1] - this.poolSize[axis]) / this.strides[axis]) + 1;
  }

  /** Per output row (or column): kernel size / cells that count, for an input of `size`. */
  private factors(size: number, axis: 0 | 1): number[] {
    const before = this.padding[axis][0];
    const [countedBefore, countedAfter] = this.counted[axis];
    const [k, s] = [this.poolSize[axis], this.strides[axis]];
    const [lo, hi] = [before - countedBefore, before + size + countedAfter];
    return Array.from({ length: this.outSize(size, axis) }, (_, o) => k / Math.max(1, Math.min(o * s + k, hi) - Math.max(o * s, lo)));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, h, w, c] = oneShape(inputShape);
    return [batch ?? null, h == null ? null : this.outSize(h, 0), w == null ? null : this.outSize(w, 1), c ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor4D;
      const [, h, w] = x.shape;
      const pooled = tf.avgPool(tf.pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]]), this.poolSize, this.strides, "valid");
      const [rows, cols] = [this.factors(h, 0), this.factors(w, 1)];
      const scale = tf.tensor4d(
        rows.flatMap((r) => cols.map((c) => r * c)),
        [1, rows.length, cols.length, 1],
      );
      return tf.mul(pooled, scale);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding, counted: this.counted };
  }
}

export interface EluArgs extends LayerArgs {
  alpha: number;
}

/**
 * nn.ELU: x for x > 0, alpha·(e^x − 1) otherwise, as (1 − alpha)·relu(x) + alpha·elu₁(x) from tf's
 * alpha-1 elu: a tf.where on x > 0 would leave the gradient nothing to go through (Greater has none).
 */
export class Elu extends tf.layers.Layer {
  static readonly className = "alexc.Elu";
  readonly alpha: number;

  constructor(args: EluArgs) {
    super(args);
    this.alpha = args.alpha;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      return tf.add(tf.mul(tf.relu(x), 1 - this.alpha), tf.mul(tf.elu(x), this.alpha));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export interface AdaptivePool2DArgs extends LayerArgs {
  /** Output [H, W], whatever the input. */
  outputSize: [number, number];
  mode: "avg" | "max";
}

/** PyTorch's adaptive windows over `size` cells: [floor(i·size/out), ceil((i+1)·size/out)) for each output i. */
function adaptiveWindows(size: number, out: number): Array<[number, number]> {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);
}

/**
 * PyTorch's nn.AdaptiveAvgPool2d / AdaptiveMaxPool2d for any input size, including sizes the output
 * does not divide (windows of unequal size that overlap) and smaller ones (cells repeated). Each
 * window is a row range times a column range, so the mean (or max) over it is the mean (max) over its
 * rows of the mean (max) over its columns: one slice and reduction per output column, then per row.
 * A max passes its gradient to the first maximum only, as PyTorch's does (tf.max's gradient splits it
 * among ties, which after a ReLU are common); columns first, then rows, makes "first" row-major order,
 * PyTorch's scan order. Slices, means, argmaxes and concatenations run on every backend.
 */
export class AdaptivePool2D extends tf.layers.Layer {
  static readonly className = "alexc.AdaptivePool2D";
  readonly outputSize: [number, number];
  readonly mode: "avg" | "max";

  constructor(args: AdaptivePool2DArgs) {
    super(args);
    if (!args.outputSize.every((n) => Number.isInteger(n) && n >= 1) || (args.mode !== "avg" && args.mode !== "max")) {
      throw new Error(`alexc.AdaptivePool2D: outputSize must be two whole numbers ≥ 1 and mode avg or max, got ${JSON.stringify(args)}`);
    }
    this.outputSize = args.outputSize;
    this.mode = args.mode;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, , , c] = oneShape(inputShape);
    return [batch ?? null, this.outputSize[0], this.outputSize[1], c ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor4D;
      const reduce = (t: tf.Tensor, axis: 1 | 2) => (this.mode === "avg" ? tf.mean(t, axis, true) : firstMax(t, axis));
      const pool = (t: tf.Tensor, axis: 1 | 2, out: number): tf.Tensor => {
        const parts = adaptiveWindows(t.shape[axis]!, out).map(([start, end]) => {
          const begin = [0, 0, 0, 0];
          const size = [-1, -1, -1, -1];
          begin[axis] = start;
          size[axis] = end - start;
          // A one-cell window is that cell (and oneHot takes no depth of 1).
          return end - start === 1 ? tf.slice(t, begin, size) : reduce(tf.slice(t, begin, size), axis);
        });
        return parts.length === 1 ? parts[0]! : tf.concat(parts, axis);
      };
      return pool(pool(x, 2, this.outputSize[1]), 1, this.outputSize[0]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), outputSize: this.outputSize, mode: this.mode };
  }
}

/** The max over `axis` of an NHWC tensor (kept as size 1), its gradient going to the first maximum only. */
function firstMax(t: tf.Tensor, axis: 1 | 2): tf.Tensor {
  // customGrad passes the inputs, then the save function, as one rest list.
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: tf.max(x, axis, true),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const input = saved[0]!;
        // oneHot puts the window axis last: [N, H, C, W] back to NHWC, or [N, W, C, H].
        const hot = tf.oneHot(tf.argMax(input, axis), input.shape[axis]!).transpose(axis === 2 ? [0, 1, 3, 2] : [0, 3, 1, 2]);
        return tf.mul(tf.cast(hot, "float32"), dy as tf.Tensor);
      },
    };
  });
  return op(t);
}

export interface EdgePadding2DArgs extends LayerArgs {
  /** [[top, bottom], [left, right]]. */
  padding: [[number, number], [number, number]];
  /** reflect: mirror without the edge (PyTorch's ReflectionPad2d); replicate: repeat the edge (ReplicationPad2d). */
  mode: "reflect" | "replicate";
}

/**
 * Reflect or replicate padding of height and width, from slices, reversals and a concatenation, so
 * its gradient is exact on every backend: each padded cell passes its gradient back to the input
 * cell it copies. tf.mirrorPad computes reflect, but its registered gradient only slices the centre
 * out of the upstream gradient (tfjs-core MirrorPad_grad.ts), losing what the copies pass back.
 */
export class EdgePadding2D extends tf.layers.Layer {
  static readonly className = "alexc.EdgePadding2D";
  readonly padding: [[number, number], [number, number]];
  readonly mode: "reflect" | "replicate";

  constructor(args: EdgePadding2DArgs) {
    super(args);
    if (args.mode !== "reflect" && args.mode !== "replicate")
      throw new Error(`alexc.EdgePadding2D: mode must be reflect or replicate, got ${args.mode}`);
    this.padding = args.padding;
    this.mode = args.mode;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, h, w, c] = oneShape(inputShape);
    const [[t, b], [l, r]] = this.padding;
    return [batch ?? null, h == null ? null : h + t + b, w == null ? null : w + l + r, c ?? null];
  }

  /** `count` cells copied from one edge of `axis`, in the order they sit beside it. */
  private edge(x: tf.Tensor, axis: 1 | 2, count: number, atEnd: boolean): tf.Tensor[] {
    if (count === 0) return [];
    const n = x.shape[axis]!;
    const take = (start: number, size: number) => {
      const begin = [0, 0, 0, 0];
      const sizes = [-1, -1, -1, -1];
      begin[axis] = start;
      sizes[axis] = size;
      return tf.slice(x, begin, sizes);
    };
    if (this.mode === "replicate") return Array.from({ length: count }, () => take(atEnd ? n - 1 : 0, 1));
    if (count >= n)
      throw new Error(`alexc.EdgePadding2D '${this.name}': reflect padding ${count} needs more than ${count} cells, got ${n}`);
    // Reflect: the `count` cells next to the edge (not the edge itself), mirrored.
    return [tf.reverse(take(atEnd ? n - 1 - count : 1, count), axis)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const padAxis = (x: tf.Tensor, axis: 1 | 2, [before, after]: [number, number]): tf.Tensor =>
        before === 0 && after === 0 ? x : tf.concat([...this.edge(x, axis, before, false), x, ...this.edge(x, axis, after, true)], axis);
      return padAxis(padAxis(one(inputs), 1, this.padding[0]), 2, this.padding[1]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding, mode: this.mode };
  }
}

/** The weights and settings of tfjs-layers' Conv2D that DilatedConv2D reads. */
interface Conv2DLayer extends tf.layers.Layer {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  dilationRate: [number, number];
  activation: { apply(x: tf.Tensor): tf.Tensor };
}
type Conv2DClass = new (args: Record<string, unknown>) => Conv2DLayer;
// tfjs-layers does not export its Conv2D class, but registers it for deserialisation under its name.
const TfConv2D = tf.serialization.SerializationMap.getMap().classNameMap["Conv2D"]![0] as unknown as Conv2DClass;

/** The kernel [kh, kw, in, out] spread `rate` apart with zeros between: [d(kh − 1) + 1, d(kw − 1) + 1, in, out]. */
function dilateKernel(kernel: tf.Tensor4D, rate: [number, number]): tf.Tensor4D {
  let k: tf.Tensor4D = kernel;
  for (const axis of [0, 1] as const) {
    const d = rate[axis];
    if (d === 1) continue;
    const [kh, kw, ci, co] = k.shape;
    const n = axis === 0 ? kh : kw;
    // Give each tap d − 1 zeros after it, then drop the ones after the last tap.
    const split: [number, number, number, number] = axis === 0 ? [kh, 1, kw, ci * co] : [kh, kw, 1, ci * co];
    const padded = tf.pad(
      k.reshape(split),
      axis === 0
        ? [
            [0, 0],
            [0, d - 1],
            [0, 0],
            [0, 0],
          ]
        : [
            [0, 0],
            [0, 0],
            [0, d - 1],
            [0, 0],
          ],
    );
    const spread = padded.reshape(axis === 0 ? [kh * d, kw, ci, co] : [kh, kw * d, ci, co]) as tf.Tensor4D;
    k = tf.slice(spread, [0, 0, 0, 0], axis === 0 ? [(n - 1) * d + 1, -1, -1, -1] : [-1, (n - 1) * d + 1, -1, -1]);
  }
  return k;
}

/**
 * tfjs-layers' Conv2D with `dilationRate`, computed as a plain 'valid' convolution with the kernel
 * spread out by zeros: tf.conv2d refuses a dilation with a stride above 1, and tfjs registers no
 * gradient for dilated convolutions at all. Weights, initializers, config and the fused activation are
 * Conv2D's own, so a PyTorch dilated conv's weights load as into any conv2d. It costs the spread
 * kernel's taps, (d(F − 1) + 1)² instead of F², per output.
 */
export class DilatedConv2D extends TfConv2D {
  static readonly className = "alexc.DilatedConv2D";

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor4D;
      const kernel = dilateKernel(this.kernel.read() as tf.Tensor4D, this.dilationRate);
      const y = tf.conv2d(x, kernel, this.strides, "valid");
      return this.activation.apply(this.bias ? tf.add(y, this.bias.read()) : y);
    });
  }
}

for (const cls of [ChannelSlice, LocalResponseNorm, NegInfPadding2D, AvgPool2D, Elu, AdaptivePool2D, EdgePadding2D])
  tf.serialization.registerClass(cls);
tf.serialization.registerClass(DilatedConv2D as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);

export const channelSlice = (args: ChannelSliceArgs): ChannelSlice => new ChannelSlice(args);
export const localResponseNorm = (args: LocalResponseNormArgs): LocalResponseNorm => new LocalResponseNorm(args);
export const negInfPadding2d = (args: NegInfPadding2DArgs): NegInfPadding2D => new NegInfPadding2D(args);
export const avgPool2d = (args: AvgPool2DArgs): AvgPool2D => new AvgPool2D(args);
export const adaptivePool2d = (args: AdaptivePool2DArgs): AdaptivePool2D => new AdaptivePool2D(args);
export const edgePadding2d = (args: EdgePadding2DArgs): EdgePadding2D => new EdgePadding2D(args);
export const dilatedConv2d = (args: Record<string, unknown>): tf.layers.Layer => new DilatedConv2D(args);
export const elu = (args: EluArgs): Elu => new Elu(args);
export { batchNorm, BatchNorm, type BatchNormArgs } from "./batch-norm.js";

/** Applies `layers` in turn to `x`: one branch of a subgraph, written top to bottom. */
export function chain(x: tf.SymbolicTensor, layers: tf.layers.Layer[]): tf.SymbolicTensor {
  return layers.reduce((t, layer) => layer.apply(t) as tf.SymbolicTensor, x);
}
