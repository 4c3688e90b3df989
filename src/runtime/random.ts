/**
 * Seeded randomness for training runs. Every random choice the trainer makes (validation split,
 * shuffle order, crops, flips, initial weights, dropout masks) derives from the run's seed, so a
 * run repeats exactly on the same backend. Per-sample draws are keyed by (seed, epoch, sample),
 * not by a shared stream, so they do not depend on how many data workers ran or in what order.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** Mixes integers into one 32-bit seed (murmur3's finaliser per step: well spread, cheap). */
export function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for augmentation and shuffling. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [low, high). */
export function uniform(random: Random, low: number, high: number): number {
  return low + (high - low) * random();
}

/** Uniform integer in [low, high] (both ends included). */
export function integer(random: Random, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** Fisher–Yates, in place; returns `items`. */
export function shuffle<T>(items: T[] | Int32Array, random: Random): typeof items {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/**
 * Replaces Math.random with a seeded stream until the returned function is called. tfjs draws the
 * seeds of its initialisers and dropout masks from Math.random when none is given, so this is what
 * makes weights and dropout repeat (as torch.manual_seed does for PyTorch).
 */
export function seedMathRandom(seed: number): () => void {
  const original = Math.random;
  Math.random = seeded(seed);
  return () => {
    Math.random = original;
  };
}

/** Points Math.random at a new seeded stream (inside a seedMathRandom span, whose restore still applies). */
export function reseedMathRandom(seed: number): void {
  Math.random = seeded(seed);
}

/** A fresh seed when the user gave none: printed, so the run can be repeated. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}
