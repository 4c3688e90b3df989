/**
 * Portability warnings (W0310–W0313) and the new layer arguments: each fires where frameworks
 * disagree, names the layer, the frameworks and both results, and stays quiet where they agree,
 * so that specs without such problems (the seed's among them) do not start warning.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSource } from "../src/check/check-spec.js";
import { formatShape } from "../src/layers/kind.js";
import { ROOT } from "./support.js";

const spec = (input: string, body: string) => `model t {\n  input ${input}\n  ${body}\n  flatten\n}\n`;

// input, layers, the codes raised (errors and open warnings, in order), what the first must say.
const cases: Array<[string, string, string, string[], RegExp | undefined]> = [
  [
    "ceil mode keeps a partial window: PyTorch/Caffe 28, TensorFlow 27",
    "4x56x56",
    "maxpool(3, stride=2, ceil_mode=true)",
    ["W0310"],
    /^maxpool gives 28×28 in ceil mode but 27×27 in TensorFlow's floor mode$/,
  ],
  ["pytorch#57178: PyTorch 16 (ceil = floor), Caffe 17", "4x32x32", "maxpool(1, stride=2, ceil_mode=true)", ["W0301", "W0310"], undefined],
  ["ceil mode that tiles exactly: no warning", "4x55x55", "maxpool(3, stride=2, ceil_mode=true)", [], undefined],
  [
    "floor mode that drops a row: W0301 names Caffe's ceil result",
    "4x56x56",
    "maxpool(3, stride=2)",
    ["W0301"],
    /drops 1 row and 1 column/,
  ],
  [
    "same on a strided conv is asymmetric: 56 in TensorFlow, 55 symmetric",
    "3x224x224",
    "conv(8, kernel=11, stride=4, padding=same)",
    ["W0311"],
    /^conv padding=same pads \[3, 4\] here: 56×56 in TensorFlow, 55×55 with Caffe's or PyTorch's symmetric padding 3$/,
  ],
  ["same with an odd kernel and stride 1 is symmetric: no warning", "3x13x13", "conv(8, kernel=3, padding=same)", [], undefined],
  [
    "same with an even kernel: PyTorch's same agrees, integer padding cannot",
    "3x8x8",
    "conv(8, kernel=2, padding=same)",
    ["W0311"],
    /pads \[0, 1\] here: 8×8 in TensorFlow, 7×7 with Caffe's or PyTorch's symmetric padding 0/,
  ],
  [
    "same on a max-pool",
    "3x8x8",
    "maxpool(3, stride=2, padding=same)",
    ["W0311"],
    /^maxpool padding=same pads \[0, 1\] here: 4×4 in TensorFlow, 3×3 with/,
  ],
  ["valid is no padding", "3x8x8", "conv(8, kernel=3, stride=2, padding=valid)", ["W0301"], /drops 1 row and 1 column/],
  [
    "lrn with a written alpha names the alpha convention",
    "8x4x4",
    "lrn(5, alpha=1e-4)",
    ["W0312"],
    /^lrn alpha=0\.0001 is divided by size 5 in PyTorch and Caffe, but not in the AlexNet paper or TensorFlow$/,
  ],
  ["lrn with PyTorch's default alpha: nothing copied, no warning", "8x4x4", "lrn(5)", [], undefined],
  ["lrn with an even size warns even with the default alpha", "8x4x4", "lrn(2)", ["W0312"], undefined],
  ["lrn with an even size also names the lopsided window", "8x4x4", "lrn(4, alpha=0.5)", ["W0312"], undefined],
  [
    "acknowledged portability warnings are not open",
    "4x56x56",
    'maxpool(3, stride=2, ceil_mode=true) allow ceil_mode "a Caffe model"',
    [],
    undefined,
  ],
  ["lrn k must be positive", "8x4x4", "lrn(5, k=0)", ["E0111"], /k must be greater than 0, got 0/],
  ["lrn alpha must not be negative", "8x4x4", "lrn(5, alpha=-1)", ["E0111"], /alpha must be at least 0, got -1/],
  ["ceil_mode takes true or false", "4x8x8", "maxpool(2, ceil_mode=1)", ["E0106"], /ceil_mode takes true or false/],
  [
    "groups must divide the output channels too",
    "4x8x8",
    "conv(6, kernel=1, groups=4)",
    ["E0210"],
    /^conv has groups=4, but its 6 output channels are not divisible by 4$/,
  ],
  [
    "groups dividing neither",
    "6x8x8",
    "conv(9, kernel=1, groups=4)",
    ["E0210"],
    /its 6 input and 9 output channels are not divisible by 4/,
  ],
];

for (const [what, input, body, codes, first] of cases) {
  test(`${what}: ${codes.join(", ") || "nothing"}`, () => {
    const r = checkSource("t.anet", spec(input, body));
    const open = r.diagnostics.filter((d) => d.acknowledged === undefined);
    assert.equal(
      open.map((d) => d.code),
      codes,
    );
    if (first) assert.match(open[0]!.message, first);
  });
}

test("W0310 for pytorch#57178 names both results and the rule", () => {
  const r = checkSource("t.anet", spec("4x32x32", "maxpool(1, stride=2, ceil_mode=true)"));
  const w = r.diagnostics.find((d) => d.code === "W0310")!;
  assert.is(w.message, "maxpool gives 16×16 in PyTorch but 17×17 in Caffe");
  assert.match(
    w.notes.join("\n"),
    /Caffe gives 17×17: it drops a last window that starts past the input only when the layer has padding, and PyTorch always does \(pytorch#57178\)/,
  );
  assert.match(w.notes.join("\n"), /pads the bottom\/right with −∞/);
});

test("W0311 on a strided conv says PyTorch's same rejects it, and gives the explicit padding", () => {
  const r = checkSource("t.anet", spec("3x224x224", "conv(8, kernel=11, stride=4, padding=same)"));
  const w = r.diagnostics.find((d) => d.code === "W0311")!;
  assert.match(w.notes.join("\n"), /TensorFlow's rule pads \(ceil\(224 \/ 4\) − 1\) × 4 \+ 11 − 224 = 7, split \[3, 4\]/);
  assert.match(w.notes.join("\n"), /PyTorch's padding='same' rejects strided convolutions/);
  assert.match(w.help!, /write padding=\[3, 4\] .*nn\.ZeroPad2d\(\(3, 4, 3, 4\)\)/);
  assert.is(r.checked!.layers[0]!.settings, "8, kernel 11, stride 4, padding same [3, 4]");
  assert.is(formatShape(r.checked!.layers[0]!.output), "8×56×56");
});

test("a parameter named same is a number, not the padding mode", () => {
  const r = checkSource("t.anet", "model t {\n  param same = 1\n  input 3x8x8\n  conv(4, kernel=3, padding=same)\n  flatten\n}\n");
  assert.equal(r.diagnostics, []);
  assert.is(formatShape(r.checked!.layers[0]!.output), "4×8×8");
});

test("W0312 for an even size: PyTorch's window is lopsided, Caffe and TensorFlow refuse it", () => {
  const r = checkSource("t.anet", spec("8x4x4", "lrn(4, alpha=0.5)"));
  const w = r.diagnostics.find((d) => d.code === "W0312")!;
  assert.match(
    w.notes.join("\n"),
    /size 4 is even: PyTorch sums 2 channels before and 1 after each channel; Caffe and TensorFlow accept only odd sizes/,
  );
  assert.match(w.help!, /write alpha=2/);
});

test("W0313 explains a declared size that a nearby, exactly tiled input fits; without one it stays quiet", () => {
  const paper = readFileSync(join(ROOT, "specs", "alexnet-paper.anet"), "utf8");
  const declared = checkSource("p.anet", paper.replace("param size: int = 227", "param size: int = 224"));
  assert.equal(
    declared.diagnostics.filter((d) => d.code === "E0201" || d.code === "W0313").map((d) => d.code),
    ["W0313", "E0201"],
  );
  const undeclared = checkSource(
    "p.anet",
    paper.replace("param size: int = 227", "param size: int = 224").replace("dense(256*6*6 -> 4096)", "dense(4096)"),
  );
  assert.equal(
    undeclared.diagnostics.filter((d) => d.severity === "error"),
    [],
    "without declared in-features 224 checks",
  );
  assert.not.ok(
    undeclared.diagnostics.some((d) => d.code === "W0313"),
    "nothing says 227 was meant; W0301 names the sizes that tile",
  );
  assert.match(undeclared.diagnostics.find((d) => d.code === "W0301")!.help!, /an input of 223 or 227 divides exactly/);
  assert.not.ok(checkSource("p.anet", paper).diagnostics.some((d) => d.code === "W0313"));
});

test("W0313 is quiet when declared in-features pin the count this input gives", () => {
  const r = checkSource(
    "t.anet",
    'model t {\n  input 3x32x32\n  conv(16, kernel=3, stride=2) allow inexact "floored on purpose"\n  flatten\n  dense(16*15*15 -> 10)\n}\n',
  );
  assert.equal(
    r.diagnostics.filter((d) => d.acknowledged === undefined),
    [],
  );
});

for (const file of readdirSync(join(ROOT, "specs")).filter((f) => f.endsWith(".anet"))) {
  test(`specs/${file} raises no open portability warning`, () => {
    const r = checkSource(file, readFileSync(join(ROOT, "specs", file), "utf8"));
    const portability = r.diagnostics.filter((d) => /^W031\d$/.test(d.code) && d.acknowledged === undefined);
    assert.equal(portability, []);
  });
}

test.run();
