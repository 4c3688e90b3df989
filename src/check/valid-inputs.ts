/**
 * Which input sizes a model accepts. Runs only the spatial part of the shape rule (window layers,
 * channel changes, flatten and declared dense sizes) for each candidate size, so scanning thousands
 * of sizes stays cheap. Everything here is a scan over that one walk (`verdictAt`), never a formula
 * of its own, so a layer kind with a different window rule only has to be understood in one place.
 * Kinds take part through their hooks only: `window` (a sliding window), `fixedSize` (adaptive
 * pooling: the output size is fixed, so everything after it is the same at any input) and `minInput`.
 */
import type { ResolvedLayer, ResolvedModel } from "../resolve/resolve.js";
import { windowAxis } from "../layers/window.js";
import { declaredInFeatures } from "../layers/kind.js";

export type Axis = "both" | "h" | "w";

const SCAN_LIMIT = 4096;

/**
 * A scan costs sizes × layers walk steps; 15 million is about two seconds (measured on a
 * 15,000-layer chain on the 2-core CI machine). A scan asked of a deeper model is shortened to
 * fit; `alexc inputs --max` is refused up front instead (`scanProblem`): there the user asked
 * for the figure.
 */
const SCAN_BUDGET = 15_000_000;

/** The largest scan limit that `model` can afford. */
function affordableLimit(model: ResolvedModel): number {
  return Math.max(1, Math.floor(SCAN_BUDGET / Math.max(1, model.layers.length)));
}

/** Why scanning up to `limit` would not finish in bounded time, or undefined. */
export function scanProblem(model: ResolvedModel, limit: number): string | undefined {
  const steps = BigInt(limit) * BigInt(Math.max(1, model.layers.length));
  if (steps <= BigInt(SCAN_BUDGET)) return undefined;
  const g = (n: number | bigint) => n.toLocaleString("en-US");
  return `scanning ${g(limit)} sizes through ${g(model.layers.length)} layers is ${g(steps)} steps, more than the ${g(SCAN_BUDGET)} (about two seconds) alexc takes on; the largest --max for this model is ${g(affordableLimit(model))}`;
}

export interface SizeVerdict {
  /** Every window layer has a non-empty output. */
  fits: boolean;
  /** Fits, and every declared dense in-features matches. */
  valid: boolean;
  /** Fits, and every window tiles its padded input with no row or column dropped (no W0301). */
  exact: boolean;
  /** Fits, and no window drops a row (exactRows) or a column (exactColumns). */
  exactRows: boolean;
  exactColumns: boolean;
  /** How many layers, from the first, have a non-empty output at this size. */
  reached: number;
  /** What the first flatten gives, when the model fits and has one. */
  features?: number;
  /** H and W after each window layer, in order, as far as the model fits. */
  trace: Array<[number, number]>;
}

/** Each layer's size-independent hooks (fixed output, minimum input), asked once per model: a scan walks the layers thousands of times. */
const sizeFree = new WeakMap<ResolvedModel, Array<{ fixed?: [number, number]; min?: [number, number] }>>();

function sizeFreeHooks(model: ResolvedModel): Array<{ fixed?: [number, number]; min?: [number, number] }> {
  let hooks = sizeFree.get(model);
  if (!hooks) {
    hooks = model.layers.map((l) => {
      const fixed = l.kind.fixedSize?.(l.args);
      const min = l.kind.minInput?.(l.args);
      return { ...(fixed ? { fixed } : {}), ...(min ? { min } : {}) };
    });
    sizeFree.set(model, hooks);
  }
  return hooks;
}

export function verdictAt(model: ResolvedModel, h: number, w: number): SizeVerdict {
  const hooks = sizeFreeHooks(model);
  let c = model.input.c;
  let n: number | undefined;
  let valid = true;
  let exactRows = true;
  let exactColumns = true;
  let features: number | undefined;
  const trace: Array<[number, number]> = [];
  for (const [index, layer] of model.layers.entries()) {
    const min = n === undefined ? hooks[index]!.min : undefined;
    if (min && (h < min[0] || w < min[1]))
      return { fits: false, valid: false, exact: false, exactRows: false, exactColumns: false, reached: index, trace };
    const win = n === undefined ? layer.kind.window?.(layer.args, [h, w]) : undefined;
    // Adaptive pooling: the same output whatever the input, every input cell in some window.
    const fixed = n === undefined ? hooks[index]!.fixed : undefined;
    if (fixed) {
      [h, w] = fixed;
      trace.push([h, w]);
    } else if (win) {
      const rows = windowAxis(h, win.kernel[0], win.padding[0][0], win.padding[0][1], win.stride[0], win.ceil);
      const cols = windowAxis(w, win.kernel[1], win.padding[1][0], win.padding[1][1], win.stride[1], win.ceil);
      if (rows.out < 1 || cols.out < 1)
        return { fits: false, valid: false, exact: false, exactRows: false, exactColumns: false, reached: index, trace };
      if (rows.dropped > 0) exactRows = false;
      if (cols.dropped > 0) exactColumns = false;
      h = rows.out;
      w = cols.out;
      trace.push([h, w]);
    }
    const channels = layer.kind.channels?.(layer.args);
    if (channels !== undefined) c = channels;
    if (layer.kind.flattens && n === undefined) n = features = c * h * w;
    const declared = declaredInFeatures(layer)?.n;
    if (declared !== undefined && n !== undefined && declared !== n) valid = false;
    const set = layer.kind.features?.(layer.args);
    if (set !== undefined) n = set;
  }
  return {
    fits: true,
    valid,
    exact: exactRows && exactColumns,
    exactRows,
    exactColumns,
    reached: model.layers.length,
    trace,
    ...(features !== undefined ? { features } : {}),
  };
}

