/**
 * What a model costs in memory: activations per image, parameter memory, and an estimate of the
 * memory one training step needs at batch size B (formula and assumptions in docs/analysis.md):
 *
 *   weights              P · 4 B          P = every parameter, running statistics included
 *   gradients            T · 4 B          T = the trainable ones
 *   optimizer state      k · T · 4 B      k = slots per parameter (table below)
 *   activations          B · (input + Σ layer outputs) · 4 B, all kept for the backward pass
 *   activation gradients B · max over layers (layer input + layer output) · 4 B, the backward peak
 *
 * float32 throughout, as the generated tfjs code trains. Counts are bigint like params and MACs.
 */
import type { CheckedModel } from "../../check/check.js";
import type { Shape } from "../../layers/kind.js";
import { camel, optimizerSlotsOf } from "../../runtime/training-table.js";

export const BYTES_PER_VALUE = 4n;

/**
 * Values per parameter the tfjs optimizer the generated code uses keeps (Adam's m and v, momentum's
 * velocity, …), from the optimizer table the runtime builds from; undefined for an unknown name.
 */
export function optimizerSlots(fn: string, args: Record<string, number | string | [number, number]>): number | undefined {
  const numeric = Object.fromEntries(Object.entries(args).flatMap(([k, v]) => (typeof v === "number" ? [[camel(k), v]] : [])));
  return optimizerSlotsOf(fn, numeric);
}

export function elements(s: Shape): bigint {
  return s.rank === "chw" ? BigInt(s.c) * BigInt(s.h) * BigInt(s.w) : BigInt(s.n);
}

export interface TrainingMemory {
  batch: number;
  optimizer: string;
  /** Undefined for an optimizer this estimate does not know; its state is then not counted. */
  slots: number | undefined;
  /** Bytes. */
  weights: bigint;
  gradients: bigint;
  optimizerState: bigint;
  activations: bigint;
  activationGradients: bigint;
  total: bigint;
  /** Values per image behind `activations`: the input plus every layer's output. */
  activationValues: bigint;
  /** The layer whose input and output together make the backward peak. */
  peakLayer?: string;
}

export function trainingMemory(checked: CheckedModel, batch: number): TrainingMemory {
  const { fn, args } = checked.model.train.optimizer;
  const slots = optimizerSlots(fn, args);
  const params = checked.totals.params;
  const b = BigInt(batch);
  const activationValues = checked.layers.reduce((sum, l) => sum + elements(l.output), elements(checked.input));
  let peak = 0n;
  let peakLayer: string | undefined;
  for (const l of checked.layers) {
    const pair = elements(l.input) + elements(l.output);
    if (pair > peak) [peak, peakLayer] = [pair, l.name];
  }
  const weights = params * BYTES_PER_VALUE;
  // Running statistics are stored but neither differentiated nor seen by the optimiser.
  const trained = (params - checked.totals.nonTrainableParams) * BYTES_PER_VALUE;
  const parts = {
    weights,
    gradients: trained,
    optimizerState: BigInt(slots ?? 0) * trained,
    activations: b * activationValues * BYTES_PER_VALUE,
    activationGradients: b * peak * BYTES_PER_VALUE,
  };
  const total = parts.weights + parts.gradients + parts.optimizerState + parts.activations + parts.activationGradients;
  return { batch, optimizer: fn, slots, ...parts, total, activationValues, ...(peakLayer ? { peakLayer } : {}) };
}

/** Binary units, as memory is sized: 63.4 MiB. */
export function formatBytes(bytes: bigint): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
