/**
 * `npm run fuzz`: 10,000 valid and 10,000 broken specs (counts and seed overridable:
 * `npm run fuzz -- --runs 1000 --seed 42`). Prints the counts; saves any counterexample under
 * test/fixtures/fuzz/ so it becomes a regression test; exits 1 if there was one.
 */
import fc from "fast-check";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { selectBackend } from "../../src/runtime/index.js";
import { brokenSpec, validSpec } from "./generators.js";
import { agreesWithTfjs, robust } from "./properties.js";
import { corpus, mutate, random, robustBytes } from "./bytes.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg("runs", 10_000);
const byteRuns = arg("bytes", 100_000);
/** `--only valid|broken|bytes` runs one stage (the byte stage alone takes a while). */
const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const stage = (name: string): boolean => only === undefined || only === name;
const seed = arg("seed", Date.now() % 2 ** 31);
const fixtures = join(import.meta.dirname, "..", "fixtures", "fuzz");

function save(text: string, why: string): string {
  const name = `found-${createHash("sha256").update(text).digest("hex").slice(0, 12)}.anet`;
  writeFileSync(join(fixtures, name), `${text}${text.endsWith("\n") ? "" : "\n"}`);
  console.log(`counterexample saved as test/fixtures/fuzz/${name}: ${why.split("\n")[0]}`);
  return name;
}

await selectBackend("cpu", () => {});
console.log(
  `alexc fuzz: ${stage("valid") ? runs : 0} valid and ${stage("broken") ? runs : 0} broken specs, ${stage("bytes") ? byteRuns : 0} byte mutants, seed ${seed}`,
);

const counts = { valid: 0, checked: 0, rejected: 0, disagreements: 0, broken: 0, exceptions: 0 };
let started = performance.now();
const valid = !stage("valid")
  ? { failed: false }
  : fc.check(
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
if (stage("valid"))
  console.log(
    `valid:  ${counts.valid} specs, ${counts.checked} checked and built in tfjs, ${counts.rejected} rejected with diagnostics, ${counts.disagreements} shape disagreements (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );

started = performance.now();
const broken = !stage("broken")
  ? { failed: false }
  : fc.check(
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
if (stage("broken"))
  console.log(
    `broken: ${counts.broken} specs, ${counts.exceptions} uncaught exceptions or invalid locations (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
started = performance.now();
let bytesFailed = false;
if (stage("bytes")) {
  const root = join(import.meta.dirname, "..", "..");
  const files = corpus([join(root, "specs"), join(root, "test", "fixtures")]);
  const next = random(seed + 2);
  const times: number[] = [];
  let failures = 0;
  let internal = 0;
  let slow = 0;
  for (let i = 0; i < byteRuns; i++) {
    const source = files[Math.floor(next() * files.length)]!;
    const other = files[Math.floor(next() * files.length)]!;
    const bytes = mutate(next, source.bytes, other.bytes);
    const t0 = performance.now();
    const failure = robustBytes(bytes);
    const ms = performance.now() - t0;
    times.push(ms);
    if (failure) {
      failures++;
      if (failure.startsWith("took")) slow++;
      else internal++;
      const name = `found-${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}.anet`;
      writeFileSync(join(fixtures, name), bytes);
      console.log(`byte mutant of ${source.name.slice(root.length + 1)} saved as test/fixtures/fuzz/${name}: ${failure.split("\n")[0]}`);
      if (failures >= 20) break;
    }
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1);
  console.log(
    `bytes:  ${times.length} mutants of ${files.length} real specs, ${internal} internal errors or invalid locations, ${slow} over 2 s; ` +
      `per case median ${pct(50)} ms, p99 ${pct(99)} ms, max ${times.at(-1)!.toFixed(1)} ms (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  bytesFailed = failures > 0;
}
process.exitCode = valid.failed || broken.failed || bytesFailed ? 1 : 0;
