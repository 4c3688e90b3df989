/**
 * Which input sizes a model accepts. Runs only the spatial part of the shape rule (window layers,
 * channel changes, flatten and declared dense sizes) for each candidate size, so scanning thousands
 * of sizes stays cheap.
 */
import type { ResolvedLayer, ResolvedModel } from "./resolve.js";
import { windowAxis } from "./layers/window.js";

export type Axis = "both" | "h" | "w";

export interface SizeVerdict {
  /** Every window layer has a non-empty output. */
  fits: boolean;
  /** Fits, and every declared dense in-features matches. */
  valid: boolean;
  /** What the first flatten gives, when the model fits and has one. */
  features?: number;
  /** H and W after each window layer, in order, as far as the model fits. */
  trace: Array<[number, number]>;
}

export function verdictAt(model: ResolvedModel, h: number, w: number): SizeVerdict {
  let c = model.input.c;
  let n: number | undefined;
  let fits = true;
  let valid = true;
  let features: number | undefined;
  const trace: Array<[number, number]> = [];
  for (const layer of model.layers) {
    const win = n === undefined ? layer.kind.window?.(layer.args, [h, w]) : undefined;
    if (win) {
      h = windowAxis(h, win.kernel[0], win.padding[0][0], win.padding[0][1], win.stride[0], win.ceil).out;
      w = windowAxis(w, win.kernel[1], win.padding[1][0], win.padding[1][1], win.stride[1], win.ceil).out;
      if (h < 1 || w < 1) return { fits: false, valid: false, trace };
      trace.push([h, w]);
    }
    const channels = layer.kind.channels?.(layer.args);
    if (channels !== undefined) c = channels;
    if (layer.kind.kind === "flatten" && n === undefined) n = features = c * h * w;
    const declared = declaredIn(layer);
    if (declared !== undefined && n !== undefined && declared !== n) valid = false;
    if (layer.kind.kind === "dense") n = layer.args["out"] as number;
  }
  return { fits, valid: fits && valid, trace, ...(features !== undefined ? { features } : {}) };
}

function declaredIn(layer: ResolvedLayer): number | undefined {
  return layer.kind.kind === "dense" ? (layer.args["in"] as number | undefined) : undefined;
}

export interface InputScan {
  axis: Axis;
  /** Smallest size for which every layer's output is non-empty, if any up to the limit. */
  smallestFit?: number;
  /** Inclusive ranges of sizes for which the whole model is valid. */
  validRanges: Array<[number, number]>;
}

/** Scans sizes 1…limit along one axis (or both, for square inputs), others held at the spec's value. */
export function scanInputs(model: ResolvedModel, axis: Axis, limit = 4096): InputScan {
  const scan: InputScan = { axis, validRanges: [] };
  let open: number | undefined;
  for (let s = 1; s <= limit; s++) {
    const h = axis === "w" ? model.input.h : s;
    const w = axis === "h" ? model.input.w : s;
    const v = verdictAt(model, h, w);
    if (v.fits && scan.smallestFit === undefined) scan.smallestFit = s;
    if (v.valid && open === undefined) open = s;
    if (!v.valid && open !== undefined) {
      scan.validRanges.push([open, s - 1]);
      open = undefined;
    }
  }
  if (open !== undefined) scan.validRanges.push([open, limit]);
  return scan;
}

export function formatRanges(ranges: Array<[number, number]>, limit = 4096): string {
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
