/**
 * specs/alexnet-paper.anet, the paper's two-GPU AlexNet, against the PyTorch reference
 * (../shared/reference/alexnet-pytorch.md, "Paper AlexNet on two GPUs"), and what the CLI says about
 * it and about its two classic mistakes: a 224×224 input, and groups that do not divide the channels.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSource } from "../src/check/check-spec.js";
import { Rational } from "../src/resolve/rational.js";
import { formatShape } from "../src/layers/kind.js";
import { runCli, specText } from "./support.js";

// name, PyTorch module, output C×H×W, params, MACs: the reference table row by row.
const reference: Array<[string, string, string, bigint, bigint]> = [
  ["features.0", "conv", "96×55×55", 34_944n, 105_415_200n],
  ["features.2", "lrn", "96×55×55", 0n, 0n],
  ["features.3", "maxpool", "96×27×27", 0n, 0n],
  ["features.4", "conv", "256×27×27", 307_456n, 223_948_800n],
  ["features.6", "lrn", "256×27×27", 0n, 0n],
  ["features.7", "maxpool", "256×13×13", 0n, 0n],
  ["features.8", "conv", "384×13×13", 885_120n, 149_520_384n],
  ["features.10", "conv", "384×13×13", 663_936n, 112_140_288n],
  ["features.12", "conv", "256×13×13", 442_624n, 74_760_192n],
  ["features.14", "maxpool", "256×6×6", 0n, 0n],
  ["flatten", "flatten", "9216", 0n, 0n],
  ["classifier.1", "dense", "4096", 37_752_832n, 37_748_736n],
  ["classifier.4", "dense", "4096", 16_781_312n, 16_777_216n],
  ["classifier.6", "dense", "1000", 4_097_000n, 4_096_000n],
];

const paper = () => checkSource("specs/alexnet-paper.anet", specText("alexnet-paper.anet"));

test("the paper spec matches the PyTorch reference layer by layer: names, shapes, params, MACs", () => {
  const r = paper();
  assert.equal(
    r.diagnostics.filter((d) => d.severity === "error" || d.acknowledged === undefined),
    [],
  );
  const c = r.checked!;
  const reported = c.layers.filter((l) => l.kind !== "relu" && l.kind !== "dropout");
  assert.equal(
    reported.map((l) => [l.name, l.kind, formatShape(l.output), l.params, l.macs]),
    reference,
  );
  assert.is(c.totals.params, 60_965_224n);
  assert.is(c.totals.macs, 724_406_816n);
});

test("the paper spec acknowledges its two lrn_alpha warnings and raises nothing else", () => {
  const r = paper();
  assert.equal(
    r.diagnostics.map((d) => [d.code, d.acknowledged !== undefined]),
    [
      ["W0312", true],
      ["W0312", true],
    ],
  );
});

test("alexc check specs/alexnet-paper.anet: exit 0 with the reference totals", () => {
  const r = runCli(["check", "specs/alexnet-paper.anet"]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /total params 60,965,224 {3}MACs 724,406,816 {3}output 1000/);
  assert.match(r.stdout, /features\.4 +conv +256, kernel 5, stride 1, padding 2, groups 2 +256×27×27 +307,456 +223,948,800/);
  assert.match(r.stderr, /0 errors, 0 warnings, 2 acknowledged/);
});

function withSpec(name: string, text: string, run: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "alexc-paper-"));
  try {
    const path = join(dir, name);
    writeFileSync(path, text);
    run(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("--set size=224: exit 1, the first dense names 6400 vs 9216, and W0313 explains 224 vs 227", () => {
  const r = runCli(["check", "specs/alexnet-paper.anet", "--set", "size=224"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /error\[E0201\]: classifier\.1 \(dense\) declares 9216 in-features, but 6400 reach it/);
  assert.match(r.stderr, /inputs 227–258 match the declared 256\*6\*6 of classifier\.1/);
  assert.match(
    r.stderr,
    /warning\[W0313\]: features\.0 \(conv\) tiles a 227×227 input exactly, not 224×224: the flatten gets 6400 features at 224×224 and 9216 at 227×227/,
  );
  assert.match(r.stderr, /the feature maps go 224 → 54 → 26 → 12 → 5, and the flatten gives 256×5×5 = 6400/);
  assert.match(r.stderr, /the feature maps go 227 → 55 → 27 → 13 → 6, and the flatten gives 256×6×6 = 9216/);
  assert.match(r.stderr, /PyTorch, Caffe and TensorFlow/);
  assert.match(r.stderr, /help: input 3x227x227; or keep 224×224 and pad features\.0 with padding=\[1, 2\]/);
});

test("the suggested fix works: 224×224 with conv1 padding=[1, 2] checks like 227×227", () => {
  const text = specText("alexnet-paper.anet").replace("conv(96, kernel=11, stride=4)", "conv(96, kernel=11, stride=4, padding=[1, 2])");
  const r = checkSource("fixed.anet", text, { overrides: [{ name: "size", value: Rational.int(224), origin: "test" }] });
  assert.equal(
    r.diagnostics.filter((d) => d.acknowledged === undefined),
    [],
  );
  assert.is(r.checked!.totals.params, 60_965_224n);
  assert.is(formatShape(r.checked!.layers[0]!.output), "96×55×55");
});

test("groups = 2 on a conv with 3 input channels: exit 1, naming the divisibility rule and the fixes", () => {
  withSpec("groups.anet", "model g {\n  input 3x32x32\n  conv(96, kernel=3, groups=2)\n  flatten\n  dense(10)\n}\n", (path) => {
    const r = runCli(["check", path]);
    assert.is(r.status, 1);
    assert.match(r.stderr, /error\[E0210\]: conv has groups=2, but its 3 input channels are not divisible by 2/);
    assert.match(r.stderr, /in_channels must be divisible by groups/);
    assert.match(r.stderr, /help: an input of 2 or 4 channels instead of 3; or groups=3, which divides both 3 and 96/);
  });
});

test.run();
