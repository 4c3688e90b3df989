/**
 * What a training run is before it starts (src/runtime/setup.ts): settings layered spec →
 * checkpoint → command line, validation sources, the seed, and every pre-flight refusal.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planRun } from "../src/runtime/setup.js";
import { parseOptions, TRAIN_OPTIONS } from "../src/runtime/options.js";
import type { GeneratedModel } from "../src/runtime/generated.js";
import type { TrainingSettings } from "../src/runtime/settings.js";
import { FIXTURES } from "./support.js";

const IMAGES = join(FIXTURES, "images");
const gen = (over: Partial<GeneratedModel> = {}): GeneratedModel => ({
  name: "m",
  specHash: "a".repeat(64),
  inputShape: [32, 32, 3],
  numClasses: 8,
  buildModel: () => assert.unreachable("no model needed") as never,
  ...over,
});
const SPEC: TrainingSettings = {
  optimizer: { name: "adam", lr: 0.0002, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  loss: { name: "cross_entropy", labelSmoothing: 0 },
  batch: 32,
  epochs: 10,
};
const plan = (args: string[], g = gen()) => planRun(g, SPEC, parseOptions(TRAIN_OPTIONS, args, false).values);

test("the spec's settings apply unless the command line overrides them", () => {
  const p = plan(["--data", "builtin:80", "--out", "/nonexistent/x"]);
  assert.equal(p.settings, SPEC);
  const q = plan([
    "--data",
    "builtin:80",
    "--lr",
    "0.01",
    "--batch",
    "8",
    "--epochs",
    "3",
    "--label-smoothing",
    "0.1",
    "--out",
    "/nonexistent/x",
  ]);
  assert.equal(q.settings, {
    optimizer: { ...SPEC.optimizer, lr: 0.01 },
    loss: { name: "cross_entropy", labelSmoothing: 0.1 },
    batch: 8,
    epochs: 3,
  });
  assert.equal(
    plan(["--data", "builtin:80", "--optimizer", "sgd", "--out", "/x"]).settings.optimizer,
    { name: "sgd", lr: 0.01, momentum: 0 },
    "PyTorch's defaults for an optimizer the spec did not set",
  );
  assert.equal(plan(["--data", "builtin:80", "--optimizer", "sgd", "--lr", "0.1", "--out", "/x"]).settings.optimizer, {
    name: "sgd",
    lr: 0.1,
    momentum: 0,
  });
  assert.equal(
    plan(["--data", "builtin:80", "--optimizer", "adam", "--out", "/x"]).settings.optimizer,
    SPEC.optimizer,
    "the spec's adam keeps its lr",
  );
});

test("validation: 10% of each class by default, --val-split, --val DIR, or none", () => {
  const a = plan(["--data", IMAGES, "--out", "/x", "--seed", "1"]);
  assert.is(a.train.samples.length + a.val!.samples.length, 42);
  assert.is(a.val!.samples.length, 3, "round(14 × 0.1) = 1 per class");
  assert.is(plan(["--data", IMAGES, "--val-split", "0.5", "--out", "/x", "--seed", "1"]).val!.samples.length, 21);
  assert.is(plan(["--data", IMAGES, "--val-split", "0", "--out", "/x"]).val, undefined);
  const v = plan(["--data", IMAGES, "--val", IMAGES, "--out", "/x"]);
  assert.is(v.train.samples.length, 42);
  assert.is(v.val!.samples.length, 42);
  assert.equal(v.data, { train: IMAGES, val: IMAGES, valSplit: 0 });
});

test("a fresh seed is drawn and announced when none is given; --seed is kept", () => {
  assert.is(plan(["--data", "builtin:80", "--seed", "42", "--out", "/x"]).seed, 42);
  const p = plan(["--data", "builtin:80", "--out", "/x"]);
  assert.ok(Number.isInteger(p.seed) && !p.seedWasGiven);
});

const refusals: Array<[string, string[], RegExp, Partial<GeneratedModel>?]> = [
  [
    "--val with other classes",
    ["--data", "builtin:80", "--val", IMAGES],
    /--val .* has the classes faces, hearts, keycaps, but --data builtin:80 has circle, ring/,
  ],
  ["--val and --val-split together", ["--data", IMAGES, "--val", IMAGES, "--val-split", "0.2"], /--val and --val-split exclude each other/],
  ["a --val-split of 1", ["--data", IMAGES, "--val-split", "1"], /--val-split 1: expected a fraction in \[0, 1\)/],
  ["a negative learning rate", ["--data", IMAGES, "--lr=-1"], /--lr -1: expected a learning rate above 0/],
  [
    "a value that looks like an option",
    ["--data", IMAGES, "--lr", "-1"],
    /--lr needs a value; one that starts with '-' is written --lr=-…/,
  ],
  ["an option without its value", ["--data"], /--data needs a value/],
  ["an unknown optimizer", ["--data", IMAGES, "--optimizer", "adamw"], /--optimizer adamw: expected one of adam, sgd, rmsprop/],
  ["an unknown backend", ["--data", IMAGES, "--backend", "tpu"], /--backend tpu: expected one of auto, tensorflow, gpu, wasm, cpu/],
  ["a fractional batch", ["--data", IMAGES, "--batch", "2.5"], /--batch 2\.5: expected a whole number ≥ 1/],
  [
    "a 4-channel model",
    ["--data", IMAGES],
    /m takes 4-channel input, but images decode to 3 channels \(RGB\) or 1 \(greyscale\)/,
    { inputShape: [32, 32, 4] },
  ],
  ["a stray argument", ["--data", IMAGES, "extra"], /unexpected argument 'extra'/],
  ["no --data at all", [], /--data is required: a folder with one sub-folder of images per class, or builtin/],
  ["a misspelt option", ["--data", "builtin", "--epoch", "3"], /unknown option --epoch \(did you mean --epochs\?\)/],
  ["a batch of 0", ["--data", IMAGES, "--batch", "0"], /--batch 0: expected a whole number ≥ 1/],
];

for (const [what, args, message, over] of refusals) {
  test(`refused before training: ${what}`, () => {
    assert.throws(
      () => plan([...args, "--out", "/x"], gen(over)),
      (e: Error) => message.test(e.message),
    );
  });
}

test("resuming takes the checkpoint's settings, seed and data, then the command line's changes", () => {
  const out = mkdtempSync(join(tmpdir(), "alexc-plan-"));
  try {
    mkdirSync(join(out, "last"));
    const training: TrainingSettings = { ...SPEC, batch: 16, epochs: 4 };
    // As the trainer writes it (checkpoints are validated before anything is read from them).
    const preprocessing = {
      train: { resize: 36, crop: "random", size: 32, flip: true },
      val: { resize: 36, crop: "center", size: 32 },
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    };
    const state = {
      format: "alexc-checkpoint",
      version: 1,
      model: "m",
      specHash: "a".repeat(64),
      epoch: 2,
      seed: 77,
      classes: ["faces", "hearts", "keycaps"],
      inputShape: [32, 32, 3],
      training,
      preprocessing,
      data: { train: IMAGES, valSplit: 0.25 },
      history: [],
    };
    writeFileSync(join(out, "last", "state.json"), JSON.stringify(state));
    const p = plan(["--resume", "--out", out, "--epochs", "6"]);
    assert.equal(p.settings, { ...training, epochs: 6 });
    assert.is(p.seed, 77);
    assert.is(p.val!.samples.length, 12, "the checkpoint's 25% split");
    const q = plan(["--resume", "--out", out, "--seed", "5"]);
    assert.is(q.seed, 77);
    assert.match(q.notices.join("\n"), /keeping the checkpoint's seed 77 \(--seed 5 ignored\)/);
    assert.throws(() => plan(["--out", out, "--data", IMAGES]), /already holds a run \(checkpoint after epoch 2\)/);
    assert.is(plan(["--out", out, "--data", IMAGES, "--overwrite"]).resume, undefined);
    assert.throws(() => plan(["--resume", "--out", out], gen({ specHash: "b".repeat(64) })), /was made from a different spec/);
    assert.throws(
      () => plan(["--resume", "--out", out, "--data", "builtin:80"]),
      /the classes of --data builtin:80 \(circle, .*\) differ from the checkpoint's \(faces, hearts, keycaps\)/,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test.run();
