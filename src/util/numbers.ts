/**
 * Largest and smallest of a list without spreading it into Math.max/min: spreading passes every
 * element as an argument, and past ~100,000 (a generated 200,000-layer spec) that overflows the
 * stack. Empty lists give what Math.max()/Math.min() give.
 */
export function maxOf(values: readonly number[]): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

export function minOf(values: readonly number[]): number {
  let m = Infinity;
  for (const v of values) if (v < m) m = v;
  return m;
}

/** 1234567 → "1,234,567", for bigints too (toLocaleString depends on the machine's locale). */
export function groupThousands(n: bigint | number): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
