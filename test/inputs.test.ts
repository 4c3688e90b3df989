/**
 * Valid input sizes: the fast scan (src/check/valid-inputs.ts) against brute force with the full checker at
 * every size 1…512, per layer and for the whole model; the figures the seed's model must show; the
 * nearest-size suggestions in failing checks; and the `alexc inputs` command.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSource } from "../src/check/check-spec.js";
import { nearestValid, progression, scanInputs, validExactSizes, type Axis } from "../src/check/valid-inputs.js";
import { FIXTURES, ROOT, runCli, specText } from "./support.js";

const LIMIT = 512;

interface Verdict {
  valid: boolean;
  exact: boolean;
  /** How many layers got a shape. */
  reached: number;
  fits: boolean;
  /** A W0301 that drops rows (not only columns). */
  rowsDropped: boolean;
}

/** Verdicts by sized spec text: the per-axis tests below ask the checker about the same texts. */
const verdicts = new Map<string, Verdict>();

/** What the real checker says at one input size. */
function checkAt(text: string, h: number, w: number): Verdict {
  const sized = text.replace(/input\s+(\d+)\s*x\s*\d+\s*x\s*\d+/, (_m, c) => `input ${c}x${h}x${w}`);
  const known = verdicts.get(sized);
  if (known) return known;
  const r = checkSource("t.anet", sized);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  const reached = r.checked!.layers.length;
  const fits = !errors.some((d) => d.code === "E0202");
  const inexact = r.diagnostics.filter((d) => d.code === "W0301");
  const verdict = {
    valid: errors.length === 0,
    exact: fits && inexact.length === 0,
    reached,
    fits,
    rowsDropped: inexact.some((d) => /\b\d+ rows?\b/.test(d.message)),
  };
  verdicts.set(sized, verdict);
  return verdict;
}

const models: Array<[string, string]> = [
  ["specs/alexnet.anet", specText("alexnet.anet")],
  ["specs/alexnet-table.anet", specText("alexnet-table.anet")],
  [
    "alexnet-v2 (no declared dense)",
    readFileSync(join(FIXTURES, "models", "alexnet-v2.anet"), "utf8").replace(/ allow inexact "[^"]*"/g, ""),
  ],
  [
    "non-square, two declared denses",
    "model r {\ninput 3x100x60\nconv(8, kernel=5x3, stride=2, padding={h: 1, w: [0, 1]})\nmaxpool(2)\nflatten\ndense(8*25*15 -> 10)\ndense(10 -> 4)\n}\n",
  ],
];

for (const [name, text] of models) {
  const model = checkSource("t.anet", text).checked!.model;
  const axes: Axis[] = model.input.h === model.input.w ? ["both"] : ["h", "w"];
  for (const axis of axes) {
    test(`${name}, ${axis === "both" ? "square inputs" : `input ${axis === "h" ? "height" : "width"}`}: the scan agrees with the full checker at every size 1…${LIMIT}`, () => {
      const scan = scanInputs(model, axis, LIMIT);
      const valid: number[] = [];
      const exact: number[] = [];
      const smallest: Array<number | undefined> = model.layers.map(() => undefined);
      let smallestFit: number | undefined;
      for (let s = 1; s <= LIMIT; s++) {
        const at = checkAt(text, axis === "w" ? model.input.h : s, axis === "h" ? model.input.w : s);
        if (at.valid) valid.push(s);
        if (at.fits && smallestFit === undefined) smallestFit = s;
        for (let i = 0; i < at.reached; i++) smallest[i] ??= s;
        // Along one axis, exactness is judged on that axis (the other keeps the spec's size).
        if (axis === "both" && at.exact) exact.push(s);
      }
      const expand = (ranges: Array<[number, number]>): number[] =>
        ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
      assert.equal(expand(scan.validRanges), valid, "valid sizes");
      assert.is(scan.smallestFit, smallestFit, "smallest fitting size");
      assert.equal(scan.layerSmallest, smallest, "smallest size per layer");
      if (axis === "both") assert.equal(scan.exactSizes, exact, "exact sizes");
    });
  }
}

