/**
 * The real thing: for every spec, the tfjs model built by the generated code has, layer by layer,
 * the output shapes and parameter counts the checker reported; and one training step of the
 * generated train.ts on the wasm backend (batch 2 of the built-in images at the input size of the
 * spec's cheapest configuration, the seed's 224×224 included) gives a finite loss and leaks no tensor.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { selectBackend } from "../src/runtime/index.js";
import { checkSpec } from "../src/check/check-spec.js";
import { outputDir } from "../src/emit/emit.js";
import { shapeDims } from "../src/layers/kind.js";
import { ROOT, importTs } from "./support.js";

const specs = readdirSync(join(ROOT, "specs"))
  .filter((f) => f.endsWith(".anet"))
  .sort();
const quiet = (): void => {};

interface GeneratedModel {
  buildModel(): tf.LayersModel;
  INPUT_SHAPE: [number, number, number];
}
interface GeneratedTrainer {
  main(args: string[]): Promise<{ stepLosses: number[]; history: Array<{ trainLoss: number }> } | undefined>;
}

/** tfjs is channels-last: [null, H, W, C] → [C, H, W]; [null, N] → [N]. */
function toChw(shape: tf.Shape): number[] {
  const dims = shape.slice(1) as number[];
  return dims.length === 3 ? [dims[2]!, dims[0]!, dims[1]!] : dims;
}

/** One small PNG per class, in the ImageFolder layout. */
async function imageFolder(root: string, classes: number): Promise<string> {
  const dir = join(root, "images");
  for (let c = 0; c < classes; c++) {
    mkdirSync(join(dir, `class${String(c).padStart(4, "0")}`), { recursive: true });
    const png = await sharp({
      create: { width: 40, height: 40, channels: 3, background: { r: (c * 37) % 256, g: (c * 91) % 256, b: (c * 53) % 256 } },
    })
      .png()
      .toBuffer();
    writeFileSync(join(dir, `class${String(c).padStart(4, "0")}`, "a.png"), png);
  }
  return dir;
}

test.before(async () => {
  await selectBackend("wasm", quiet);
});

/**
 * Building a model in tfjs draws every initial weight in JavaScript: about 5 s for torchvision's
 * AlexNet (61 M), and one training step of a 130 M-parameter VGG takes a minute. So each spec's
 * configurations up to AFFORDABLE_PARAMS are built, and a spec with none that small its smallest one:
 * the others are the same generated code with other numbers, and their figures are covered by the
 * checker and the zoo tests.
 */
const AFFORDABLE_PARAMS = 25_000_000n;

const configurations = specs.flatMap((spec) => {
  const all = checkSpec(`specs/${spec}`, readFileSync(join(ROOT, "specs", spec), "utf8")).results;
  const smallest = all.reduce((best, r) => (r.checked!.totals.params < best.checked!.totals.params ? r : best));
  const results = all.filter((r) => r.checked!.totals.params <= AFFORDABLE_PARAMS || r === smallest);
  // The configuration that trains: the fewest MACs, the base on a tie (results list it first).
  const cheapest = results.reduce((best, r) => (r.checked!.totals.macs < best.checked!.totals.macs ? r : best));
  return results.map((r) => ({
    spec: r.variant ? `${spec} (${r.variant})` : spec,
    trains: r === cheapest,
    checked: r.checked!,
  }));
});

for (const { spec, trains, checked } of configurations) {
  const dir = join(ROOT, "generated", outputDir(checked));

  test(`${spec}: the generated tfjs model agrees with the checker layer by layer`, async () => {
    const mod = (await importTs(join(dir, "model.ts"))) as GeneratedModel;
    const model = mod.buildModel();
    try {
      for (const layer of checked.layers) {
        const tfLayer = model.getLayer(layer.name);
        assert.equal(toChw(tfLayer.outputShape as tf.Shape), shapeDims(layer.output), `${layer.name} output shape`);
        // A spec layer may lower to several tfjs layers: its own name plus helpers (`features.4.g0`, `.pad`).
        const parts = model.layers.filter((l) => l.name === layer.name || l.name.startsWith(`${layer.name}.`));
        assert.is(
          parts.reduce((n, l) => n + BigInt(l.countParams()), 0n),
          layer.params,
          `${layer.name} params`,
        );
      }
      assert.is(BigInt(model.countParams()), checked.totals.params);
      assert.equal(toChw(model.outputs[0]!.shape), shapeDims(checked.output!));
    } finally {
      model.dispose();
    }
  });

  // A variant's train.ts is the base's with other numbers (the layer test above checks those), and
  // one step of the 60 M-parameter models writes about 1.5 GB of checkpoints: one configuration per
  // spec, its cheapest (torchvision-alexnet's input of 100, zfnet's 128, alexnet-table's CIFAR, VGG's tiny).
  if (!trains) continue;
  test(`${spec}: one training step of the generated train.ts on wasm gives a finite loss`, async () => {
    const trainer = (await importTs(join(dir, "train.ts"))) as GeneratedTrainer;
    const out = mkdtempSync(join(tmpdir(), "alexc-step-"));
    try {
      const before = tf.memory().numTensors;
      // The built-in set has 8 classes; other models train on a small image folder of their own.
      const classes = checked.output!.rank === "flat" ? checked.output!.n : 2;
      const data = classes === 8 ? "builtin:8" : await imageFolder(out, classes);
      const args = [
        "--data",
        data,
        "--val-split",
        "0",
        "--epochs",
        "1",
        "--steps",
        "1",
        // Two images: batch normalisation needs more than one value per channel, and a step of
        // the paper's AlexNet at 227×227 takes about 1 s per image here.
        "--batch",
        "2",
        "--backend",
        "wasm",
        "--seed",
        "1",
        "--out",
        out,
        "--quiet",
      ];
      const result = (await trainer.main(args))!;
      assert.is(result.stepLosses.length, 1);
      const [loss] = result.stepLosses;
      assert.ok(Number.isFinite(loss) && loss! > 0, `loss ${loss}`);
      assert.is(result.history[0]!.trainLoss, loss);
      assert.is(tf.getBackend(), "wasm");
      assert.is(tf.memory().numTensors, before, "the trainer disposes what it creates");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test.run();
