/**
 * The data pipeline alone, exactly as the trainer drives it (DataLoader, default workers and
 * prefetch): decode + augment + normalise, no model. Two cases:
 * - photo JPEGs (500×375) → 224×224 with the seed series' transforms: the seed model's diet;
 * - the built-in set at 32×32 with alexnet-mini's transforms (drawn on the first pass, cached after).
 */
import { availableParallelism } from "node:os";
import { DataLoader } from "../src/runtime/loader.js";
import { builtinDataset, scanImageFolder, type Dataset } from "../src/runtime/dataset.js";
import type { Preprocessing } from "../src/runtime/preprocess.js";
import { main, median, photoFolder, type BenchResult } from "./common.js";

const SEED_SERIES: Preprocessing = {
  train: { kind: "random_resized_crop", scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
  flip: "horizontal",
  val: { kind: "resize" },
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
};
const MINI: Preprocessing = { ...SEED_SERIES, train: { kind: "random_resized_crop", scale: [0.5, 1], ratio: [3 / 4, 4 / 3] } };
const REPS = Number(process.env["BENCH_REPS"] ?? 5);

async function passes(data: Dataset, size: number, pre: Preprocessing, reps: number): Promise<number[]> {
  const workers = Math.max(1, Math.min(4, availableParallelism() - 1));
  const loader = new DataLoader(
    { samples: data.samples, size: { width: size, height: size, channels: 3 }, preprocessing: pre },
    workers,
    4,
  );
  const rates: number[] = [];
  try {
    for (let epoch = 0; epoch <= reps; epoch++) {
      const order = Int32Array.from(data.samples, (_, i) => i);
      const started = performance.now();
      let images = 0;
      for await (const b of loader.epoch({ order, batchSize: 32, train: true, epoch, seed: 1 })) images += b.n;
      // Pass 0 warms up (workers start; the built-in set is drawn): not counted.
      if (epoch > 0) rates.push(images / ((performance.now() - started) / 1000));
    }
  } finally {
    await loader.close();
  }
  return rates;
}

export async function run(): Promise<BenchResult> {
  const photos = scanImageFolder(await photoFolder(400));
  const jpeg = await passes(photos, 224, SEED_SERIES, REPS);
  process.stderr.write(`photo JPEGs → 224: ${median(jpeg).toFixed(1)} img/s\n`);
  const builtin = await passes(builtinDataset("builtin:3200"), 32, MINI, REPS);
  process.stderr.write(`built-in → 32: ${median(builtin).toFixed(1)} img/s\n`);
  return {
    name: "pipeline",
    title: "Data pipeline alone: decode + augment + normalise (DataLoader, no model)",
    metrics: [
      { name: "photo JPEGs 500×375 → 224×224, seed series' transforms", unit: "img/s", samples: jpeg },
      { name: "built-in set → 32×32, alexnet-mini's transforms", unit: "img/s", samples: builtin },
    ],
    notes: [
      `${Math.max(1, Math.min(4, availableParallelism() - 1))} worker thread(s), prefetch 4, batch 32; one pass over 400 JPEGs / 3,200 built-in images per sample, after a warm-up pass.`,
    ],
  };
}

await main(import.meta.url, run);
