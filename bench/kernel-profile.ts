/**
 * Where a training step of a generated model goes, kernel by kernel, on wasm:
 *   npm run bench:kernels            (ALEXC_WASM_THREADS=1 for one thread, BENCH_BATCH for the batch,
 *                                     BENCH_MODEL=vgg11 for another folder of generated/; default alexnet)
 * Wraps every registered wasm kernel with a timer (nested kernel calls count toward their caller),
 * runs four steps of the generated model with the trainer's step, optimizer and loss on synthetic data, and
 * prints milliseconds per step for each kernel and for the heaviest shapes. Not part of npm run
 * bench: it is the tool for finding the next thing to speed up.
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/runtime/backend.js";
import { createOptimizer, crossEntropy, type TrainingSettings } from "../src/runtime/settings.js";
import { trainStep } from "../src/runtime/step.js";
import type { Batch } from "../src/runtime/batch.js";

const MODEL = process.env["BENCH_MODEL"] ?? "alexnet";
if (!/^[\w-]+$/.test(MODEL)) throw new Error(`BENCH_MODEL names a folder of generated/, not ${JSON.stringify(MODEL)}`);
const { buildModel, INPUT_SHAPE, NUM_CLASSES } = (await import(`../generated/${MODEL}/model.js`)) as {
  buildModel(): tf.LayersModel;
  INPUT_SHAPE: [number, number, number];
  NUM_CLASSES: number;
};
const { TRAINING } = (await import(`../generated/${MODEL}/train.js`)) as { TRAINING: TrainingSettings };
const BATCH = Number(process.env["BENCH_BATCH"] ?? 32);
const STEPS = 3;

await selectBackend("wasm");
const byKernel = new Map<string, number>();
const byShape = new Map<string, number>();
let inside = false;
for (const config of tf.getKernelsForBackend("wasm")) {
  const inner = config.kernelFunc;
  (config as { kernelFunc: tf.KernelFunc }).kernelFunc = (args) => {
    if (inside) return inner(args);
    inside = true;
    const start = performance.now();
    try {
      return inner(args);
    } finally {
      const ms = performance.now() - start;
      inside = false;
      byKernel.set(config.kernelName, (byKernel.get(config.kernelName) ?? 0) + ms);
      const shapes = Object.values(args.inputs)
        .map((t) => (t === undefined || t === null ? "-" : `[${(t as tf.TensorInfo).shape}]`))
        .join(" ");
      const key = `${config.kernelName} ${shapes}`;
      byShape.set(key, (byShape.get(key) ?? 0) + ms);
    }
  };
}

const model = buildModel();
// The spec's optimizer and loss, built as the trainer builds them.
const optimizer = createOptimizer(TRAINING.optimizer);
const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
const size = BATCH * INPUT_SHAPE[0] * INPUT_SHAPE[1] * INPUT_SHAPE[2];
const batch = {
  n: BATCH,
  x: Float32Array.from({ length: size }, (_, i) => Math.sin(i)),
  y: Int32Array.from({ length: BATCH }, (_, i) => i % NUM_CLASSES),
} as unknown as Batch;
const loss = crossEntropy(TRAINING.loss);

let wall = 0;
for (let step = 0; step <= STEPS; step++) {
  if (step === 1) {
    byKernel.clear();
    byShape.clear();
  }
  const start = performance.now();
  await trainStep(model, optimizer, loss, variables, batch, INPUT_SHAPE, NUM_CLASSES);
  if (step > 0) wall += performance.now() - start;
}
const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
const row = (ms: number, what: string): string =>
  `${(ms / STEPS).toFixed(1).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${what}`;
console.log(
  `${MODEL}, batch ${BATCH}: ${(wall / STEPS).toFixed(0)} ms per step (${((BATCH * STEPS * 1000) / wall).toFixed(1)} img/s), ${(total / STEPS).toFixed(0)} ms of it in kernels`,
);
console.log("by kernel:");
for (const [name, ms] of [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(row(ms, name));
console.log("heaviest kernel calls by input shapes:");
for (const [name, ms] of [...byShape].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(row(ms, name));
process.exit(0);
