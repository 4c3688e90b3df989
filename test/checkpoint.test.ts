/**
 * Checkpoints on the wasm backend with the generated mini model: an exact round trip of weights
 * and optimizer state (training continues as if never stopped), atomic replacement, refusal of a
 * checkpoint from another spec, and the tfjs file:// layout. Also the metrics file and the plot.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { selectBackend } from "../src/runtime/backend.js";
import {
  assertSameModel,
  classIndexJson,
  copyCheckpoint,
  existingCheckpoint,
  readState,
  restoreOptimizer,
  restoreWeights,
  saveCheckpoint,
  type CheckpointState,
} from "../src/runtime/checkpoint.js";
import { registerFileRouter } from "../src/runtime/files.js";
import { createOptimizer, crossEntropy, disposeOptimizer, type OptimizerSettings, type TrainingSettings } from "../src/runtime/settings.js";
import { trainStep } from "../src/runtime/step.js";
import { appendMetrics, csvText, isBetter, writeMetrics, type EpochRecord } from "../src/runtime/metrics.js";
import { plotSvg } from "../src/runtime/plot.js";
import { renderBuiltin } from "../src/runtime/builtin.js";
import { seedMathRandom } from "../src/runtime/random.js";
import { ROOT, importTs } from "./support.js";

const quiet = (): void => {};
const mini = (await importTs(join(ROOT, "generated", "alexnet_mini", "model.ts"))) as {
  buildModel(): tf.LayersModel;
  SPEC_HASH: string;
  INPUT_SHAPE: [number, number, number];
};
const SHAPE = mini.INPUT_SHAPE;
const lossFn = crossEntropy({ name: "cross_entropy", labelSmoothing: 0 });

function batch(seed: number) {
  const n = 8;
  const x = new Float32Array(n * 32 * 32 * 3);
  for (let i = 0; i < n; i++) renderBuiltin(seed * 8 + i, 32, 32, 3).forEach((v, k) => (x[i * 3072 + k] = v / 127.5 - 1));
  return { x, y: Int32Array.from({ length: n }, (_, i) => (seed * 8 + i) % 8), n, skipped: [] };
}

function state(settings: TrainingSettings, epoch: number): CheckpointState {
  return {
    format: "alexc-checkpoint",
    version: 1,
    model: "alexnet_mini",
    specHash: mini.SPEC_HASH,
    epoch,
    seed: 1,
    classes: ["a", "b", "c", "d", "e", "f", "g", "h"],
    inputShape: SHAPE,
    preprocessing: { train: { kind: "resize" }, flip: "none", val: { kind: "resize" }, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    training: settings,
    data: { train: "builtin:64", valSplit: 0 },
    history: [],
  };
}

const weightsOf = (m: tf.LayersModel): Float32Array[] => m.getWeights().map((w) => w.dataSync() as Float32Array);

test.before(async () => {
  await selectBackend("wasm", quiet);
});

const optimizers: OptimizerSettings[] = [
  { name: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  { name: "sgd", lr: 0.01, momentum: 0.9 },
  { name: "rmsprop", lr: 0.001, alpha: 0.99, momentum: 0.5, eps: 1e-8 },
];

for (const o of optimizers) {
  test(`${o.name}: save, restore into fresh objects, and the next step matches an uninterrupted run`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "alexc-ckpt-"));
    const settings: TrainingSettings = { optimizer: o, loss: { name: "cross_entropy", labelSmoothing: 0 }, batch: 8, epochs: 1 };
    const before = tf.memory().numTensors;
    const restoreRandom = seedMathRandom(3);
    const a = mini.buildModel();
    restoreRandom();
    const optA = createOptimizer(o);
    const varsA = a.trainableWeights.map((w) => w.read() as tf.Variable);
    try {
      for (let s = 0; s < 3; s++) await trainStep(a, optA, lossFn, varsA, batch(s), SHAPE, 8);
      await saveCheckpoint(join(dir, "last"), a, optA, state(settings, 1));
      const b = mini.buildModel();
      const optB = createOptimizer(o);
      const varsB = b.trainableWeights.map((w) => w.read() as tf.Variable);
      try {
        assertSameModel(join(dir, "last"), readState(join(dir, "last")), b, "alexnet_mini", mini.SPEC_HASH);
        await restoreWeights(join(dir, "last"), b);
        await restoreOptimizer(join(dir, "last"), optB);
        assert.equal(weightsOf(b), weightsOf(a), "weights identical");
        const slots = async (o: tf.Optimizer): Promise<Float32Array[]> => {
          const named = await o.getWeights();
          const values = named.map((w) => w.tensor.dataSync() as Float32Array);
          for (const w of named) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
          return values;
        };
        const slotsA = await slots(optA);
        const slotsB = await slots(optB);
        assert.equal(slotsB, slotsA, "optimizer state identical (iteration count included)");
        const next = batch(7);
        // Dropout draws from Math.random: the same stream for both.
        const r1 = seedMathRandom(11);
        const la = (await trainStep(a, optA, lossFn, varsA, next, SHAPE, 8)).loss;
        r1();
        const r2 = seedMathRandom(11);
        const lb = (await trainStep(b, optB, lossFn, varsB, next, SHAPE, 8)).loss;
        r2();
        assert.ok(Math.abs(la - lb) < 1e-6, `losses ${la} and ${lb}`);
        const wa = weightsOf(a);
        const wb = weightsOf(b);
        const worst = Math.max(...wa.map((w, i) => Math.max(...w.map((v, k) => Math.abs(v - wb[i]![k]!)))));
        assert.ok(worst < 1e-6, `weights after the next step differ by up to ${worst}`);
      } finally {
        b.dispose();
        disposeOptimizer(optB);
      }
    } finally {
      a.dispose();
      disposeOptimizer(optA);
      rmSync(dir, { recursive: true, force: true });
    }
    assert.is(tf.memory().numTensors, before, "no tensor leaked by save and restore");
  });
}

test("a checkpoint folder holds the tfjs files, the optimizer, the state and the seed series' class_indices.json", async () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-ckpt-"));
  const m = mini.buildModel();
  const opt = createOptimizer(optimizers[0]!);
  try {
    const settings: TrainingSettings = {
      optimizer: optimizers[0]!,
      loss: { name: "cross_entropy", labelSmoothing: 0 },
      batch: 8,
      epochs: 1,
    };
    await saveCheckpoint(join(dir, "last"), m, opt, state(settings, 2));
    assert.equal(
      ["class_indices.json", "model.json", "optimizer.bin", "optimizer.json", "state.json", "weights.bin"],
      readdirSync(join(dir, "last")).sort(),
    );
    assert.is(readFileSync(join(dir, "last", "class_indices.json"), "utf8"), classIndexJson(["a", "b", "c", "d", "e", "f", "g", "h"]));
    assert.is(classIndexJson(["daisy", "roses"]), '{\n    "0": "daisy",\n    "1": "roses"\n}\n');
    assert.is(readState(join(dir, "last")).epoch, 2);

    // Loads with the standard tfjs call, as under tfjs-node, and predicts the same.
    registerFileRouter();
    const loaded = await tf.loadLayersModel(`file://${join(dir, "last", "model.json")}`);
    const x = tf.tensor4d(batch(1).x, [8, ...SHAPE]);
    const [p, q] = [m.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    assert.equal(q.dataSync(), p.dataSync());
    tf.dispose([x, p, q]);
    loaded.dispose();

    // Saved again: replaced whole. Cut between the two renames: the .old folder is found.
    await saveCheckpoint(join(dir, "last"), m, opt, state(settings, 3));
    assert.is(readState(existingCheckpoint(join(dir, "last"))!).epoch, 3);
    renameSync(join(dir, "last"), join(dir, "last.old"));
    assert.is(existingCheckpoint(join(dir, "last")), join(dir, "last.old"));
    copyCheckpoint(join(dir, "last.old"), join(dir, "best"));
    assert.is(readState(join(dir, "best")).epoch, 3);
    // best/ shares last's files (hard links, no second copy of the weights)...
    const inode = (d: string, f: string): number => statSync(join(dir, d, f)).ino;
    for (const f of readdirSync(join(dir, "best"))) assert.is(inode("best", f), inode("last.old", f), `best/${f} is a link`);
    const bestWeights = readFileSync(join(dir, "best", "weights.bin"));
    assert.not.ok(existsSync(join(dir, ".best.tmp")));
    assert.is(existingCheckpoint(join(dir, "nothing")), undefined);
    // The next save after such a cut: the .old folder goes only once the new one is in place.
    await saveCheckpoint(join(dir, "last"), m, opt, state(settings, 4));
    assert.is(readState(join(dir, "last")).epoch, 4);
    assert.not.ok(existsSync(join(dir, "last.old")));
    // ...and keeps them when last/ moves on: saves write new files, they never rewrite old ones.
    assert.is(readState(join(dir, "best")).epoch, 3);
    assert.ok(readFileSync(join(dir, "best", "weights.bin")).equals(bestWeights), "best/weights.bin unchanged");
    assert.is.not(inode("best", "state.json"), inode("last", "state.json"));
    assert.equal(readdirSync(dir).sort(), ["best", "last"], "no temporary folders left");
  } finally {
    m.dispose();
    disposeOptimizer(opt);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a checkpoint from another spec, or from other --set values, is refused with the reason", async () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-ckpt-"));
  const m = mini.buildModel();
  const opt = createOptimizer(optimizers[0]!);
  const other = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, name: "classifier.6" })] });
  try {
    const settings: TrainingSettings = {
      optimizer: optimizers[0]!,
      loss: { name: "cross_entropy", labelSmoothing: 0 },
      batch: 8,
      epochs: 1,
    };
    await saveCheckpoint(join(dir, "last"), m, opt, state(settings, 1));
    const s = readState(join(dir, "last"));
    assert.throws(
      () => assertSameModel(join(dir, "last"), s, m, "alexnet", "f".repeat(64)),
      /was made from a different spec \(model alexnet_mini, spec-hash .*; this program was generated for alexnet, spec-hash ffffffffffff/,
    );
    assert.throws(
      () => assertSameModel(join(dir, "last"), s, other, "alexnet_mini", mini.SPEC_HASH),
      /holds weights of other shapes than this model .* --set values/,
    );
    const sgd = createOptimizer(optimizers[1]!);
    try {
      await restoreOptimizer(join(dir, "last"), sgd).then(
        () => assert.unreachable("restored Adam state into SGD"),
        (e: Error) => assert.match(e.message, /trained with Adam, not Momentum: resume with the same --optimizer/),
      );
    } finally {
      disposeOptimizer(sgd);
    }
  } finally {
    m.dispose();
    disposeOptimizer(opt);
    other.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

const records: EpochRecord[] = [
  {
    epoch: 1,
    trainLoss: 2.07,
    trainAccuracy: 0.13,
    valLoss: 1.9,
    valAccuracy: 0.2,
    imagesPerSecond: 300.123,
    seconds: 9.5,
    learningRate: 0.001,
    images: 2700,
  },
  {
    epoch: 2,
    trainLoss: 1.5,
    trainAccuracy: 0.45,
    valLoss: 1.2,
    valAccuracy: 0.55,
    imagesPerSecond: 310,
    seconds: 9,
    learningRate: 0.001,
    images: 2700,
  },
  {
    epoch: 3,
    trainLoss: 1.1,
    trainAccuracy: 0.6,
    valLoss: 1.25,
    valAccuracy: 0.55,
    imagesPerSecond: 305,
    seconds: 9.1,
    learningRate: 0.001,
    images: 2700,
  },
];

test("metrics.csv: a header, one row per epoch, appended; best is validation accuracy, then loss", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-metrics-"));
  try {
    const path = join(dir, "metrics.csv");
    writeMetrics(path, records.slice(0, 1));
    appendMetrics(path, records[1]!);
    const text = readFileSync(path, "utf8");
    assert.is(text, csvText(records.slice(0, 2)));
    assert.equal(text.split("\n")[0], "epoch,train_loss,train_accuracy,val_loss,val_accuracy,images_per_second,seconds,learning_rate");
    assert.equal(text.split("\n")[1], "1,2.070000,0.130000,1.900000,0.200000,300.12,9.50,0.001");
    assert.ok(isBetter(records[1]!, records[0]) && !isBetter(records[2]!, records[1]) && isBetter(records[0]!, undefined));
    const noVal = records.map(({ valLoss: _loss, valAccuracy: _accuracy, ...r }) => r);
    assert.ok(isBetter(noVal[2]!, noVal[1]), "without validation, the lower training loss wins");
    assert.match(csvText(noVal), /^1,2\.070000,0\.130000,,,300\.12/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("metrics.svg is a valid image (rasterised by librsvg) with both curves and the title", async () => {
  for (const history of [records.slice(0, 1), records, []]) {
    const svg = plotSvg("alexnet_mini · runs/<demo> & co", history, 8);
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const meta = await sharp(png).metadata();
    assert.is(meta.width, 760);
    assert.match(svg, /alexnet_mini · runs\/&lt;demo&gt; &amp; co/);
    assert.is((svg.match(/<path /g) ?? []).length, history.length ? 4 : 0, "loss and accuracy, training and validation");
    assert.is((svg.match(/<circle /g) ?? []).length, history.length * 4);
  }
  assert.is(plotSvg("t", records, 8), plotSvg("t", records, 8), "deterministic");
});

test.run();
