/**
 * What a layer kind is: one object that the resolver (arguments), the checker (shape rule), the
 * reporter (params, MACs, settings) and the emitter (tfjs lowering) all read. Adding a layer kind is
 * adding one such object to the table in ./index.ts.
 */
import type { Span } from "../syntax/ast.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { TorchParam } from "./torch-params.js";

export type Shape = { rank: "chw"; c: number; h: number; w: number } | { rank: "flat"; n: number };

/** [top, bottom] and [left, right]: the seed's P1/P2 for each axis. */
export type Padding = [[number, number], [number, number]];

/**
 * Padding as written: explicit, or `same`, which depends on the input size and is resolved per layer
 * with TensorFlow's rule (`valid` is resolved at once to zeros).
 */
export type PaddingArg = Padding | "same";

export type ArgType =
  /** A whole number ≥ 1 (channels, features). */
  | "count"
  /** A whole number ≥ 1 per axis: `3`, `5x3` (H×W) or `{h: 5, w: 3}`. */
  | "window"
  /** Whole numbers ≥ 0: `2`, `[1, 2]` (P1, P2 on both axes), `{h: [1, 2], w: 1}`; or `same` / `valid`. */
  | "padding"
  /** A probability in [0, 1). */
  | "probability"
  /** Any finite number (LRN's alpha, beta, k); the kind checks its own range. */
  | "number"
  /** `true` or `false`. */
  | "flag"
  /** A whole number ≥ 0 (one side's padding). */
  | "amount"
  /** One of the bare words in the spec's `words` (pad's mode: zero, reflect, replicate). */
  | "word";

/** One argument of a kind; `name` must be a key of the kind's argument type, so a misspelling fails tsc. */
export interface ArgSpec<A = Record<string, unknown>> {
  name: keyof A & string;
  type: ArgType;
  /** Position when given without a name. */
  position?: number;
  /** Default when absent; a function when it depends on other arguments (pool stride = kernel). */
  default?: unknown | ((args: Record<string, unknown>) => unknown);
  /** The default as the docs show it, where printing the value would not say it (pool stride: "kernel"). */
  defaultText?: string;
  /**
   * Added to an existing kind after spec hashes were in use: at its (constant) default it is left out
   * of the spec's meaning (src/lower/spec-hash.ts), so every checkpoint trained before keeps its hash.
   */
  addedLater?: boolean;
  /** The words a `word` argument takes. */
  words?: readonly string[];
  doc: string;
}

/** A resolved argument value together with where it was written, for diagnostics. */
export interface ArgSource {
  span: Span;
  /** The source text as written, e.g. `128*6*6`. */
  text: string;
}

export interface LayerContext<A = Record<string, unknown>> {
  name: string;
  /** Where each argument was written; absent for defaults. */
  sources: { [K in keyof A & string]?: ArgSource | undefined };
  span: Span;
  kindSpan: Span;
}

export interface CheckContext<A = Record<string, unknown>> extends LayerContext<A> {
  bag: DiagnosticBag;
  /** Where this layer's input comes from, e.g. "flatten of features.12 (maxpool, 128×6×6)". */
  producer?: string;
  /** The input size as an expression of its origin, e.g. `128*6*6`, for fixes that name it. */
  producerExpression?: string;
  /** Whether this layer's input is the model input (so an input-size suggestion applies directly). */
  isFirstSpatial: boolean;
}

/** A tfjs initializer call, e.g. randomNormal({mean: 0, stddev: 0.01}). */
export interface InitCall {
  fn: string;
  args: Record<string, number | string>;
  /** Human description, e.g. "kaiming_normal(fan_out, relu): N(0, 0.0393²)". */
  describe: string;
}

export type InitRole = "conv" | "dense";

export interface LoweringContext {
  name: string;
  /** Initializers for a weighted layer, from the spec's `init` section. */
  init(role: InitRole, fanIn: number, fanOut: number): { kernel: InitCall; bias: InitCall };
  /** A normalisation layer's scale (weight, γ) and shift (bias, β), from `init`'s norm_weight and norm_bias. */
  normInit(): { weight: InitCall; bias: InitCall };
}

