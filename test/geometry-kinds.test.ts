/**
 * The geometry kinds of issue 16 in the compiler (their numbers against PyTorch are in
 * torch-geometry.test.ts): adaptive pooling's fixed output in the checker, the input scan and the
 * receptive field; pad's forms and its E0130 / E0220; conv's dilation (shape rule, receptive field,
 * MACs) and bias=false; dense's bias=false; and which tfjs layers each lowers to.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs";
import { assertSavesAndLoads } from "./serialisation.js";
import { checkSource } from "../src/check/check-spec.js";
import { lowerModel } from "../src/lower/fuse.js";
import { scanInputs } from "../src/check/valid-inputs.js";
import { receptiveFields } from "../src/views/analysis/receptive-field.js";
import type { TfjsLayer } from "../src/layers/kind.js";
import * as alexc from "../src/runtime/layers.js";
import { selectBackend } from "../src/runtime/index.js";
import { runCli } from "./support.js";

const spec = (body: string, input = "3x13x13") => checkSource("t.anet", `model t {\n  input ${input}\n  ${body}\n  flatten\n}\n`);

function checked(body: string, input?: string) {
  const r = spec(body, input);
  assert.ok(r.checked?.complete, JSON.stringify(r.diagnostics.map((d) => `${d.code} ${d.message}`)));
  return r.checked!;
}

const codes = (body: string, input?: string) => spec(body, input).diagnostics.map((d) => d.code);

/** The tfjs factories each spec layer lowers to, `alexc.` for runtime layers. */
function factories(body: string, input?: string): string[][] {
  return lowerModel(checked(body, input)).layers.map((l) =>
    (l.steps as TfjsLayer[]).map((s) => `${s.runtime ? "alexc." : ""}${s.factory}`),
  );
}

test("adaptive pooling: the output is `out` whatever the input, channels kept", () => {
  for (const input of ["3x13x13", "3x1x1", "3x100x7"]) {
    const c = checked("adaptive_avgpool(6)", input);
    assert.equal(c.layers[0]!.output, { rank: "chw", c: 3, h: 6, w: 6 });
  }
  assert.equal(checked("adaptive_maxpool({h: 2, w: 5})").layers[0]!.output, { rank: "chw", c: 3, h: 2, w: 5 });
  assert.ok(codes("flatten\n  adaptive_avgpool(6)").includes("E0203"));
});

test("adaptive pooling lowers to tfjs pooling where out divides the input, else to alexc.adaptivePool2d", () => {
  assert.equal(factories("adaptive_avgpool(6)", "3x12x12")[0], ["averagePooling2d"]);
  assert.equal(factories("adaptive_maxpool(3x2)", "3x12x12")[0], ["maxPooling2d"]);
  assert.equal(factories("adaptive_avgpool(6)", "3x13x13")[0], ["alexc.adaptivePool2d"]);
  assert.equal(factories("adaptive_maxpool(3)", "3x1x1")[0], ["alexc.adaptivePool2d"]);
  const step = lowerModel(checked("adaptive_avgpool(6)", "3x12x12")).layers[0]!.steps[0] as TfjsLayer;
  assert.equal(step.config, { poolSize: [2, 2], strides: [2, 2], padding: "valid" });
});

test("the input scan takes the adaptive pool's fixed size: a declared classifier fits every size the convs take", () => {
  const c = checked("conv(4, kernel=3, stride=2)\n  adaptive_avgpool(6)\n  flatten\n  dense(4*6*6 -> 10)", "3x64x64");
  const scan = scanInputs(c.model, "both", 300);
  // conv needs 3; from there the classifier always gets 4·6·6 (before the hook, only inputs giving a 6×6 conv output fit: 13 and 14).
  assert.equal(scan.validRanges, [[3, 300]]);
  assert.is(scan.smallestFit, 3);
});

