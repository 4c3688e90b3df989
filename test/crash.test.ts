/**
 * A sample of the crash-consistency cases (test/crash-cases.ts): 4 kills at random points across
 * epochs and checkpoint writes, each resumed and checked. `npm run fuzz:crash` runs 50.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crashCases, referenceRun, runCrashCase } from "./crash-cases.js";

/** Each kill costs a trainer start and a resume (about 5 s); the 50 of fuzz:crash cover the points. */
const KILLS = 4;
const root = mkdtempSync(join(tmpdir(), "alexc-crash-"));
test.after(() => rmSync(root, { recursive: true, force: true }));

test("4 SIGKILLs at random points (fixed seed), each resumed: best/, last/, state.json and metrics.csv agree, losses equal an uninterrupted run's", async () => {
  const reference = await referenceRun(join(root, "reference"));
  // Cases whose fault point lies past the run's end (e.g. a third copy to best/ when only two
  // epochs improved) complete without a kill; they are checked too, and more are drawn.
  const cases = crashCases(30, 0x5eed);
  const failures: string[] = [];
  let kills = 0;
  // Two at a time: each case is mostly process start-up.
  for (let i = 0; i < cases.length && kills < KILLS; i += 2) {
    const pair = cases.slice(i, i + 2);
    const results = await Promise.all(pair.map((c) => runCrashCase(c, join(root, `case-${c.index}`), reference)));
    results.forEach(({ problems, killed }, j) => {
      if (killed) kills++;
      if (problems.length) failures.push(`case ${pair[j]!.index} (${pair[j]!.point}:${pair[j]!.at}): ${problems.join("; ")}`);
    });
  }
  assert.equal(failures, []);
  assert.ok(kills >= KILLS, `only ${kills} cases killed the trainer`);
});

test.run();
