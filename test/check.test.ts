/** The shape checker on the seed's networks: every figure from ../shared/reference/alexnet-pytorch.md. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSource } from "../src/check/check-spec.js";
import { formatShape } from "../src/layers/kind.js";
import { specText } from "./support.js";
import { Rational } from "../src/resolve/rational.js";

const seedShapes = [
  "48×55×55",
  "48×27×27",
  "128×27×27",
  "128×13×13",
  "192×13×13",
  "192×13×13",
  "128×13×13",
  "128×6×6",
  "4608",
  "2048",
  "2048",
];

const references = [
  {
    spec: "alexnet.anet",
    set: [],
    params: 16_630_440n,
    macs: 311_191_824n,
    shapes: [...seedShapes, "1000"],
    // features.0, features.3, features.6, features.8, features.10, classifier.1, .4, .6
    layerParams: [17_472n, 153_728n, 221_376n, 331_968n, 221_312n, 9_439_232n, 4_196_352n, 2_049_000n],
    layerMacs: [52_707_600n, 111_974_400n, 37_380_096n, 56_070_144n, 37_380_096n, 9_437_184n, 4_194_304n, 2_048_000n],
  },
  {
    spec: "alexnet.anet",
    set: [{ name: "num_classes", value: Rational.int(5), origin: "test" }],
    params: 14_591_685n,
    macs: 309_154_064n,
    shapes: [...seedShapes, "5"],
    layerParams: [17_472n, 153_728n, 221_376n, 331_968n, 221_312n, 9_439_232n, 4_196_352n, 10_245n],
    layerMacs: [52_707_600n, 111_974_400n, 37_380_096n, 56_070_144n, 37_380_096n, 9_437_184n, 4_194_304n, 10_240n],
  },
  {
    spec: "alexnet-table.anet",
    set: [],
    params: 62_378_344n,
    macs: 1_135_256_096n,
    shapes: [
      "96×55×55",
      "96×27×27",
      "256×27×27",
      "256×13×13",
      "384×13×13",
      "384×13×13",
      "256×13×13",
      "256×6×6",
      "9216",
      "4096",
      "4096",
      "1000",
    ],
    layerParams: [34_944n, 614_656n, 885_120n, 1_327_488n, 884_992n, 37_752_832n, 16_781_312n, 4_097_000n],
    layerMacs: [105_415_200n, 447_897_600n, 149_520_384n, 224_280_576n, 149_520_384n, 37_748_736n, 16_777_216n, 4_096_000n],
  },
];

for (const ref of references) {
  test(`${ref.spec} ${ref.set.map((s) => `${s.name}=${s.value}`).join(" ")} matches the PyTorch reference`, () => {
    const r = checkSource(ref.spec, specText(ref.spec), { overrides: ref.set });
    assert.is(r.diagnostics.filter((d) => d.severity === "error").length, 0);
    const c = r.checked!;
    assert.ok(c.complete);
    assert.is(c.totals.params, ref.params);
    assert.is(c.totals.macs, ref.macs);
    // Shapes of the layers PyTorch's hooks report: everything but relu and dropout.
    const reported = c.layers.filter((l) => l.kind !== "relu" && l.kind !== "dropout");
    assert.equal(
      reported.map((l) => formatShape(l.output)),
      ref.shapes,
    );
    const weighted = c.layers.filter((l) => l.params > 0n);
    assert.equal(
      weighted.map((l) => l.params),
      ref.layerParams,
    );
    assert.equal(
      weighted.map((l) => l.macs),
      ref.layerMacs,
    );
  });
}

test("PyTorch-style names: unnamed layers are numbered inside their block", () => {
  const c = checkSource("alexnet.anet", specText("alexnet.anet")).checked!;
  assert.equal(
    c.layers.filter((l) => l.params > 0n || l.kind === "maxpool" || l.kind === "flatten").map((l) => l.name),
    [
      "features.0",
      "features.2",
      "features.3",
      "features.5",
      "features.6",
      "features.8",
      "features.10",
      "features.12",
      "flatten",
      "classifier.1",
      "classifier.4",
      "classifier.6",
    ],
  );
});

test("the seed's padding=2 conv1 gets the inexact-division warning, and only conv1 does", () => {
  const r = checkSource("alexnet.anet", specText("alexnet.anet"));
  const warnings = r.diagnostics.filter((d) => d.code === "W0301");
  assert.is(warnings.length, 1);
  assert.match(warnings[0]!.message, /features\.0 \(conv\) drops 1 row and 1 column/);
  assert.match(warnings[0]!.notes.join("\n"), /\(224 − 11 \+ 2 \+ 2\) \/ 4 \+ 1 = floor\(54\.25\) \+ 1 = 55/);
  assert.match(warnings[0]!.help!, /padding=\[2, 1\] gives the same 55×55/);
  assert.match(warnings[0]!.help!, /223 or 227/);
});

test("the seed's table tiles every layer exactly: no warnings", () => {
  const r = checkSource("alexnet-table.anet", specText("alexnet-table.anet"));
  assert.equal(r.diagnostics, []);
});

// Table-driven shape rule: N = floor((W − F + P1 + P2) / S) + 1 per axis.
const windows: Array<[string, string, string]> = [
  ["conv(8, kernel=3)", "3x32x32", "8×30×30"],
  ["conv(8, kernel=3, padding=1)", "3x32x32", "8×32×32"],
  ["conv(8, kernel=11, stride=4, padding=[1, 2])", "3x224x224", "8×55×55"],
  ["conv(8, kernel=5x3, padding={h: 2, w: 1})", "3x20x20", "8×20×20"],
  ["conv(8, kernel=3, stride=2x1)", "3x9x9", "8×4×7"],
  ["conv(8, kernel=1)", "3x1x1", "8×1×1"],
  ["maxpool(3, stride=2)", "4x55x55", "4×27×27"],
  ["maxpool(2)", "4x7x7", "4×3×3"],
  ["maxpool(kernel=3, stride=2, padding=1)", "4x8x8", "4×4×4"],
  ["conv(2*4, kernel=1+2, stride=4/2)", "3x9x9", "8×4×4"],
];

for (const [layer, input, expected] of windows) {
  test(`shape: ${layer} on ${input} gives ${expected}`, () => {
    // The model ends in the feature map on purpose: E0204 (no class scores for training) is the only error.
    const r = checkSource("t.anet", `model t { input ${input}\n ${layer} }`);
    assert.equal(
      r.diagnostics.filter((d) => d.severity === "error").map((d) => d.code),
      ["E0204"],
      JSON.stringify(r.diagnostics),
    );
    assert.is(formatShape(r.checked!.output!), expected);
  });
}

// Each error case: the code raised, and the text it must point at.
const errors: Array<[string, string, string, string]> = [
  ["dense in-features mismatch", "input 3x8x8\nflatten\ndense(3*4*4 -> 10)", "E0201", "3*4*4"],
  ["empty output", "input 3x4x4\nconv(8, kernel=5)", "E0202", "conv(8, kernel=5)"],
  ["zero stride", "input 3x8x8\nconv(8, kernel=3, stride=0)", "E0111", "0"],
  ["negative padding", "input 3x8x8\nconv(8, kernel=3, padding=-1)", "E0111", "-1"],
  ["non-integer channels", "input 3x8x8\nconv(8/3, kernel=3)", "E0110", "8/3"],
  ["unknown parameter", "input 3x8x8\nconv(width, kernel=3)", "E0101", "width"],
  ["unknown layer kind", "input 3x8x8\nconvv(8, kernel=3)", "E0103", "convv"],
  ["unknown argument", "input 3x8x8\nconv(8, kernal=3)", "E0104", "kernal"],
  ["missing argument", "input 3x8x8\nconv(8)", "E0105", "conv(8)"],
  ["duplicate layer name", "input 3x8x8\na: relu\na: relu", "E0107", "a"],
  ["duplicate argument", "input 3x8x8\nconv(8, kernel=3, kernel=3)", "E0108", "kernel=3"],
  ["division by zero", "input 3x8x8\nconv(8/(2-2), kernel=3)", "E0109", "8/(2-2)"],
  ["missing input", "relu", "E0162", "t"],
  ["dense before flatten", "input 3x8x8\ndense(10)", "E0203", "dense"],
  ["conv after flatten", "input 3x8x8\nflatten\nconv(8, kernel=1)", "E0203", "conv"],
  ["dropout out of range", "input 3x8x8\ndropout(1.5)", "E0111", "1.5"],
  ["list where a number goes", "input 3x8x8\nconv([8, 9], kernel=3)", "E0106", "[8, 9]"],
  ["unknown allow", 'input 3x8x8\nrelu allow inexakt "x"', "E0116", "inexakt"],
  ["unknown train setting", "input 3x8x8\ntrain { epoch = 3 }", "E0113", "epoch"],
  ["unknown optimizer", "input 3x8x8\ntrain { optimizer = adamw(lr=0.1) }", "E0165", "adamw"],
  ["duplicate param", "param a = 1\nparam a = 2\ninput 3x8x8", "E0102", "a"],
  // Codes split from E0106 and E0111, one meaning each (issue 15).
  ["unknown parameter type", "param n: long = 8\ninput 3x8x8\nconv(n, kernel=3)", "E0118", "long"],
  ["function arity", "input 3x8x8\nconv(max(8), kernel=3)", "E0119", "max(8)"],
  ["allow without a reason", 'input 3x8x8\nconv(8, kernel=3, stride=2) allow inexact ""', "E0122", 'allow inexact ""'],
  ["number with too many digits", "input 3x8x8\nconv(8, kernel=1e999999)", "E0123", "1e999999"],
  ["model ends in a feature map", "input 3x8x8\nconv(8, kernel=3)", "E0204", "conv(8, kernel=3)"],
];

for (const [what, body, code, at] of errors) {
  test(`error: ${what} → ${code} at '${at}'`, () => {
    const text = `model t {\n${body}\n}\n`;
    const r = checkSource("t.anet", text);
    const d = r.diagnostics.find((x) => x.code === code);
    assert.ok(d, `expected ${code}, got ${JSON.stringify(r.diagnostics.map((x) => x.code))}`);
    assert.is(text.slice(d!.span!.start, d!.span!.end), at);
  });
}

test("all independent errors are reported in one run", () => {
  const r = checkSource("t.anet", "model t {\ninput 3x8x8\nconvv(8)\nconv(8, kernal=3)\nconv(q, kernel=3)\n}");
  assert.equal(
    r.diagnostics.map((d) => d.code),
    ["E0103", "E0104", "E0101"],
  );
});

test("allow acknowledges a warning; an allow that matches nothing is itself a warning", () => {
  const spec = (clause: string) => `model t { input 3x10x10\n conv(4, kernel=3, stride=2) ${clause}\n relu ${clause}\n}`;
  const r = checkSource("t.anet", spec(`allow inexact "floor like PyTorch"`));
  const inexact = r.diagnostics.find((d) => d.code === "W0301")!;
  assert.is(inexact.acknowledged, "floor like PyTorch");
  const unused = r.diagnostics.filter((d) => d.code === "W0302");
  assert.is(unused.length, 1);
  assert.match(unused[0]!.message, /^relu: `allow inexact` acknowledges nothing/);
});

test("input too small: the error names the smallest input that fits and the inputs matching the declared dense", () => {
  const text = specText("alexnet.anet").replace("input 3x224x224", "input 3x32x32");
  const r = checkSource("alexnet.anet", text);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  assert.is(errors.length, 1);
  const e = errors[0]!;
  assert.is(e.code, "E0202");
  assert.match(e.message, /^features\.12 \(maxpool\)/);
  assert.is(e.label, "output height would be 0");
  assert.match(e.notes.join("\n"), /smallest input for which every layer's output is non-empty is 63 \(3x63x63\)/);
  assert.match(e.help!, /inputs 223–254 match the declared 128\*6\*6 of classifier\.1/);
});

test("declared 128*5*5: the error names 3200, 4608 and the right expression", () => {
  const text = specText("alexnet.anet").replace("dense(128*6*6 -> 2048)", "dense(128*5*5 -> 2048)");
  const r = checkSource("alexnet.anet", text);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  assert.is(errors.length, 1);
  const e = errors[0]!;
  assert.is(e.code, "E0201");
  assert.is(text.slice(e.span!.start, e.span!.end), "128*5*5");
  assert.match(e.message, /declares 3200 in-features, but 4608 reach it/);
  assert.match(e.label!, /128\*5\*5 = 3200/);
  assert.match(e.notes.join("\n"), /flatten of features\.12 \(maxpool, output 128×6×6\) gives 128 × 6 × 6 = 4608/);
  assert.match(e.help!, /write 128\*6\*6/);
  assert.match(e.notes.join("\n"), /inputs 191–222 match the declared 128\*5\*5/);
});

test.run();
