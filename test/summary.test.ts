/**
 * `alexc summary`: FLOPs, activations, the training-memory estimate worked out by hand on a small
 * model and for each optimizer, the seed's figures, and the command's text and JSON output.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSource } from "../src/check/check-spec.js";
import { details } from "../src/views/analysis/details.js";
import { formatBytes, optimizerSlots, trainingMemory } from "../src/views/analysis/memory.js";
import { runCli, specText } from "./support.js";

// 1×4×4 → conv 2×3×3 → 2×2×2 → flatten 8 → dense 3. Params 2·1·9 + 2 = 20 and 8·3 + 3 = 27.
const small = (optimizer: string): string =>
  `model m {\ninput 1x4x4\na: conv(2, kernel=3)\nflatten\nb: dense(3)\ntrain { optimizer = ${optimizer}\n batch = 4 }\n}\n`;

const slots: Array<[string, number]> = [
  ["sgd(lr=0.1)", 0],
  ["sgd(lr=0.1, momentum=0.9)", 1],
  ["adam(lr=0.001)", 2],
  ["rmsprop(lr=0.01)", 2],
];

for (const [optimizer, k] of slots) {
  test(`training memory by hand: ${optimizer} keeps ${k} value(s) per parameter`, () => {
    const m = trainingMemory(checkSource("m.anet", small(optimizer)).checked!, 4);
    assert.is(m.slots, k);
    assert.is(m.weights, 47n * 4n);
    assert.is(m.gradients, 47n * 4n);
    assert.is(m.optimizerState, BigInt(k) * 47n * 4n);
    // input 16 + conv 8 + flatten 8 + dense 3 = 35 values per image
    assert.is(m.activationValues, 35n);
    assert.is(m.activations, 4n * 35n * 4n);
    // the largest input+output pair is the conv's: 16 + 8
    assert.is(m.peakLayer, "a");
    assert.is(m.activationGradients, 4n * 24n * 4n);
    assert.is(m.total, m.weights + m.gradients + m.optimizerState + m.activations + m.activationGradients);
  });
}

test("an optimizer the estimate does not know is not counted, and says so", () => {
  assert.is(optimizerSlots("lamb", {}), undefined);
});

test("the seed's model: FLOPs are twice the MACs, the field of the conv stack is 195 with jump 32", () => {
  const d = details(checkSource("alexnet.anet", specText("alexnet.anet")).checked!, 32);
  assert.is(d.totals.flops, 622_383_648n);
  for (const l of d.layers) assert.is(l.flops, 2n * l.layer.macs);
  assert.is(d.lastSpatial!.layer.name, "features.12");
  assert.equal(
    [d.lastSpatial!.field.size, d.lastSpatial!.field.jump],
    [
      [195, 195],
      [32, 32],
    ],
  );
  // 16,630,440 params × 4 B, and 4 × that for weights, gradients and Adam's two moments.
  assert.is(d.totals.parameterBytes, 66_521_760n);
  assert.is(d.memory.weights + d.memory.gradients + d.memory.optimizerState, 4n * 66_521_760n);
  // features.0's 48×55×55 output is 145,200 values.
  assert.is(d.layers[0]!.activations, 145_200n);
});

test("formatBytes uses binary units", () => {
  assert.equal([0n, 1023n, 1024n, 66_521_760n, 5n * 2n ** 30n].map(formatBytes), ["0 B", "1023 B", "1.0 KiB", "63.4 MiB", "5.0 GiB"]);
});

test("alexc summary: the fuller table, the receptive field and the memory estimate", () => {
  const r = runCli(["summary", "specs/alexnet.anet", "--batch", "8"]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /FLOPs = 2 × MACs/);
  assert.match(r.stdout, /layer +kind +settings +output +params +MACs +FLOPs +act\/image +RF +jump/);
  assert.match(
    r.stdout,
    /features\.0 +conv +48, kernel 11, stride 4, padding 2 +48×55×55 +17,472 +52,707,600 +105,415,200 +567\.2 KiB +11 +4\n/,
  );
  assert.match(r.stdout, /features\.12 +maxpool .* 195 +32\n/);
  assert.match(r.stdout, /classifier\.6 +dense .* all +—\n/);
  assert.match(r.stdout, /total +1000 +16,630,440 +311,191,824 +622,383,648/);
  assert.match(r.stdout, /receptive field of features\.12 \(maxpool, the last feature map\): 195 px, jump 32 px, effective padding 66 px/);
  assert.match(r.stdout, /training memory at batch 8, float32/);
  assert.match(r.stdout, /optimizer state +126\.9 MiB +adam: 2 values per parameter/);
  assert.match(r.stderr, /1 spec: 0 errors, 1 warning/);
});

test("alexc summary --format json: the same figures, machine-readable", () => {
  const r = runCli(["summary", "specs/alexnet.anet", "--format", "json", "--set", "num_classes=5"]);
  assert.is(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal([doc.version, doc.flopsPerMac, doc.bytesPerValue], [1, 2, 4]);
  const f = doc.files[0];
  assert.equal(f.params, { num_classes: 5 });
  assert.equal(f.diagnostics, { errors: 0, warnings: 1 });
  assert.equal(f.totals.params, 14_591_685);
  assert.equal(f.totals.flops, 2 * 309_154_064);
  const pool = f.layers.find((l: { name: string }) => l.name === "features.12");
  assert.equal(pool.receptiveField, { size: [195, 195], jump: [32, 32], padding: [66, 66] });
  assert.is(f.layers.at(-1).receptiveField, "global");
  assert.is(f.trainingMemory.batch, 32);
  assert.is(f.trainingMemory.optimizerSlots, 2);
  assert.is(r.stderr, "");
});

test("alexc summary: usage errors exit 2", () => {
  assert.is(runCli(["summary", "specs/alexnet.anet", "--batch", "0"]).status, 2);
  assert.is(runCli(["summary", "specs/alexnet.anet", "--batch", "many"]).status, 2);
  assert.is(runCli(["summary", "nope.anet"]).status, 2);
});

test("alexc summary on a spec with errors: the layers up to the error, exit 1", () => {
  const r = runCli(["summary", "test/fixtures/diagnostics/input-too-small.anet"]);
  assert.is(r.status, 1);
  assert.match(r.stdout, /features\.11 +relu/);
  assert.not.match(r.stdout, /features\.12 +maxpool/);
  assert.match(r.stderr, /error\[E0202\]/);
});

test.run();
