/**
 * `npm run fuzz`: 10,000 valid and 10,000 broken specs (counts and seed overridable:
 * `npm run fuzz -- --runs 1000 --seed 42`). Prints the counts; saves any counterexample under
 * test/fixtures/fuzz/ so it becomes a regression test; exits 1 if there was one.
 */
import fc from "fast-check";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/runtime/index.js";
import { brokenSpec, validSpec } from "./generators.js";
import { agreesWithTfjs, robust } from "./properties.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg("runs", 10_000);
const seed = arg("seed", Date.now() % 2 ** 31);
const fixtures = join(import.meta.dirname, "..", "fixtures", "fuzz");

function save(text: string, why: string): string {
  const name = `found-${createHash("sha256").update(text).digest("hex").slice(0, 12)}.anet`;
  writeFileSync(join(fixtures, name), `${text}${text.endsWith("\n") ? "" : "\n"}`);
  console.log(`counterexample saved as test/fixtures/fuzz/${name}: ${why.split("\n")[0]}`);
  return name;
}

await selectBackend("cpu", () => {});
console.log(`alexc fuzz: ${runs} valid and ${runs} broken specs, seed ${seed}`);

const counts = { valid: 0, checked: 0, rejected: 0, disagreements: 0, broken: 0, exceptions: 0 };
let started = performance.now();
const valid = fc.check(
  fc.property(validSpec, (spec) => {
    counts.valid++;
    const o = agreesWithTfjs(spec.text);
    if (o.kind === "failed") {
      counts.disagreements++;
      save(spec.text, o.why);
      return false;
    }
    counts[o.kind]++;
    return true;
  }),
  { seed, numRuns: runs, endOnFailure: true },
);
console.log(`valid:  ${counts.valid} specs, ${counts.checked} checked and built in tfjs, ${counts.rejected} rejected with diagnostics, ${counts.disagreements} shape disagreements (${((performance.now() - started) / 1000).toFixed(1)} s)`);

started = performance.now();
const broken = fc.check(
  fc.property(brokenSpec, (text) => {
    counts.broken++;
    const failure = robust(text);
    if (failure) {
      counts.exceptions++;
      save(text, failure);
      return false;
    }
    return true;
  }),
  { seed: seed + 1, numRuns: runs, endOnFailure: true },
);
console.log(`broken: ${counts.broken} specs, ${counts.exceptions} uncaught exceptions or invalid locations (${((performance.now() - started) / 1000).toFixed(1)} s)`);
process.exitCode = valid.failed || broken.failed ? 1 : 0;