/** One tfjs layer call in the generated model, e.g. tf.layers.conv2d({...}). */
export interface TfjsLayer {
  /** A `tf.layers` factory, or with `runtime` one of alexc's own layers (src/runtime/layers.ts). */
  factory: string;
  /** True for layers tfjs-layers lacks (channel slice, LRN, −∞ padding), imported from `alexc/runtime/layers`. */
  runtime?: boolean;
  /**
   * Suffix added to the spec layer's name for helper layers (".pad", ".chw"); "" for the main one.
   * It starts with a dot, which spec names cannot contain, so it never collides with another layer.
   */
  suffix: string;
  config: Record<string, unknown>;
  initializers?: Record<string, InitCall>;
}

/**
 * A small subgraph: each branch is a chain of layers applied to the current tensor, and `merge`
 * (e.g. a concatenate) is applied to the branches' outputs. Grouped convolutions lower to this.
 */
export interface TfjsBranches {
  branches: Array<{ comment: string; layers: TfjsLayer[] }>;
  merge: TfjsLayer;
}

export type TfjsStep = TfjsLayer | TfjsBranches;

/** Window geometry of a layer at one input size: `same` padding resolved, ceil mode flagged. */
export interface WindowGeometry {
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
  /** PyTorch's ceil_mode: the last partial window counts if it starts inside the input or top/left padding. */
  ceil?: boolean;
  /** Written as `same`: resolved per input size, so it is not a padding a fix could change. */
  same?: boolean;
  /** A dilated kernel: `kernel` is then the span of these taps, which diagnostics explain. */
  dilated?: { kernel: [number, number]; dilation: [number, number] };
}

/** How a node is drawn in graphs and reports (src/views/graph/): its palette entry. */
export type NodeRole = "io" | "conv" | "pool" | "dense" | "reshape" | "activation" | "norm" | "junction";

/** Trainable weights (updated by the optimiser) and non-trainable state (e.g. running statistics). */
export interface ParamCount {
  trainable: bigint;
  nonTrainable: bigint;
}

/** The language docs' row for a kind (docs/language.md's layer table is generated from these). */
export interface KindDocs {
  /** The PyTorch call it corresponds to, e.g. "`nn.MaxPool2d(kernel, stride, padding, ceil_mode=…)`". */
  pytorch: string;
  /** A spec that uses the kind and checks: `model` lines after the model name, `{}` excluded. */
  example: string;
}