export interface InputScan {
  axis: Axis;
  /** The largest size scanned. */
  limit: number;
  /** Smallest size for which every layer's output is non-empty, if any up to the limit. */
  smallestFit?: number;
  /** Inclusive ranges of sizes for which the whole model is valid. */
  validRanges: Array<[number, number]>;
  /** Per layer, in model order: the smallest size for which that layer's output is non-empty. */
  layerSmallest: Array<number | undefined>;
  /** Every size up to the limit that fits and divides exactly at every window, along the scanned axis. */
  exactSizes: number[];
}

/** Scans sizes 1…limit along one axis (or both, for square inputs), others held at the spec's value. */
export function scanInputs(model: ResolvedModel, axis: Axis, limit = SCAN_LIMIT): InputScan {
  limit = Math.min(limit, affordableLimit(model));
  const scan: InputScan = { axis, limit, validRanges: [], layerSmallest: model.layers.map(() => undefined), exactSizes: [] };
  let open: number | undefined;
  let deepest = 0;
  for (let s = 1; s <= limit; s++) {
    const v = verdictAt(model, ...sizeAt(model, axis, s));
    // Output sizes never shrink as the input grows, so the first size reaching a layer is its smallest.
    for (; deepest < v.reached; deepest++) scan.layerSmallest[deepest] = s;
    if (v.fits && scan.smallestFit === undefined) scan.smallestFit = s;
    if (axis === "both" ? v.exact : axis === "h" ? v.exactRows : v.exactColumns) scan.exactSizes.push(s);
    if (v.valid && open === undefined) open = s;
    if (!v.valid && open !== undefined) {
      scan.validRanges.push([open, s - 1]);
      open = undefined;
    }
  }
  if (open !== undefined) scan.validRanges.push([open, limit]);
  return scan;
}

/** [h, w] for a scanned size along an axis; the other axis keeps the spec's value. */
export function sizeAt(model: ResolvedModel, axis: Axis, s: number): [number, number] {
  return [axis === "w" ? model.input.h : s, axis === "h" ? model.input.w : s];
}

/** The spec's own size along a scanned axis. */
export function declaredSize(model: ResolvedModel, axis: Axis): number {
  return axis === "w" ? model.input.w : model.input.h;
}

/** The valid size closest to `size` (the smaller one on a tie), if any range holds one. */
export function nearestValid(ranges: Array<[number, number]>, size: number): number | undefined {
  let best: number | undefined;
  for (const [a, b] of ranges) {
    const candidate = Math.min(Math.max(size, a), b);
    if (best === undefined || Math.abs(candidate - size) < Math.abs(best - size)) best = candidate;
  }
  return best;
}

/** The smallest input height and width a window layer itself takes (its kernel less its padding). */
export function ownMinimum(layer: ResolvedLayer): [number, number] | undefined {
  const min = layer.kind.minInput?.(layer.args);
  if (!layer.kind.window?.(layer.args, [1, 1])) return min;
  // The geometry may depend on the size (`same` padding), so it is asked again at each candidate.
  const out = (n: number, i: 0 | 1): number => {
    const win = layer.kind.window!(layer.args, [n, n]);
    return windowAxis(n, win.kernel[i], win.padding[i][0], win.padding[i][1], win.stride[i], win.ceil).out;
  };
  const axis = (i: 0 | 1): number => {
    let n = 1;
    while (out(n, i) < 1 && n < SCAN_LIMIT) n++;
    return n;
  };
  return [Math.max(axis(0), min?.[0] ?? 1), Math.max(axis(1), min?.[1] ?? 1)];
}

/** The exact sizes that are also valid. */
export function validExactSizes(scan: InputScan): number[] {
  return scan.exactSizes.filter((s) => scan.validRanges.some(([a, b]) => s >= a && s <= b));
}

/**
 * Exact sizes as an arithmetic progression `first + step·k`, when they are one. For a chain of
 * windows they always are: a layer divides exactly for one residue of its input modulo its stride,
 * and its output is then linear in the input, so each layer pins the model's input modulo the
 * product of the strides so far (the jump).
 */
export function progression(sizes: number[]): { first: number; step: number } | undefined {
  if (sizes.length < 2) return undefined;
  const step = sizes[1]! - sizes[0]!;
  return sizes.every((s, i) => s === sizes[0]! + i * step) ? { first: sizes[0]!, step } : undefined;
}

export function formatRanges(ranges: Array<[number, number]>, limit = SCAN_LIMIT): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : b === limit ? `${a} and up` : `${a}–${b}`)).join(", ");
}

/** The axis to vary for suggestions: both for a square input, else each on its own. */
export function suggestionAxes(model: ResolvedModel): Axis[] {
  return model.input.h === model.input.w ? ["both"] : ["h", "w"];
}

export function sizeLabel(model: ResolvedModel, axis: Axis, s: number): string {
  const { c, h, w } = model.input;
  return axis === "both" ? `${c}x${s}x${s}` : axis === "h" ? `${c}x${s}x${w}` : `${c}x${h}x${s}`;
}
