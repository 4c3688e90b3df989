/**
 * The sliding-window rule shared by convolution and pooling, per axis:
 *
 *   N = floor((W − F + P1 + P2) / S) + 1
 *
 * and the diagnostics that come from it: an empty output (E0202) and a division that drops rows or
 * columns (W0301), each with its arithmetic written out.
 */
import type { CheckContext, Padding } from "./kind.js";
import { layerLabel } from "./kind.js";

export interface AxisResult {
  out: number;
  /** Rows/columns of the padded input that no window covers: (W − F + P1 + P2) mod S. */
  dropped: number;
}

export function windowAxis(size: number, kernel: number, before: number, after: number, stride: number): AxisResult {
  const span = size - kernel + before + after;
  return { out: Math.floor(span / stride) + 1, dropped: span >= 0 ? span % stride : 0 };
}

export function derivation(size: number, kernel: number, before: number, after: number, stride: number): string {
  const span = size - kernel + before + after;
  const exact = span / stride + 1;
  const value = windowAxis(size, kernel, before, after, stride).out;
  const shown = Number.isInteger(exact) ? `${value}` : `floor(${trim(span / stride)}) + 1 = ${value}`;
  return `(${size} − ${kernel} + ${before} + ${after}) / ${stride} + 1 = ${shown}`;
}

function trim(x: number): string {
  return Number.isInteger(x) ? `${x}` : `${+x.toFixed(4)}`;
}

const AXES = ["height", "width"] as const;

/**
 * Applies the rule on both axes of a C×H×W input and reports what is wrong. Returns the output H and
 * W, or undefined when the output would be empty.
 */
export function applyWindow(
  kindLabel: string,
  input: { h: number; w: number },
  kernel: [number, number],
  stride: [number, number],
  padding: Padding,
  ctx: CheckContext,
): { h: number; w: number } | undefined {
  const sizes = [input.h, input.w] as const;
  const results = [0, 1].map((i) => windowAxis(sizes[i]!, kernel[i]!, padding[i]![0], padding[i]![1], stride[i]!));
  const empty = [0, 1].filter((i) => results[i]!.out < 1);
  if (empty.length > 0) {
    const i = empty[0]!;
    const padded = sizes[i]! + padding[i]![0] + padding[i]![1];
    ctx.bag.add("E0202", `${layerLabel(ctx.name, kindLabel)} has an empty output: its ${kernel[i]}-wide kernel is larger than its padded input ${padded}`, {
      span: ctx.span,
      label: `output ${AXES[i]} would be ${results[i]!.out}`,
      notes: [
        `input ${sizes[0]}×${sizes[1]}${ctx.producer ? `, from ${ctx.producer}` : ""}`,
        ...axisNotes(empty, (j) => derivation(sizes[j]!, kernel[j]!, padding[j]![0], padding[j]![1], stride[j]!)),
      ],
    });
    return undefined;
  }
  reportInexact(kindLabel, sizes, kernel, stride, padding, results, ctx);
  return { h: results[0]!.out, w: results[1]!.out };
}

function reportInexact(
  kindLabel: string,
  sizes: readonly [number, number],
  kernel: [number, number],
  stride: [number, number],
  padding: Padding,
  results: AxisResult[],
  ctx: CheckContext,
): void {
  const inexact = [0, 1].filter((i) => results[i]!.dropped > 0);
  if (inexact.length === 0) return;
  const parts = inexact.map((i) => `${results[i]!.dropped} ${i === 0 ? "row" : "column"}${results[i]!.dropped === 1 ? "" : "s"}`);
  const notes = axisNotes(inexact, (i) => {
    const span = sizes[i]! - kernel[i]! + padding[i]![0] + padding[i]![1];
    const d = results[i]!.dropped;
    return (
      `${derivation(sizes[i]!, kernel[i]!, padding[i]![0], padding[i]![1], stride[i]!)}; ` +
      `${span} is not a multiple of stride ${stride[i]}, so the last ${d} ${i === 0 ? "row" : "column"}${d === 1 ? "" : "s"} of the padded input ${d === 1 ? "is" : "are"} never covered`
    );
  });
  const fixes: string[] = [];
  const trimmed = padding.map((p, i) => (results[i]!.dropped > 0 && p[1] >= results[i]!.dropped ? [p[0], p[1] - results[i]!.dropped] : p)) as Padding;
  if (inexact.every((i) => padding[i]![1] >= results[i]!.dropped)) {
    fixes.push(`padding=${formatPadding(trimmed)} gives the same ${results[0]!.out}×${results[1]!.out} with nothing dropped`);
  }
  const exactSizes = (i: number): string => `${sizes[i]! - results[i]!.dropped} or ${sizes[i]! + stride[i]! - results[i]!.dropped}`;
  const sameBoth = inexact.length === 2 && exactSizes(0) === exactSizes(1);
  const inputFix = sameBoth ? exactSizes(0) : inexact.map((i) => `${AXES[i]} ${exactSizes(i)}`).join(", ");
  fixes.push(`${ctx.isFirstSpatial ? "an input" : "an input to this layer"} of ${inputFix} divides exactly`);
  ctx.bag.add("W0301", `${layerLabel(ctx.name, kindLabel)} drops ${parts.join(" and ")} of its padded input`, {
    span: ctx.span,
    label: `output ${results[0]!.out}×${results[1]!.out}, floored`,
    notes,
    help: `${fixes.join("; or ")}; or acknowledge it with \`allow inexact "reason"\` after the layer`,
  });
}

/** One note per axis, or a single "height and width" note when both axes read the same. */
function axisNotes(axes: number[], text: (axis: number) => string): string[] {
  const lines = axes.map((i) => text(i));
  if (axes.length === 2 && lines[0] === lines[1]!.replace(/column/g, "row")) return [`height and width: ${lines[0]!.replace(/ rows? /, (m) => m.replace("row", "row/column"))}`];
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
