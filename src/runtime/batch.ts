/**
 * One batch: a chunk of sample indices → normalised float pixels and labels. Runs in a data worker
 * (or on the main thread with --workers 0). Samples are decoded a few at a time, so libvips works
 * on several images at once; an unreadable image is left out of its batch and reported once.
 */
import type { Sample } from "./dataset.js";
import { loadSample, UnreadableImage, type PixelSize, type Planner } from "./decode.js";
import { normalise, planEval, planTrain, type Preprocessing } from "./preprocess.js";
import { mix, seeded } from "./random.js";

export interface BatchJob {
  /** Indices into the sample list, in batch order. */
  indices: Int32Array;
  train: boolean;
  epoch: number;
  seed: number;
}

export interface Batch {
  /** n × H × W × C, normalised. */
  x: Float32Array;
  y: Int32Array;
  /** Images that made it in (fewer than indices.length when some were unreadable). */
  n: number;
  /** Unreadable images left out: their sample index, path and why. */
  skipped: Array<{ index: number; path: string; reason: string }>;
}

export interface BatchContext {
  samples: Sample[];
  size: PixelSize;
  preprocessing: Preprocessing;
}

/** Images decoded concurrently per batch: enough to keep libvips' threads busy. */
const IN_FLIGHT = 8;

/** The plan for one sample: training draws are keyed by (seed, epoch, sample) alone. */
function plannerFor(ctx: BatchContext, job: BatchJob, index: number): Planner {
  const { width, height } = ctx.size;
  if (!job.train) return (w, h) => planEval(w, h, width, height, ctx.preprocessing.val);
  const random = seeded(mix(job.seed, job.epoch, index));
  return (w, h) => planTrain(w, h, ctx.preprocessing, random);
}

export async function makeBatch(ctx: BatchContext, job: BatchJob): Promise<Batch> {
  const { width, height, channels } = ctx.size;
  const perImage = width * height * channels;
  const count = job.indices.length;
  const pixels: Array<Uint8Array | undefined> = new Array(count);
  const skipped: Batch["skipped"] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const slot = next++;
      const index = job.indices[slot]!;
      try {
        pixels[slot] = await loadSample(ctx.samples[index]!, ctx.size, plannerFor(ctx, job, index));
      } catch (e) {
        if (!(e instanceof UnreadableImage)) throw e;
        skipped.push({ index, path: e.path, reason: e.message.slice(e.path.length + 2) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
  const n = pixels.filter((p) => p !== undefined).length;
  const x = new Float32Array(n * perImage);
  const y = new Int32Array(n);
  let row = 0;
  pixels.forEach((p, slot) => {
    if (!p) return;
    normalise(p, channels, ctx.preprocessing, x, row * perImage);
    y[row++] = ctx.samples[job.indices[slot]!]!.label;
  });
  return { x, y, n, skipped };
}
