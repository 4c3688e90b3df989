/**
 * Benchmarks for the paper's AlexNet on the wasm backend (results in docs/benchmarks-paper.md, npm run bench:paper):
 * alexc's MaxPoolGrad against the stock kernel it replaces, tf's LRN and LRNGrad on AlexNet's
 * shapes, and one training step of generated/alexnet_paper against generated/alexnet_table (the
 * same widths without groups or LRN), so the cost of the grouped-conv subgraph shows.
 *
 *   node --import tsx bench/paper-kernels.bench.ts [--batch 8] [--repeat 5]
 */
import * as tf from "@tensorflow/tfjs";
import { registerWasmMaxPoolGrad, selectBackend, unregisterWasmMaxPoolGrad } from "../src/runtime/index.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const BATCH = arg("batch", 8);
const REPEAT = arg("repeat", 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall time of `f` in ms, after one warm-up run. */
async function time(f: () => tf.Tensor | tf.Tensor[] | Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i <= REPEAT; i++) {
    const start = performance.now();
    const out = await f();
    if (out instanceof tf.Tensor) out.dataSync();
    if (Array.isArray(out)) for (const t of out) (t as tf.Tensor).dataSync();
    tf.dispose(out as tf.Tensor);
    if (i > 0) runs.push(performance.now() - start);
  }
  return median(runs);
}

const row = (what: string, ms: number, note = ""): void => console.log(`| ${what} | ${ms.toFixed(1)} ms | ${note} |`);

await selectBackend("wasm", () => {});
console.log(`wasm backend, batch ${BATCH}, median of ${REPEAT} runs\n`);
console.log("| measurement | time | note |\n|---|---|---|");

for (const [name, shape] of [
  ["pool1 [N,55,55,96]", [BATCH, 55, 55, 96]],
  ["pool2 [N,27,27,256]", [BATCH, 27, 27, 256]],
] as const) {
  const x = tf.randomNormal([...shape]) as tf.Tensor4D;
  const dy = tf.tidy(() => tf.onesLike(tf.maxPool(x, 3, 2, "valid")));
  const grad = () => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 3, 2, "valid"))(x, dy));
  registerWasmMaxPoolGrad();
  const ours = await time(grad);
  unregisterWasmMaxPoolGrad();
  const stock = await time(grad);
  registerWasmMaxPoolGrad();
  row(
    `max-pool forward + MaxPoolGrad ${name}, 3×3 stride 2: alexc`,
    ours,
    `stock ${stock.toFixed(1)} ms (wrong where a window's maximum is ≤ 0)`,
  );
  tf.dispose([x, dy]);
}

for (const [name, shape] of [
  ["norm1 [N,55,55,96]", [BATCH, 55, 55, 96]],
  ["norm2 [N,27,27,256]", [BATCH, 27, 27, 256]],
] as const) {
  const x = tf.relu(tf.randomNormal([...shape])) as tf.Tensor4D;
  const lrn = (t: tf.Tensor) => tf.localResponseNormalization(t as tf.Tensor4D, 2, 2, 2e-5, 0.75);
  row(`LRN forward ${name} (stock wasm kernel)`, await time(() => lrn(x)));
  row(`LRN forward + LRNGrad ${name}`, await time(() => tf.tidy(() => tf.grad(lrn)(x))));
  x.dispose();
}

for (const name of ["alexnet_paper", "alexnet_table"]) {
  const generated = (await import(`../generated/${name}/model.ts`)) as {
    buildModel(): tf.LayersModel;
    INPUT_SHAPE: number[];
    NUM_CLASSES: number;
  };
  const model = generated.buildModel();
  const optimizer = tf.train.momentum(0.01, 0.9);
  model.compile({ optimizer, loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p) });
  const x = tf.randomNormal([BATCH, ...generated.INPUT_SHAPE]);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, generated.NUM_CLASSES, "int32") as tf.Tensor1D, generated.NUM_CLASSES);
  const step = await time(() => model.trainOnBatch(x, y));
  row(`training step, generated/${name} (sgd momentum)`, step, `${((BATCH * 1000) / step).toFixed(2)} img/s`);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
}
