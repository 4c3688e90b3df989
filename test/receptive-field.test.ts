/**
 * Receptive field, jump (effective stride) and effective padding: hand-computed cases, the figures
 * google-research/receptive_field publishes for tf-slim's alexnet_v2 and vgg_16, and a property
 * check against an independent method (propagating one output's input interval backwards).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSource } from "../src/check/check-spec.js";
import { receptiveFields, type FieldAt } from "../src/views/analysis/receptive-field.js";
import { FIXTURES } from "./support.js";

function fields(body: string, input = "3x64x64"): Map<string, FieldAt> {
  const r = checkSource("t.anet", `model t {\ninput ${input}\n${body}\n}\n`);
  assert.ok(r.checked?.complete, JSON.stringify(r.diagnostics.map((d) => d.message)));
  const f = receptiveFields(r.checked!);
  return new Map(r.checked!.layers.map((l, i) => [l.name, f[i]!]));
}

// [layers, layer asked about, receptive field, jump, effective padding], worked out by hand.
const cases: Array<[string, string, [number, number], [number, number], [number, number]]> = [
  ["a: conv(8, kernel=3)", "a", [3, 3], [1, 1], [0, 0]],
  ["a: conv(8, kernel=3, padding=1)\nb: conv(8, kernel=3, padding=1)", "b", [5, 5], [1, 1], [2, 2]],
  // 3 + (3 − 1)·2 = 7; padding 1 + 1·2 = 3
  ["a: conv(8, kernel=3, stride=2, padding=1)\nb: conv(8, kernel=3, padding=1)", "b", [7, 7], [2, 2], [3, 3]],
  ["a: maxpool(2)\nb: maxpool(2)\nc: maxpool(2)", "c", [8, 8], [8, 8], [0, 0]],
  // per axis: H 5 + (3 − 1)·2 = 9, W 3 + (3 − 1)·1 = 5
  ["a: conv(4, kernel=5x3, stride=2x1)\nb: conv(4, kernel=3)", "b", [9, 5], [2, 1], [0, 0]],
  // the seed's P1 (top/left) is what shifts the field: [1, 2] → 1
  ["a: conv(4, kernel=11, stride=4, padding=[1, 2])", "a", [11, 11], [4, 4], [1, 1]],
  ["a: conv(4, kernel=3, padding={h: [2, 0], w: [0, 1]})", "a", [3, 3], [1, 1], [2, 0]],
  // layers without a window leave the field alone
  ["a: conv(4, kernel=3, stride=2)\nb: relu\nc: dropout(0.1)", "c", [3, 3], [2, 2], [0, 0]],
  // the seed's conv1 → pool1 → conv2: 11, then 11 + 2·4 = 19, then 19 + 4·8 = 51
  [
    "a: conv(48, kernel=11, stride=4, padding=2)\nb: maxpool(3, stride=2)\nc: conv(128, kernel=5, padding=2)",
    "c",
    [51, 51],
    [8, 8],
    [18, 18],
  ],
];

for (const [body, name, size, jump, padding] of cases) {
  test(`${body.replace(/\n/g, "; ")}: ${name} sees ${size.join("×")}, jump ${jump.join("×")}, padding ${padding.join("×")}`, () => {
    const f = fields(body, "3x227x227").get(name)!;
    assert.equal([f.size, f.jump, f.padding, f.global], [size, jump, padding, false]);
  });
}

test("after flatten and dense every value sees the whole input", () => {
  const f = fields("a: conv(4, kernel=3)\nflatten\nd: dense(10)", "3x32x40");
  assert.is(f.get("flatten")!.global, true);
  assert.equal(f.get("d")!.size, [32, 40]);
  assert.is(f.get("a")!.global, false);
});

// google-research/receptive_field, receptive_field/RECEPTIVE_FIELD_TABLE.md (TF-Slim models):
// end-point, receptive field, effective stride, effective padding.
const published: Record<string, Array<[string, number, number, number]>> = {
  "alexnet-v2.anet": [
    ["conv1", 11, 4, 0],
    ["pool1", 19, 8, 0],
    ["conv2", 51, 8, 16],
    ["conv3", 99, 16, 32],
    ["conv4", 131, 16, 48],
    ["conv5", 163, 16, 64],
    ["pool5", 195, 32, 64],
  ],
  "vgg16.anet": [
    ["conv1_1", 3, 1, 1],
    ["pool1", 6, 2, 2],
    ["conv2_1", 10, 2, 4],
    ["pool2", 16, 4, 6],
    ["conv3_1", 24, 4, 10],
    ["conv3_2", 32, 4, 14],
    ["pool3", 44, 8, 18],
    ["conv4_1", 60, 8, 26],
    ["conv4_2", 76, 8, 34],
    ["pool4", 100, 16, 42],
    ["conv5_1", 132, 16, 58],
    ["conv5_2", 164, 16, 74],
    ["pool5", 212, 32, 90],
  ],
};

for (const [spec, rows] of Object.entries(published)) {
  test(`${spec}: receptive field, effective stride and padding match google-research/receptive_field at every end-point`, () => {
    const path = join(FIXTURES, "models", spec);
    const r = checkSource(spec, readFileSync(path, "utf8"));
    assert.is(
      r.diagnostics.filter((d) => d.severity === "error" || d.acknowledged === undefined).length,
      0,
      r.diagnostics.map((d) => d.message).join("\n"),
    );
    const f = receptiveFields(r.checked!);
    const byName = new Map(r.checked!.layers.map((l, i) => [l.name, f[i]!]));
    for (const [name, rf, stride, padding] of rows) {
      const at = byName.get(name)!;
      assert.equal([name, at.size, at.jump, at.padding], [name, [rf, rf], [stride, stride], [padding, padding]]);
    }
  });
}

/**
 * Independent method: the input rows output row 0 depends on, found by walking a row interval back
 * through each window (output i covers input i·s − p … i·s − p + k − 1). Its length must be the
 * receptive field and its start minus the effective padding.
 */
function backwards(layers: Array<{ k: number; s: number; p: number }>): { size: number; start: number } {
  let [lo, hi] = [0, 0];
  for (const { k, s, p } of [...layers].reverse()) [lo, hi] = [lo * s - p, hi * s - p + k - 1];
  return { size: hi - lo + 1, start: lo };
}

test("property: the recurrence agrees with walking an output's input interval backwards", () => {
  const layer = fc.record({
    k: fc.integer({ min: 1, max: 7 }),
    s: fc.integer({ min: 1, max: 3 }),
    p: fc.integer({ min: 0, max: 3 }),
    pool: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(layer, { minLength: 1, maxLength: 6 }), (layers) => {
      const ok = layers.map((l) => ({ ...l, p: l.pool ? Math.min(l.p, Math.floor(l.k / 2)) : l.p }));
      const body = ok
        .map((l, i) =>
          l.pool ? `l${i}: maxpool(${l.k}, stride=${l.s}, padding=${l.p})` : `l${i}: conv(2, kernel=${l.k}, stride=${l.s}, padding=${l.p})`,
        )
        .join("\n");
      // Large enough that no output is empty.
      const r = checkSource("p.anet", `model p {\ninput 1x2048x2048\n${body}\n}\n`);
      const f = receptiveFields(r.checked!).at(-1)!;
      const expected = backwards(ok);
      assert.equal([f.size[0], -f.padding[0]], [expected.size, expected.start], body);
    }),
    { numRuns: 300, seed: 7 },
  );
});

test.run();
