/**
 * Python source for the `torch` hook of each kind: the nn module a layer becomes in a generated
 * model.py (templates/pytorch/). Numbers are JavaScript's shortest round-trip form, which Python
 * reads as the same double; a pair with equal axes is written as one number, as PyTorch code usually is.
 */
import type { Padding } from "./kind.js";

/** A Python literal for a number, a flag or an H×W pair. */
export function py(v: number | boolean | readonly number[]): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`non-finite number ${v} in generated Python`);
    return Object.is(v, -0) ? "0" : String(v);
  }
  return v.length === 2 && v[0] === v[1] ? py(v[0]!) : `(${v.map((n) => py(n)).join(", ")})`;
}

/** PyTorch's padding argument (per axis, both sides alike), or undefined when an axis pads unevenly. */
export function symmetricPadding(p: Padding): [number, number] | undefined {
  return p[0][0] === p[0][1] && p[1][0] === p[1][1] ? [p[0][0], p[1][0]] : undefined;
}

/** F.pad's order: (left, right, top, bottom). */
export function padLrtb(p: Padding): string {
  return `(${p[1][0]}, ${p[1][1]}, ${p[0][0]}, ${p[0][1]})`;
}