test("non-square: exact heights are those with no dropped row, checked against W0301 per axis", () => {
  const text = models[3]![1];
  const model = checkSource("t.anet", text).checked!.model;
  const scan = scanInputs(model, "h", 200);
  const expected = Array.from({ length: 200 }, (_, i) => i + 1).filter(
    (h) => h >= scan.smallestFit! && !checkAt(text, h, model.input.w).rowsDropped,
  );
  assert.equal(scan.exactSizes, expected);
});

test("the seed's model: smallest input 63 for the conv stack, valid 223–254, exact and valid 223", () => {
  const model = checkSource("alexnet.anet", specText("alexnet.anet")).checked!.model;
  const scan = scanInputs(model, "both");
  assert.is(scan.smallestFit, 63);
  const stackEnd = model.layers.findIndex((l) => l.name === "features.12");
  assert.is(scan.layerSmallest[stackEnd], 63);
  assert.equal(scan.validRanges, [[223, 254]]);
  assert.equal(validExactSizes(scan), [223]);
  assert.equal(progression(scan.exactSizes), { first: 63, step: 32 });
});

const nearest: Array<[Array<[number, number]>, number, number | undefined]> = [
  [[[223, 254]], 32, 223],
  [[[223, 254]], 300, 254],
  [[[223, 254]], 230, 230],
  [
    [
      [10, 20],
      [40, 50],
    ],
    30,
    20,
  ],
  [
    [
      [10, 20],
      [40, 50],
    ],
    31,
    40,
  ],
  [[], 30, undefined],
];
for (const [ranges, size, expected] of nearest) {
  test(`nearest valid to ${size} in ${JSON.stringify(ranges)} is ${expected}`, () => {
    assert.is(nearestValid(ranges, size), expected);
  });
}

test("a failing check names the nearest valid size", () => {
  const small = checkSource("a.anet", specText("alexnet.anet").replace("input 3x224x224", "input 3x32x32"));
  assert.match(small.diagnostics.find((d) => d.code === "E0202")!.help!, /the nearest to 32 is 223 \(3x223x223\)/);
  const declared = checkSource("a.anet", specText("alexnet.anet").replace("128*6*6", "128*5*5"));
  assert.match(
    declared.diagnostics.find((d) => d.code === "E0201")!.notes.join("\n"),
    /inputs 191–222 match the declared 128\*5\*5 of classifier\.1; the nearest to 224 is 222 \(3x222x222\)/,
  );
});

test("alexc inputs specs/alexnet.anet: 63 for the conv stack, 223–254 valid with the declared dense", () => {
  const r = runCli(["inputs", "specs/alexnet.anet"]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /features\.12 +maxpool +3×3 +63\n/);
  assert.match(r.stdout, /smallest input +63 \(3x63x63\)/);
  assert.match(r.stdout, /valid inputs +223–254 \(the declared 128\*6\*6 of classifier\.1 holds only there\)/);
  assert.match(r.stdout, /valid and exact +223\n/);
  assert.match(r.stdout, /declared 224 +valid, not exact/);
});

test("alexc inputs answers even when the declared input fails the check (exit 1)", () => {
  const r = runCli(["inputs", join(ROOT, "test/fixtures/diagnostics/input-too-small.anet"), "--format", "json"]);
  assert.is(r.status, 1);
  const scan = JSON.parse(r.stdout).files[0].scans[0];
  assert.equal([scan.smallest, scan.valid, scan.validExact], [63, [[223, 254]], [223]]);
  assert.equal(scan.declared, { size: 32, valid: false, exact: false, nearestValid: 223, nearestValidExact: 223 });
  assert.equal(scan.exact, { first: 63, step: 32 });
  assert.equal(
    scan.layers.find((l: { name: string }) => l.name === "features.12"),
    { name: "features.12", kind: "maxpool", ownMinimum: [3, 3], smallest: 63 },
  );
});

test("alexc inputs --max bounds the scan", () => {
  const r = runCli(["inputs", "test/fixtures/models/vgg16.anet", "--max", "100", "--format", "json"]);
  assert.is(r.status, 0, r.stderr);
  const scan = JSON.parse(r.stdout).files[0].scans[0];
  assert.equal([scan.limit, scan.smallest, scan.valid], [100, 32, [[32, 100]]]);
  assert.is(runCli(["inputs", "specs/alexnet.anet", "--max", "0"]).status, 2);
});

test.run();
