/**
 * What a layer kind is: one object that the resolver (arguments), the checker (shape rule), the
 * reporter (params, MACs, settings) and the emitter (tfjs lowering) all read. Adding a layer kind is
 * adding one such object to the table in ./index.ts.
 */
import type { Span } from "../ast.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";

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
  | "flag";

export interface ArgSpec {
  name: string;
  type: ArgType;
  /** Position when given without a name. */
  position?: number;
  /** Default when absent; a function when it depends on other arguments (pool stride = kernel). */
  default?: unknown | ((args: Record<string, unknown>) => unknown);
  doc: string;
}

/** A resolved argument value together with where it was written, for diagnostics. */
export interface ArgSource {
  span: Span;
  /** The source text as written, e.g. `128*6*6`. */
  text: string;
}

export interface LayerContext {
  name: string;
  /** Where each argument was written; absent for defaults. */
  sources: Record<string, ArgSource | undefined>;
  span: Span;
  kindSpan: Span;
}

export interface CheckContext extends LayerContext {
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
}

export interface LayerKind<A = Record<string, unknown>> {
  kind: string;
  /** The PyTorch module it corresponds to, for docs and portability messages. */
  pytorch: string;
  doc: string;
  args: ArgSpec[];
  /** Output shape, or undefined after reporting why there is none. */
  infer(args: A, input: Shape, ctx: CheckContext): Shape | undefined;
  params(args: A, input: Shape, output: Shape): bigint;
  macs(args: A, input: Shape, output: Shape): bigint;
  /**
   * For layers that slide a window over H and W: its geometry at an input of `size` (H, W), so input
   * sizes can be searched quickly (src/inputs.ts) without re-running the full checker for each one.
   */
  window?(args: A, size: [number, number]): WindowGeometry;
  /** Output channels when the layer sets them (conv); absent when channels pass through. */
  channels?(args: A): number;
  /** Compact settings for reports: "48, kernel 11, stride 4, padding 2"; `input` resolves `same`. */
  describe(args: A, input?: Shape): string;
  lower(args: A, input: Shape, output: Shape, ctx: LoweringContext): TfjsStep[];
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