test("receptive field: input-dependent after adaptive pooling, never a number", () => {
  const c = checked("a: conv(4, kernel=3)\n  b: adaptive_avgpool(6)\n  c: conv(4, kernel=3, padding=1)", "3x32x32");
  const [a, b, last] = receptiveFields(c);
  assert.equal([a!.size, a!.inputDependent], [[3, 3], undefined]);
  assert.ok(b!.inputDependent && last!.inputDependent);
  const r = runCli(["summary", "--format", "json", "specs/torchvision-alexnet.anet"]);
  assert.is(r.status, 0, r.stderr);
  const layers = (JSON.parse(r.stdout) as { files: Array<{ layers: Array<{ name: string; receptiveField: unknown }> }> }).files[0]!.layers;
  assert.is(layers.find((l) => l.name === "avgpool")!.receptiveField, "input-dependent");
  assert.equal((layers.find((l) => l.name === "features.12")!.receptiveField as { size: number[] }).size, [195, 195]);
  const text = runCli(["summary", "specs/torchvision-alexnet.anet"]).stdout;
  assert.match(text, /avgpool +adaptive_avgpool .* varies +varies/);
  assert.match(text, /depends on the input size .*; before it, features\.12 sees 195 px, jump 32 px/);
});

test("pad: P, [P1, P2], {h, w} and PyTorch's four sides; zero lowers to zeroPadding2d, reflect and replicate to alexc.edgePadding2d", () => {
  const out = (body: string) => checked(body, "2x5x6").layers[0]!.output;
  assert.equal(out("pad(1)"), { rank: "chw", c: 2, h: 7, w: 8 });
  assert.equal(out("pad([1, 2])"), { rank: "chw", c: 2, h: 8, w: 9 });
  assert.equal(out("pad({h: 0, w: [3, 1]})"), { rank: "chw", c: 2, h: 5, w: 10 });
  assert.equal(out("pad(left=1, right=2, top=3, bottom=0, mode=replicate)"), { rank: "chw", c: 2, h: 8, w: 9 });
  assert.equal(factories("pad(left=1, top=2)", "2x5x6")[0], ["zeroPadding2d"]);
  const [step] = lowerModel(checked("pad(left=1, top=2, mode=reflect)", "2x5x6")).layers[0]!.steps as TfjsLayer[];
  assert.equal(step!.config, {
    padding: [
      [2, 0],
      [1, 0],
    ],
    mode: "reflect",
  });
  assert.equal(factories("pad(1, mode=replicate)", "2x5x6")[0], ["alexc.edgePadding2d"]);
  assert.equal(checked("pad(1)", "2x5x6").layers[0]!.params, 0n);
});

test("pad: amounts given twice are E0130, as `same` E0131; an unknown mode is E0106", () => {
  assert.ok(codes("pad(1, left=2)").includes("E0130"));
  assert.ok(codes("pad(same)").includes("E0131"));
  assert.ok(codes("pad(1, mode=mirror)").includes("E0106"));
});

test("pad: reflect wider than the input is E0220 naming the layer (PyTorch refuses it too); the input scan knows the minimum", () => {
  const r = spec("conv(4, kernel=3)\n  p: pad(left=3, mode=reflect)", "3x5x5");
  const e = r.diagnostics.find((d) => d.code === "E0220");
  assert.ok(
    e && e.message.includes("p (pad)") && e.message.includes("width of only 3"),
    JSON.stringify(r.diagnostics.map((d) => d.message)),
  );
  assert.not.ok(codes("pad(left=2, mode=reflect)", "3x3x3").includes("E0220"));
  assert.not.ok(codes("conv(4, kernel=3)\n  pad(left=3, mode=replicate)", "3x5x5").includes("E0220"));
  const c = checked("pad(left=3, mode=reflect)", "3x8x8");
  assert.is(scanInputs(c.model, "both", 20).smallestFit, 4);
});

test("conv dilation: N = floor((W + P1 + P2 − d(F − 1) − 1)/S) + 1, the field spans d(F − 1) + 1, MACs count the F×F taps", () => {
  const c = checked("a: conv(4, kernel=3, dilation=2)\n  b: conv(4, kernel=3, stride=2, padding=1, dilation=3)", "3x13x13");
  // a: (13 − 2·2 − 1)/1 + 1 = 9; b: floor((9 + 2 − 3·2 − 1)/2) + 1 = 3
  assert.equal(c.layers[0]!.output, { rank: "chw", c: 4, h: 9, w: 9 });
  assert.equal(c.layers[1]!.output, { rank: "chw", c: 4, h: 3, w: 3 });
  assert.is(c.layers[0]!.macs, 4n * 9n * 9n * 3n * 9n);
  assert.is(c.layers[0]!.params, 4n * 3n * 9n + 4n);
  const [a, b] = receptiveFields(c);
  assert.equal(
    [a!.size, b!.size, b!.jump],
    [
      [5, 5],
      [5 + 6, 5 + 6],
      [2, 2],
    ],
  );
  assert.ok(codes("conv(4, kernel=3, dilation=7)", "3x13x13").includes("E0202"));
});

