/**
 * The compiler side of batchnorm, the activations and softmax: shape rules, the params split
 * (trainable vs running statistics) in check, summary, JSON and the memory estimate, `init`'s
 * norm_weight and norm_bias, W0330 for a softmax that is not last, the final softmax's identity
 * lowering, and the spec hash of models without batchnorm left as before norm_weight existed.
 * Numbers against PyTorch are in norm-parity.test.ts and vgg-lenet-specs.test.ts.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSource } from "../src/check/check-spec.js";
import type { CheckedModel } from "../src/check/check.js";
import { lowerModel } from "../src/lower/fuse.js";
import { specHash } from "../src/lower/spec-hash.js";
import { layerTable } from "../src/views/check-report.js";
import { details } from "../src/views/analysis/details.js";
import { summaryDocument, summaryText } from "../src/views/summary.js";
import { emitModel } from "../src/emit/emit.js";
import { specText } from "./support.js";

function check(text: string) {
  return checkSource("t.anet", text);
}
function checked(text: string): CheckedModel {
  const r = check(text);
  assert.ok(r.checked?.complete, JSON.stringify(r.diagnostics.map((d) => `${d.code} ${d.message}`)));
  return r.checked!;
}
const codes = (text: string) => check(text).diagnostics.map((d) => d.code);

const BN =
  "model m {\n  input 3x8x8\n  conv(4, kernel=3)\n  batchnorm\n  relu\n  flatten\n  dense(5)\n  batchnorm(eps=1e-3, momentum=0.3)\n  dense(2)\n}\n";

test("batchnorm: 2·C trainable and 2·C running statistics, on a feature map (BatchNorm2d) and a vector (BatchNorm1d)", () => {
  const c = checked(BN);
  const [bn2d, bn1d] = c.layers.filter((l) => l.kind === "batchnorm");
  assert.equal([bn2d!.params, bn2d!.nonTrainableParams, bn2d!.macs], [16n, 8n, 4n * 6n * 6n]);
  assert.equal([bn1d!.params, bn1d!.nonTrainableParams, bn1d!.macs], [20n, 10n, 5n]);
  assert.is(c.totals.nonTrainableParams, 18n);
  assert.equal(bn1d!.output, { rank: "flat", n: 5 });
  assert.is(bn1d!.settings, "eps 0.001, momentum 0.3");
  const noAffine = checked("model m {\n  input 3x4x4\n  batchnorm(affine=false)\n  flatten\n}\n").layers[0]!;
  assert.equal([noAffine.params, noAffine.nonTrainableParams, noAffine.settings], [6n, 6n, "no affine"]);
});

test("batchnorm: eps ≤ 0 and momentum outside [0, 1] are E0111 at the argument", () => {
  const r = check("model m {\n  input 3x4x4\n  batchnorm(eps=0, momentum=1.5)\n  flatten\n}\n");
  const errors = r.diagnostics.filter((d) => d.code === "E0111").map((d) => d.message);
  assert.equal(errors, ["batchnorm: eps must be greater than 0, got 0", "batchnorm: momentum must be between 0 and 1, got 1.5"]);
});

test("check, summary and JSON count running statistics apart; the memory estimate gives them no gradients or optimizer slots", () => {
  const c = checked(BN);
  assert.match(layerTable(c), /total params 885 \(867 trainable, 18 running statistics\)/);
  const plain = checked("model m {\n  input 3x8x8\n  conv(4, kernel=3)\n  flatten\n}\n");
  assert.not.match(layerTable(plain), /trainable/);
  const d = details(c, 4);
  assert.match(summaryText(d), /\(867 trainable, 18 running statistics\)/);
  assert.match(summaryText(d), /gradients .* one per trained weight \(no running statistics\)/);
  const json = JSON.parse(summaryDocument([{ file: "t.anet", analysis: d, diagnostics: { errors: 0, warnings: 0 } as never }]));
  const model = json.models?.[0] ?? json.files?.[0] ?? json;
  const bn = model.layers.find((l: { kind: string }) => l.kind === "batchnorm");
  assert.equal([bn.params, bn.trainableParams, bn.nonTrainableParams], [16, 8, 8]);
  assert.equal([model.totals.params, model.totals.trainableParams, model.totals.nonTrainableParams], [885, 867, 18]);
  // adam: weights of all 885, gradients and two slots of the 867 trained.
  assert.equal([d.memory.weights, d.memory.gradients, d.memory.optimizerState], [885n * 4n, 867n * 4n, 2n * 867n * 4n]);
});

test("vgg11-bn: torchvision's 132,868,840 trainable params and 5,504 running statistics", () => {
  const c = checked(specText("vgg11-bn.anet"));
  assert.is(c.totals.params - c.totals.nonTrainableParams, 132_868_840n);
  assert.is(c.totals.nonTrainableParams, 5_504n);
  assert.is(checked(specText("vgg11.anet")).totals.params, 132_863_336n);
  assert.is(checked(specText("lenet5.anet")).totals.params, 61_706n);
});

test("init's norm_weight and norm_bias set batchnorm's γ and β (default 1 and 0, as PyTorch); fan-based choices are refused", () => {
  const lowered = (text: string) =>
    lowerModel(checked(text)).layers.find((l) => l.layer.kind === "batchnorm")!.steps[0] as {
      initializers?: Record<string, { fn: string; args: unknown }>;
    };
  const base = "model m {\n  input 3x4x4\n  batchnorm\n  flatten\n";
  const defaults = lowered(base + "}\n").initializers!;
  assert.equal([defaults["gammaInitializer"]!.fn, defaults["betaInitializer"]!.fn], ["ones", "zeros"]);
  const set = lowered(
    base + "  init {\n    norm_weight = normal(mean=1, std=0.02)\n    norm_bias = constant(value=0.1)\n  }\n}\n",
  ).initializers!;
  assert.equal(set["gammaInitializer"], { fn: "randomNormal", args: { mean: 1, stddev: 0.02 }, describe: "N(1, 0.02²)" });
  assert.equal(set["betaInitializer"]!.args, { value: 0.1 });
  assert.ok(
    codes(base + "  init {\n    norm_weight = kaiming_normal\n  }\n}\n").some((c) => c.startsWith("E")),
    "kaiming on a vector is refused",
  );
  const noAffine = lowered("model m {\n  input 3x4x4\n  batchnorm(affine=false)\n  flatten\n}\n");
  assert.is(noAffine.initializers, undefined);
});

test("the spec hash takes norm_weight and norm_bias only where a layer reads them", () => {
  const plain = "model m {\n  input 3x4x4\n  conv(2, kernel=3)\n  flatten\n";
  const withBn = "model m {\n  input 3x4x4\n  conv(2, kernel=3)\n  batchnorm\n  flatten\n";
  const init = "  init {\n    norm_weight = constant(value=0.5)\n  }\n";
  assert.is(specHash(checked(plain + "}\n")), specHash(checked(plain + init + "}\n")));
  assert.is.not(specHash(checked(withBn + "}\n")), specHash(checked(withBn + init + "}\n")));
});

test("activations keep the shape and have no params; leaky_relu and elu take PyTorch's defaults", () => {
  const c = checked(
    "model m {\n  input 2x3x3\n  tanh\n  sigmoid\n  leaky_relu\n  elu\n  gelu\n  leaky_relu(0.2)\n  elu(alpha=0.5)\n  flatten\n}\n",
  );
  assert.ok(c.layers.slice(0, 7).every((l) => l.params === 0n && l.output.rank === "chw" && l.output.c === 2));
  assert.equal(
    c.layers.slice(2, 7).map((l) => l.settings),
    ["slope 0.01", "", "", "slope 0.2", "alpha 0.5"],
  );
  const steps = lowerModel(c).layers.map((l) => l.steps[0] as { factory: string; runtime?: boolean; config: Record<string, unknown> });
  assert.equal(
    steps.slice(0, 7).map((s) => [s.factory, s.runtime ?? false, s.config]),
    [
      ["activation", false, { activation: "tanh" }],
      ["activation", false, { activation: "sigmoid" }],
      ["leakyReLU", false, { alpha: 0.01 }],
      ["activation", false, { activation: "elu" }],
      ["activation", false, { activation: "gelu" }],
      ["leakyReLU", false, { alpha: 0.2 }],
      // tfjs-layers' ELU refuses alpha ≠ 1.
      ["elu", true, { alpha: 0.5 }],
    ],
  );
});

test("softmax: last layer lowers to an identity (the loss and predict apply it); a flatten after it is still last", () => {
  for (const tail of ["", "  flatten\n"]) {
    const r = check(`model m {\n  input 2x3x3\n  flatten\n  dense(4)\n  softmax\n${tail}}\n`);
    assert.equal(
      r.diagnostics.map((d) => d.code),
      [],
    );
    const sm = lowerModel(r.checked!).layers.find((l) => l.layer.kind === "softmax")!;
    assert.equal(sm.steps, [{ factory: "activation", suffix: "", config: { activation: "linear" } }]);
    assert.match(sm.note!, /the loss and predict apply softmax/);
  }
  const code = emitModel(
    checked("model m {\n  input 2x3x3\n  flatten\n  dense(4)\n  softmax\n}\n"),
    check("model m {\n}\n").file,
  ).files.get("model.ts")!;
  assert.match(code, /softmax \| 4 -> 4 \| identity: the loss and predict apply softmax to the logits/);
});

test("softmax before other layers is W0330 (applied as written), acknowledgeable; on a feature map it is E0203", () => {
  const text = (allow: string) => `model m {\n  input 2x3x3\n  flatten\n  softmax${allow}\n  dense(4)\n}\n`;
  const r = check(text(""));
  const w = r.diagnostics.find((d) => d.code === "W0330")!;
  assert.ok(w, JSON.stringify(r.diagnostics));
  assert.is(w.message, "softmax is not the last layer: dense follows it");
  assert.match(w.help!, /allow softmax_not_last/);
  const sm = lowerModel(r.checked!).layers.find((l) => l.layer.kind === "softmax")!;
  assert.equal(sm.steps, [{ factory: "softmax", suffix: "", config: { axis: -1 } }]);
  const acknowledged = check(text(' allow softmax_not_last "attention weights"')).diagnostics.find((d) => d.code === "W0330")!;
  assert.is(acknowledged.acknowledged, "attention weights");
  assert.ok(codes("model m {\n  input 2x3x3\n  softmax\n  flatten\n}\n").includes("E0203"));
});

test.run();
