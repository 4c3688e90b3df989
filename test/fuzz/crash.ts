/**
 * `npm run fuzz:crash [count] [seed]`: the trainer's crash-consistency cases (test/crash-cases.ts)
 * until 50 (by default) have killed the trainer, two at a time; prints each failure and a summary, exits 1 on any failure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crashCases, referenceRun, runCrashCase } from "../crash-cases.js";

const count = Number(process.argv[2] ?? 50);
const seed = Number(process.argv[3] ?? 0xc0ffee);
const root = mkdtempSync(join(tmpdir(), "alexc-crash-"));
const started = performance.now();
try {
  const reference = await referenceRun(join(root, "reference"));
  // Drawn until `count` cases have killed the trainer: a fault point past the run's end (a copy
  // to best/ that never happens) completes the run instead; it is checked all the same.
  const cases = crashCases(count * 3, seed);
  let ran = 0;
  const byPoint = new Map<string, number>();
  let failed = 0;
  let kills = 0;
  for (let i = 0; i < cases.length && kills < count; i += 2) {
    const pair = cases.slice(i, i + 2);
    const results = await Promise.all(pair.map((c) => runCrashCase(c, join(root, `case-${c.index}`), reference)));
    results.forEach(({ problems, killed }, j) => {
      const c = pair[j]!;
      if (killed) kills++;
      ran++;
      byPoint.set(c.point, (byPoint.get(c.point) ?? 0) + 1);
      if (problems.length) {
        failed++;
        console.log(`case ${c.index} (${c.point}:${c.at}): ${problems.join("; ")}`);
      }
    });
  }
  console.log(
    `${kills} kills in ${ran} cases (seed ${seed}; the others' fault point lay past the run's end): ${failed} inconsistent after resume; by point: ${[...byPoint].map(([p, n]) => `${p} ${n}`).join(", ")}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(root, { recursive: true, force: true });
}
