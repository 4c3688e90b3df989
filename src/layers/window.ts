/**
 * The sliding-window rule shared by convolution and pooling, per axis:
 *
 *   N = floor((W − F + P1 + P2) / S) + 1
 *
 * or, for pooling in ceil mode (PyTorch's ceil_mode=True, Caffe's default), ceil instead of floor,
 * less the last window when it would start past the input and its leading padding
 * (PyTorch's rule, pytorch#57178). Also the diagnostics that come from it: an empty output (E0202)
 * and a division that drops rows or columns (W0301), each with its arithmetic written out; and
 * `same` padding resolved with TensorFlow's rule.
 */
import type { CheckContext, Padding, PaddingArg, Shape, WindowGeometry } from "./kind.js";
import { layerLabel } from "./kind.js";
import type { Fix } from "../diagnostics/diagnostic.js";
import { entry } from "../diagnostics/catalogue.js";

export interface AxisResult {
  out: number;
  /**
   * Rows/columns at the end that no window covers: of the padded input in floor mode; in ceil mode
   * only real input can be left over (when the stride is larger than the kernel).
   */
  dropped: number;
  /** Ceil mode only: PyTorch removed a last window that would have started in the trailing padding. */
  clipped: boolean;
}

export function windowAxis(size: number, kernel: number, before: number, after: number, stride: number, ceil = false): AxisResult {
  const span = size - kernel + before + after;
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  const clipped = ceil && (out - 1) * stride >= size + before;
  if (clipped) out -= 1;
  const covered = (out - 1) * stride + kernel;
  const end = ceil ? size + before : size + before + after;
  return { out, dropped: out >= 1 ? Math.max(0, end - covered) : 0, clipped };
}

/**
 * Caffe's pooling size: always ceil, and the last-window rule applied only when there is padding
 * (Caffe's pooling_layer.cpp), so without padding it can keep a window that lies past the input.
 */
export function caffePoolAxis(size: number, kernel: number, before: number, after: number, stride: number): number {
  let out = Math.ceil((size - kernel + before + after) / stride) + 1;
  if (before + after > 0 && (out - 1) * stride >= size + before) out -= 1;
  return out;
}

export function derivation(size: number, kernel: number, before: number, after: number, stride: number, ceil = false): string {
  const span = size - kernel + before + after;
  const exact = span / stride + 1;
  const r = windowAxis(size, kernel, before, after, stride, ceil);
  const raw = r.clipped ? r.out + 1 : r.out;
  const shown = Number.isInteger(exact) ? `${raw}` : `${ceil ? "ceil" : "floor"}(${trim(span / stride)}) + 1 = ${raw}`;
  const clip = r.clipped
    ? `, less the last window, which would start at ${raw - 1} × ${stride} = ${(raw - 1) * stride}, past the input and its leading padding (${size} + ${before}): ${r.out}`
    : "";
  return `(${size} − ${kernel} + ${before} + ${after}) / ${stride} + 1 = ${shown}${clip}`;
}

function trim(x: number): string {
  return Number.isInteger(x) ? `${x}` : `${+x.toFixed(4)}`;
}

