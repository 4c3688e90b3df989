/**
 * Generated trainer vs hand-written tfjs, same backend, same process, alternating runs.
 *
 * - generated: generated/alexnet_mini/train.ts's main() on the built-in set (worker-thread
 *   decoding and augmentation, checkpoints), its reported training images/s;
 * - same layers, model.fit: the generated model trained by tfjs's own fit() on tensors already in
 *   memory, no augmentation: what the trainer costs over the leanest possible loop;
 * - idiomatic, model.fit: the mini spec hand-written as tfjs's docs suggest (padding 'same', fused
 *   ReLU activations): what the generated *model* costs over hand-written layers.
 *
 * Each run trains two epochs and the second is measured (kernels warmed, worker started).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/runtime/backend.js";
import { makeBatch } from "../src/runtime/batch.js";
import { builtinDataset } from "../src/runtime/dataset.js";
import { crossEntropy } from "../src/runtime/settings.js";
import { fitEpoch, idiomaticModel } from "./handwritten/alexnet-mini.js";
import { main, ROOT, type BenchResult } from "./common.js";

const IMAGES = Number(process.env["BENCH_IMAGES"] ?? 1600);
const REPS = Number(process.env["BENCH_REPS"] ?? 5);
const BATCH = 32;

interface Generated {
  main(args: string[]): Promise<{ history: Array<{ imagesPerSecond: number }> } | undefined>;
  PREPROCESSING: Parameters<typeof makeBatch>[0]["preprocessing"];
}

export async function run(): Promise<BenchResult> {
  await selectBackend("wasm", () => undefined);
  const dir = join(ROOT, "generated", "alexnet_mini");
  const generated = (await import(pathToFileURL(join(dir, "train.ts")).href)) as Generated;
  const { buildModel } = (await import(pathToFileURL(join(dir, "model.ts")).href)) as { buildModel(): tf.LayersModel };
  const data = builtinDataset(`builtin:${IMAGES}`);
  const all = await makeBatch({ samples: data.samples, size: { width: 32, height: 32, channels: 3 }, preprocessing: generated.PREPROCESSING }, { indices: Int32Array.from(data.samples, (_, i) => i), train: false, epoch: 0, seed: 0 });
  const x = tf.tensor4d(all.x, [all.n, 32, 32, 3]);
  const y = tf.oneHot(tf.tensor1d(all.y, "int32"), 8) as tf.Tensor2D;
  const loss = crossEntropy({ name: "cross_entropy", labelSmoothing: 0 });
  const out = mkdtempSync(join(tmpdir(), "alexc-bench-"));

  const fitTwice = async (model: tf.LayersModel): Promise<number> => {
    model.compile({ optimizer: tf.train.adam(0.001), loss: (a: tf.Tensor, b: tf.Tensor) => loss(a, b), metrics: ["accuracy"] });
    await fitEpoch(model, x, y, BATCH);
    const rate = await fitEpoch(model, x, y, BATCH);
    model.dispose();
    return rate;
  };
  const samples = { generated: [] as number[], sameLayers: [] as number[], idiomatic: [] as number[], ratioSame: [] as number[], ratioIdiomatic: [] as number[] };
  try {
    // One warm-up round, then REPS measured rounds; the order rotates so no side always goes first.
    for (let rep = -1; rep < REPS; rep++) {
      const order = [0, 1, 2].map((k) => (k + Math.max(rep, 0)) % 3);
      const got: number[] = [];
      for (const k of order) {
        if (k === 0) {
          const result = await generated.main(["--data", `builtin:${IMAGES}`, "--val-split", "0", "--epochs", "2", "--batch", String(BATCH), "--seed", "1", "--out", join(out, `r${rep}`), "--quiet", "--backend", "wasm"]);
          got[0] = result!.history[1]!.imagesPerSecond;
        } else if (k === 1) got[1] = await fitTwice(buildModel());
        else got[2] = await fitTwice(idiomaticModel(8));
      }
      if (rep < 0) continue;
      samples.generated.push(got[0]!);
      samples.sameLayers.push(got[1]!);
      samples.idiomatic.push(got[2]!);
      samples.ratioSame.push(got[0]! / got[1]!);
      samples.ratioIdiomatic.push(got[0]! / got[2]!);
      process.stderr.write(`round ${rep + 1}/${REPS}: generated ${got[0]!.toFixed(1)}, same layers ${got[1]!.toFixed(1)}, idiomatic ${got[2]!.toFixed(1)} img/s\n`);
    }
  } finally {
    tf.dispose([x, y]);
    rmSync(out, { recursive: true, force: true });
  }
  return {
    name: "trainer-overhead",
    title: "Generated trainer vs hand-written tfjs (alexnet-mini, 32×32, batch 32, wasm)",
    metrics: [
      { name: "generated train.ts (built-in set, worker decoding + augmentation)", unit: "img/s", samples: samples.generated },
      { name: "same model, model.fit on in-memory tensors", unit: "img/s", samples: samples.sameLayers },
      { name: "hand-written idiomatic model, model.fit", unit: "img/s", samples: samples.idiomatic },
      { name: "ratio generated / same model with model.fit", unit: "×", samples: samples.ratioSame },
      { name: "ratio generated / idiomatic hand-written", unit: "×", samples: samples.ratioIdiomatic },
    ],
    notes: [`${IMAGES} images per epoch, the second of two epochs measured, ${REPS} rounds after a warm-up round, run order rotated each round.`],
  };
}

await main(import.meta.url, run);