test("conv dilation lowers to alexc.dilatedConv2d at any stride (tfjs's dilated conv has no gradient); dilation 1 stays conv2d", () => {
  assert.equal(factories("conv(4, kernel=3, stride=2, dilation=2)")[0], ["alexc.dilatedConv2d"]);
  assert.equal(factories("conv(4, kernel=3, padding=2, dilation=2)")[0], ["zeroPadding2d", "alexc.dilatedConv2d"]);
  assert.equal(factories("conv(4, kernel=3)")[0], ["conv2d"]);
  const steps = lowerModel(checked("conv(4, kernel=3, dilation=2)\n  relu")).layers[0]!.steps as TfjsLayer[];
  assert.is(steps[0]!.config["activation"], "relu", "relu fuses into the dilated conv");
});

test("bias=false: conv and dense drop the bias from params, config and initializers", () => {
  const c = checked("conv(4, kernel=3, bias=false)\n  flatten\n  dense(5, bias=false)", "3x5x5");
  assert.is(c.layers[0]!.params, 4n * 3n * 9n);
  assert.is(c.layers[2]!.params, 4n * 3n * 3n * 5n);
  const lowered = lowerModel(c).layers;
  for (const i of [0, 2]) {
    const step = (lowered[i]!.steps as TfjsLayer[]).at(-1)!;
    assert.is(step.config["useBias"], false);
    assert.equal(Object.keys(step.initializers ?? {}), ["kernelInitializer"]);
  }
  assert.match(c.layers[0]!.settings, /no bias/);
});

test("the new runtime layers save and load back through tfjs serialisation with the same outputs", async () => {
  await selectBackend("cpu", () => {});
  const input = tf.input({ shape: [7, 6, 2] });
  let x = alexc
    .edgePadding2d({
      name: "reflect",
      padding: [
        [2, 1],
        [0, 3],
      ],
      mode: "reflect",
    })
    .apply(input) as tf.SymbolicTensor;
  x = alexc
    .edgePadding2d({
      name: "replicate",
      padding: [
        [1, 0],
        [2, 2],
      ],
      mode: "replicate",
    })
    .apply(x) as tf.SymbolicTensor;
  x = alexc
    .dilatedConv2d({ name: "dilated", filters: 3, kernelSize: [3, 2], strides: [2, 1], dilationRate: [2, 3], activation: "relu" })
    .apply(x) as tf.SymbolicTensor;
  x = alexc.adaptivePool2d({ name: "adaptive", outputSize: [3, 4], mode: "max" }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  // 7×6 padded to 10×9, then 11×13; the dilated kernel spans 5×4: (11 − 5)/2 + 1 = 4, 13 − 4 + 1 = 10
  assert.equal(model.getLayer("dilated").outputShape, [null, 4, 10, 3]);
  assert.equal(model.getLayer("adaptive").outputShape, [null, 3, 4, 3]);
  const data = tf.randomNormal([2, 7, 6, 2]);
  try {
    await assertSavesAndLoads(model, data, ["alexc.EdgePadding2D", "alexc.DilatedConv2D", "alexc.AdaptivePool2D"]);
  } finally {
    data.dispose();
    model.dispose();
  }
});

test("spec hash: conv and dense at the new arguments' defaults hash as before they existed; a different value changes it", async () => {
  const { specHash } = await import("../src/lower/spec-hash.js");
  const hash = (body: string) => specHash(checked(body, "3x8x8"));
  const plain = hash("conv(4, kernel=3)\n  flatten\n  dense(5)");
  assert.is(hash("conv(4, kernel=3, dilation=1, bias=true)\n  flatten\n  dense(5, bias=true)"), plain);
  assert.is.not(hash("conv(4, kernel=3, bias=false)\n  flatten\n  dense(5)"), plain);
  assert.is.not(hash("conv(4, kernel=3, dilation=2)\n  flatten\n  dense(5)"), plain);
  assert.is.not(hash("conv(4, kernel=3)\n  flatten\n  dense(5, bias=false)"), plain);
});
test.run();
