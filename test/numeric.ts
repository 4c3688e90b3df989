/** Numeric helpers of the backend-comparison tests (wasm against cpu, tfjs against PyTorch). */
import { seeded } from "../src/runtime/random.js";

/**
 * Inputs drawn from a fixed seed (the runtime's mulberry32), so every backend sees the same ones:
 * `draw(n)` is n values uniform in [shift, shift + scale), by default [-1, 1).
 */
export function drawFrom(seed: number): (n: number, scale?: number, shift?: number) => Float32Array {
  const next = seeded(seed);
  return (n, scale = 2, shift = -1) => Float32Array.from({ length: n }, () => next() * scale + shift);
}

/** Max |actual − expected| over max |expected| (at least `floor`): element-wise ratios blow up near zero. */
export function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-30): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
  }
  return diff / Math.max(scale, floor);
}