/** TensorFlow's 'same' padding: total = max((ceil(W/S) − 1)·S + F − W, 0), the odd one at the end. */
function tfSamePadding(size: [number, number], kernel: [number, number], stride: [number, number]): Padding {
  return [0, 1].map((i) => {
    const total = Math.max((Math.ceil(size[i]! / stride[i]!) - 1) * stride[i]! + kernel[i]! - size[i]!, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }) as Padding;
}

/** Explicit padding for an input of `size` (H, W): `same` becomes TensorFlow's. */
export function concretePadding(padding: PaddingArg, size: [number, number], kernel: [number, number], stride: [number, number]): Padding {
  return padding === "same" ? tfSamePadding(size, kernel, stride) : padding;
}

export function isAsymmetric(p: Padding): boolean {
  return p[0][0] !== p[0][1] || p[1][0] !== p[1][1];
}

const AXES = ["height", "width"] as const;

/**
 * Applies the rule on both axes of a C×H×W input and reports what is wrong. Returns the output H and
 * W, or undefined when the output would be empty.
 */
export function applyWindow(
  kindLabel: string,
  input: { h: number; w: number },
  geometry: WindowGeometry,
  ctx: CheckContext,
  inexact: InexactExtras = {},
): { h: number; w: number } | undefined {
  const { kernel, stride, padding } = geometry;
  const ceil = geometry.ceil === true;
  const sizes = [input.h, input.w] as const;
  const results = [0, 1].map((i) => windowAxis(sizes[i]!, kernel[i]!, padding[i]![0], padding[i]![1], stride[i]!, ceil));
  const empty = [0, 1].filter((i) => results[i]!.out < 1);
  if (empty.length > 0) {
    const i = empty[0]!;
    const padded = sizes[i]! + padding[i]![0] + padding[i]![1];
    ctx.bag.add(
      "E0202",
      { layer: layerLabel(ctx.name, kindLabel), kernel: kernel[i]!, padded },
      {
        span: ctx.span,
        label: `output ${AXES[i]} would be ${results[i]!.out}`,
        notes: [
          `input ${sizes[0]}×${sizes[1]}${ctx.producer ? `, from ${ctx.producer}` : ""}`,
          ...spanNotes(geometry, empty),
          ...axisNotes(empty, (j) => derivation(sizes[j]!, kernel[j]!, padding[j]![0], padding[j]![1], stride[j]!, ceil)),
        ],
      },
    );
    return undefined;
  }
  reportInexact(kindLabel, sizes, geometry, results, ctx, inexact);
  return { h: results[0]!.out, w: results[1]!.out };
}

/** W0301's exact fix: acknowledge it after the layer, with a reason the user can reword. */
function allowFix(at: number): Fix {
  const text = ` allow ${entry("W0301").name} "the reference model floors this too"`;
  return { title: "acknowledge it with an allow clause", edits: [{ span: { start: at, end: at }, text }] };
}

/** What a kind adds to its W0301 (pooling: what Caffe's ceil mode would do). */
export interface InexactExtras {
  notes?: string[];
  fixes?: string[];
}

function reportInexact(
  kindLabel: string,
  sizes: readonly [number, number],
  geometry: WindowGeometry,
  results: AxisResult[],
  ctx: CheckContext,
  extras: InexactExtras,
): void {
  const { kernel, stride, padding } = geometry;
  const ceil = geometry.ceil === true;
  const inexact = [0, 1].filter((i) => results[i]!.dropped > 0);
  if (inexact.length === 0) return;
  const parts = inexact.map((i) => `${results[i]!.dropped} ${i === 0 ? "row" : "column"}${results[i]!.dropped === 1 ? "" : "s"}`);
  const notes = axisNotes(inexact, (i) => {
    const span = sizes[i]! - kernel[i]! + padding[i]![0] + padding[i]![1];
    const d = results[i]!.dropped;
    const why = ceil
      ? `the stride ${stride[i]} is larger than the kernel ${kernel[i]}`
      : `${span} is not a multiple of stride ${stride[i]}`;
    return (
      `${derivation(sizes[i]!, kernel[i]!, padding[i]![0], padding[i]![1], stride[i]!, ceil)}; ` +
      `${why}, so the last ${d} ${i === 0 ? "row" : "column"}${d === 1 ? "" : "s"} of the padded input ${d === 1 ? "is" : "are"} never covered`
    );
  });
  notes.unshift(...spanNotes(geometry, inexact));
  notes.push(...(extras.notes ?? []));
  const fixes: string[] = [...(extras.fixes ?? [])];
  const trimmed = padding.map((p, i) =>
    results[i]!.dropped > 0 && p[1] >= results[i]!.dropped ? [p[0], p[1] - results[i]!.dropped] : p,
  ) as Padding;
  if (!ceil && inexact.every((i) => padding[i]![1] >= results[i]!.dropped)) {
    fixes.push(`padding=${formatPadding(trimmed)} gives the same ${results[0]!.out}×${results[1]!.out} with nothing dropped`);
  }
  const exactSizes = (i: number): string => `${sizes[i]! - results[i]!.dropped} or ${sizes[i]! + stride[i]! - results[i]!.dropped}`;
  const sameBoth = inexact.length === 2 && exactSizes(0) === exactSizes(1);
  const inputFix = sameBoth ? exactSizes(0) : inexact.map((i) => `${AXES[i]} ${exactSizes(i)}`).join(", ");
  fixes.push(`${ctx.isFirstSpatial ? "an input" : "an input to this layer"} of ${inputFix} divides exactly`);
  ctx.bag.add(
    "W0301",
    { layer: layerLabel(ctx.name, kindLabel), dropped: parts.join(" and ") },
    {
      span: ctx.span,
      label: `output ${results[0]!.out}×${results[1]!.out}${ceil ? "" : ", floored"}`,
      notes,
      help: `${fixes.join("; or ")}; or acknowledge it with \`allow inexact "reason"\` after the layer`,
      fixes: [allowFix(ctx.span.end)],
    },
  );
}

/** Where a dilated kernel's span comes from, for the axes a diagnostic is about: the rule uses the span. */
function spanNotes(geometry: WindowGeometry, axes: number[]): string[] {
  const d = geometry.dilated;
  if (d === undefined) return [];
  return axisNotes(
    axes,
    (i) =>
      `kernel ${d.kernel[i]} with dilation ${d.dilation[i]} spans ${d.dilation[i]}·(${d.kernel[i]} − 1) + 1 = ${geometry.kernel[i]} input cells, the kernel size in the rule below`,
  );
}

/** One note per axis, or a single "height and width" note when both axes read the same. */
function axisNotes(axes: number[], text: (axis: number) => string): string[] {
  const lines = axes.map((i) => text(i));
  if (axes.length === 2 && lines[0] === lines[1]!.replace(/column/g, "row"))
    return [`height and width: ${lines[0]!.replace(/ rows? /, (m) => m.replace("row", "row/column"))}`];
  return axes.map((i, k) => `${AXES[i]}: ${lines[k]}`);
}

export function formatPadding(p: Padding): string {
  const axis = (a: [number, number]): string => (a[0] === a[1] ? `${a[0]}` : `[${a[0]}, ${a[1]}]`);
  if (p[0][0] === p[1][0] && p[0][1] === p[1][1]) return axis(p[0]);
  return `{h: ${axis(p[0])}, w: ${axis(p[1])}}`;
}

export function formatWindow(v: [number, number]): string {
  return v[0] === v[1] ? `${v[0]}` : `${v[0]}x${v[1]}`;
}

/** `padding same` is shown with what it resolves to at this layer's input. */
export function describePadding(p: PaddingArg, kernel: [number, number], stride: [number, number], input?: Shape): string {
  if (p !== "same") return formatPadding(p);
  if (input?.rank !== "chw") return "same";
  return `same ${formatPadding(concretePadding(p, [input.h, input.w], kernel, stride))}`;
}
