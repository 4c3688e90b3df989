/**
 * Property tests (fast-check, fixed seeds, modest counts; `npm run fuzz` runs 10,000 of each):
 * random valid networks agree with the tfjs model their generated code builds, and random broken
 * text never makes the compiler throw. Every counterexample ever found stays in
 * test/fixtures/fuzz/ as a regression test.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { selectBackend } from "../src/runtime/index.js";
import { brokenSpec, validSpec } from "./fuzz/generators.js";
import { agreesWithTfjs, robust } from "./fuzz/properties.js";
import { corpus, mutate, random, robustBytes } from "./fuzz/bytes.js";
import { FIXTURES, ROOT } from "./support.js";

test.before(async () => {
  await selectBackend("cpu", () => {});
});

test("200 random valid specs: checker and generated tfjs model agree layer by layer", () => {
  let checked = 0;
  fc.assert(
    fc.property(validSpec, (spec) => {
      const outcome = agreesWithTfjs(spec.text);
      if (outcome.kind === "failed") throw new Error(`${outcome.why}\n${spec.text}`);
      if (outcome.kind === "checked") checked++;
    }),
    { seed: 20261129, numRuns: 200 },
  );
  assert.ok(checked > 100, `most generated specs should check (${checked} of 200)`);
});

test("2,000 random broken specs: no exception, locations inside the file, bounded time", () => {
  fc.assert(
    fc.property(brokenSpec, (text) => {
      const failure = robust(text);
      if (failure) throw new Error(`${failure}\n---\n${text}`);
    }),
    { seed: 1129, numRuns: 2000 },
  );
});

test("300 byte-level mutants of the real specs: no exception, capped and bounded output, bounded time", () => {
  const files = corpus([join(ROOT, "specs"), FIXTURES]);
  const next = random(20261201);
  for (let i = 0; i < 300; i++) {
    const source = files[Math.floor(next() * files.length)]!;
    const bytes = mutate(next, source.bytes, files[Math.floor(next() * files.length)]!.bytes);
    const failure = robustBytes(bytes);
    if (failure) throw new Error(`mutant ${i} of ${source.name}: ${failure}`);
  }
});

const regressions = readdirSync(join(FIXTURES, "fuzz"))
  .filter((f) => f.endsWith(".anet"))
  .sort();
for (const name of regressions) {
  test(`fuzz regression ${name}`, () => {
    const text = readFileSync(join(FIXTURES, "fuzz", name), "utf8");
    assert.is(robust(text), undefined);
    assert.is(robustBytes(readFileSync(join(FIXTURES, "fuzz", name))), undefined);
    const outcome = agreesWithTfjs(text);
    assert.not.equal(outcome.kind, "failed", outcome.kind === "failed" ? outcome.why : "");
  });
}

test.run();
