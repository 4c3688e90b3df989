/**
 * Receptive field, effective stride ("jump") and effective padding of every layer, per axis, in
 * input pixels. The recurrence of Araujo, Norris and Sim, "Computing Receptive Fields of
 * Convolutional Neural Networks" (Distill, 2019), also used by google-research/receptive_field:
 *
 *   r_out = r_in + (k − 1) · j_in      receptive field
 *   p_out = p_in + p_before · j_in      effective padding (top/left)
 *   j_out = j_in · s                    jump: input pixels between neighbouring outputs
 *
 * starting from r = 1, j = 1, p = 0 at the input. Only a kind's `window` hook is read, so any kind
 * that slides a window takes part; kinds without one leave the field as it is while the feature map
 * keeps its rank, and once it is flattened every value sees the whole input. After a kind with a
 * `fixedSize` (adaptive pooling) the windows themselves change with the input size, so the field is
 * reported as input-dependent rather than as a number that would hold for one size only.
 */
import type { CheckedModel } from "../../check/check.js";

export type Pair = [number, number];

export interface FieldAt {
  /** Receptive field height and width in input pixels; for a global field, the whole input. */
  size: Pair;
  jump: Pair;
  /** Effective padding before the first row and column, in input pixels. */
  padding: Pair;
  /** Every output value depends on the whole input (after a flatten or a dense layer). */
  global: boolean;
  /** The field depends on the input size (after adaptive pooling): size, jump and padding are not meaningful. */
  inputDependent?: boolean;
}

/** The field of each checked layer's output, in layer order. */
export function receptiveFields(checked: CheckedModel): FieldAt[] {
  let field: FieldAt = { size: [1, 1], jump: [1, 1], padding: [0, 0], global: false };
  const input = checked.input.rank === "chw" ? ([checked.input.h, checked.input.w] as Pair) : ([1, 1] as Pair);
  return checked.layers.map((layer) => {
    const at: Pair = layer.input.rank === "chw" ? [layer.input.h, layer.input.w] : [1, 1];
    const win = layer.resolved.kind.window?.(layer.resolved.args, at);
    if (field.global || layer.output.rank !== "chw") {
      field = { ...field, size: input, global: true };
    } else if (field.inputDependent || layer.resolved.kind.fixedSize) {
      field = { ...field, inputDependent: true };
    } else if (win) {
      const axis = (i: 0 | 1) => ({
        size: field.size[i] + (win.kernel[i] - 1) * field.jump[i],
        padding: field.padding[i] + win.padding[i][0] * field.jump[i],
        jump: field.jump[i] * win.stride[i],
      });
      const [h, w] = [axis(0), axis(1)];
      field = { size: [h.size, w.size], jump: [h.jump, w.jump], padding: [h.padding, w.padding], global: false };
    }
    return field;
  });
}

/** The RF and jump columns of a layer table: "all" and "—" for a global field, "varies" after adaptive pooling. */
export function fieldCells(f: FieldAt): [string, string] {
  if (f.global) return ["all", "—"];
  if (f.inputDependent) return ["varies", "varies"];
  return [formatPair(f.size), formatPair(f.jump)];
}

/** "195" for a square field, "195×163" (H×W) otherwise. */
export function formatPair(p: Pair): string {
  return p[0] === p[1] ? `${p[0]}` : `${p[0]}×${p[1]}`;
}