export interface LayerKind<A = Record<string, unknown>> {
  kind: string;
  /** The PyTorch module it corresponds to, for docs and portability messages. */
  pytorch: string;
  doc: string;
  docs: KindDocs;
  args: ArgSpec<A>[];
  /** How graphs draw it (colour and shape by role). */
  role: NodeRole;
  /** Turns a feature map into a vector (C·H·W): the vector's size then depends on the input size. */
  flattens?: boolean;
  /** Sets the vector's length (dense's out-features), so later layers no longer depend on the input size. */
  features?(args: A): number;
  /**
   * The argument that declares the in-features the layer expects (dense's `in`, written `in -> out`):
   * optional, and checked against what reaches the layer.
   */
  declaresInFeatures?: keyof A & string;
  /** The largest padding per axis the kind accepts (pooling: half the kernel, as PyTorch). */
  maxPadding?(args: A): [number, number];
  /** Its lowering reads `init`'s norm_weight and norm_bias (LoweringContext.normInit). */
  usesNormInit?: boolean;
  /** Its lowering's main step accepts a fused activation (`activation: "relu"`). */
  fusesActivation?: boolean;
  /** The tfjs activation it is, when a preceding fusesActivation layer can absorb it. */
  activation?: string;
  /**
   * It turns logits into class probabilities (softmax). The trainer's loss and predict take logits and
   * apply softmax themselves, so as the model's last layer it lowers to an identity (never applied
   * twice); anywhere else it is applied, with a warning (W0330).
   */
  probabilities?: boolean;
  /** Output shape, or undefined after reporting why there is none. */
  infer(args: A, input: Shape, ctx: CheckContext<A>): Shape | undefined;
  params(args: A, input: Shape, output: Shape): ParamCount;
  macs(args: A, input: Shape, output: Shape): bigint;
  /**
   * For layers that slide a window over H and W: its geometry at an input of `size` (H, W), so input
   * sizes can be searched quickly (src/check/valid-inputs.ts) without re-running the full checker for each one.
   */
  window?(args: A, size: [number, number]): WindowGeometry;
  /**
   * For layers whose output H×W is fixed whatever the input (adaptive pooling): that size. The
   * input-size walk takes it as is, and the receptive field beyond it depends on the input size.
   */
  fixedSize?(args: A): [number, number];
  /** The smallest input H×W the layer takes, when the window rule does not say it (reflect padding: padding + 1). */
  minInput?(args: A): [number, number];
  /** Parallel branches its lowering builds (a grouped conv's groups), drawn as such; absent: one. */
  branches?(args: A): number;
  /** Output channels when the layer sets them (conv); absent when channels pass through. */
  channels?(args: A): number;
  /** Compact settings for reports: "48, kernel 11, stride 4, padding 2"; `input` resolves `same`. */
  describe(args: A, input?: Shape): string;
  lower(args: A, input: Shape, output: Shape, ctx: LoweringContext): TfjsStep[];
  /**
   * Its PyTorch state dict entries (`<name>.weight`, …) and the tfjs weights of its lowering each
   * becomes (src/layers/torch-params.ts): what `alexc import-weights` and `export-weights` move.
   * Required, so a new kind says how its weights travel; `noTorchParams` for a kind without any.
   */
  torchParams(args: A, input: Shape, output: Shape): TorchParam[];
  /**
   * The PyTorch module it becomes in a generated model.py (`--target pytorch`): its constructor as
   * Python source, e.g. `nn.Conv2d(3, 48, kernel_size=11, stride=4, padding=2)`. A call whose name has
   * no `nn.` is one of alexc's helper modules in templates/pytorch/helpers/ (a padded conv or pool).
   * The module's state_dict must be PyTorch's for the layer (`weight`, `bias`, running statistics).
   */
  torch(args: A, input: Shape, output: Shape): string;
}

/** Weights only, all trained: conv and dense. */
export function trainable(n: bigint): ParamCount {
  return { trainable: n, nonTrainable: 0n };
}

/** A weighted layer's tfjs initializers: the bias's only when it has one (bias=false). */
export function weightInitializers(bias: boolean, init: { kernel: InitCall; bias: InitCall }): Record<string, InitCall> {
  return bias ? { kernelInitializer: init.kernel, biasInitializer: init.bias } : { kernelInitializer: init.kernel };
}

export const NO_PARAMS: ParamCount = { trainable: 0n, nonTrainable: 0n };

/**
 * An entry for the table: checked against its own argument type A (argument names, defaults and
 * hooks all typed), then held by the common shape the resolver and checker use. The resolver fills
 * the arguments from the entry's own list, so they have type A when the hooks run.
 */
export function defineKind<A>(kind: LayerKind<A>): LayerKind {
  return kind as unknown as LayerKind;
}

/** In-features a layer declares (`dense(128*6*6 -> 2048)`): the number, and the text as written. */
export function declaredInFeatures(layer: {
  kind: LayerKind;
  args: Record<string, unknown>;
  sources: Record<string, ArgSource | undefined>;
}): { n: number; text: string } | undefined {
  const arg = layer.kind.declaresInFeatures;
  const n = arg === undefined ? undefined : layer.args[arg];
  if (typeof n !== "number") return undefined;
  return { n, text: layer.sources[arg!]?.text ?? String(n) };
}

/**
 * Whether the layer at `i` is the model's last in value: only flattens follow it (the identity on the
 * vector a probabilities layer needs), so its output is the model's output.
 */
export function isLastInValue(kinds: readonly LayerKind[], i: number): boolean {
  return kinds.slice(i + 1).every((k) => k.flattens === true);
}

export function formatShape(s: Shape): string {
  return s.rank === "chw" ? `${s.c}×${s.h}×${s.w}` : `${s.n}`;
}

export function shapeDims(s: Shape): number[] {
  return s.rank === "chw" ? [s.c, s.h, s.w] : [s.n];
}

/** "features.0 (conv)", or just "dense" when the layer is named after its kind. */
export function layerLabel(name: string, kind: string): string {
  return name === kind ? name : `${name} (${kind})`;
}
