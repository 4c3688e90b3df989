/**
 * alexc's in-place optimizer updates on wasm (src/runtime/wasm-optimizer.ts) against the stock tfjs
 * optimizers they replace: bit-for-bit equal parameters and optimizer state after several steps, for
 * every optimizer setting the training table builds; no tensors left behind; weights the wasm backend
 * has cached packed (matmul) seen with their new values. And the heap guard (wasm-heap.ts): an
 * allocation past WebAssembly's 4 GiB is an error that says so, not a tensor at address 0.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/runtime/index.js";
import { createOptimizer, type OptimizerSettings } from "../src/runtime/settings.js";
import { IN_PLACE_FROM, updateInPlaceOnWasm } from "../src/runtime/wasm-optimizer.js";
import { buildOptimizer, optimizerSettings } from "../src/runtime/training-table.js";
import { explainWasmFailure } from "../src/runtime/wasm-heap.js";
import { drawFrom } from "./numeric.js";

const quiet = (): void => {};
const SHAPES: number[][] = [[5, 7], [3], [2, 3, 3, 4]];
const STEPS = 4;

const CASES: { name: string; settings: OptimizerSettings }[] = [
  { name: "sgd", settings: optimizerSettings("sgd", { lr: 0.1 }) },
  { name: "sgd with momentum", settings: optimizerSettings("sgd", { lr: 0.05, momentum: 0.9 }) },
  { name: "adam, defaults", settings: optimizerSettings("adam") },
  { name: "adam, lr 0.01 betas 0.8/0.99 eps 1e-6", settings: optimizerSettings("adam", { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6 }) },
  { name: "rmsprop", settings: optimizerSettings("rmsprop", { lr: 0.01 }) },
  { name: "rmsprop with momentum", settings: optimizerSettings("rmsprop", { lr: 0.01, momentum: 0.9, alpha: 0.9 }) },
];

/** Runs STEPS updates of fresh variables with gradients from a fixed seed; returns the final values. */
function run(optimizer: tf.Optimizer, tag: string): { values: Float32Array[]; leaked: number } {
  const draw = drawFrom(7);
  const vars = SHAPES.map((shape, i) => tf.variable(tf.tensor(draw(tf.util.sizeFromShape(shape)), shape), true, `${tag}/v${i}`));
  let before = 0;
  for (let step = 0; step < STEPS; step++) {
    if (step === 1) before = tf.memory().numTensors;
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v) => (grads[v.name] = tf.tensor(draw(v.size, 4), v.shape)));
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const leaked = tf.memory().numTensors - before;
  const values = vars.map((v) => v.dataSync() as Float32Array);
  tf.dispose(vars);
  return { values, leaked };
}

async function state(optimizer: tf.Optimizer): Promise<Float32Array[]> {
  const weights = await optimizer.getWeights();
  const out = weights.map((w) => w.tensor.dataSync() as Float32Array);
  // getWeights hands out the live slot variables plus a fresh iteration-count scalar.
  weights[0]!.tensor.dispose();
  return out;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

test.before(async () => {
  await selectBackend("wasm", quiet);
});

for (const c of CASES) {
  test(`${c.name}: in-place updates on wasm equal tfjs's own to the bit, state included, nothing leaked`, async () => {
    const stock = buildOptimizer(tf.train, c.settings);
    // In place from any size: these parameters are far below the size where the trainer switches.
    const ours = updateInPlaceOnWasm(buildOptimizer(tf.train, c.settings), 0);
    const expected = run(stock, `${c.name}/stock`);
    const actual = run(ours, `${c.name}/ours`);
    expected.values.forEach((v, i) => assert.ok(sameBits(actual.values[i]!, v), `parameter ${i} differs`));
    const [s, o] = [await state(stock), await state(ours)];
    assert.is(o.length, s.length, "optimizer state entries");
    s.forEach((v, i) => assert.ok(sameBits(o[i]!, v), `optimizer state ${i} differs`));
    assert.is(actual.leaked, 0, "tensors left behind per step");
    stock.dispose();
    ours.dispose();
  });
}

const CACHED: { name: string; shape: number[]; input: number[]; apply: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor }[] = [
  { name: "matmul", shape: [64, 32], input: [4, 64], apply: (x, w) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D) },
  {
    name: "conv2d",
    shape: [3, 3, 4, 8],
    input: [2, 7, 7, 4],
    apply: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same"),
  },
];

for (const c of CACHED)
  test(`a ${c.name} weight the wasm backend cached packed is used with its updated values; nothing is allocated`, () => {
    const draw = drawFrom(3);
    const w = tf.variable(tf.tensor(draw(tf.util.sizeFromShape(c.shape)), c.shape), true, `cached/${c.name}`);
    const x = tf.tensor(draw(tf.util.sizeFromShape(c.input)), c.input);
    const optimizer = updateInPlaceOnWasm(buildOptimizer(tf.train, optimizerSettings("sgd", { lr: 0.5, momentum: 0.9 })), 0);
    const g = tf.tensor(draw(w.size), c.shape);
    optimizer.applyGradients({ [w.name]: g }); // creates the velocity
    const bytes = tf.memory().numBytes;
    for (let step = 0; step < 3; step++) {
      c.apply(x, w).dispose(); // XNNPACK packs w and keeps it under w's id
      const dataId = w.dataId;
      optimizer.applyGradients({ [w.name]: g });
      assert.is(w.dataId, dataId, "updated in its own buffer");
      assert.is(tf.memory().numBytes, bytes, "nothing allocated");
      const got = tf.tidy(() => c.apply(x, w).dataSync());
      // The same product from the current values, on a copy the backend has never cached.
      const fresh = tf.tidy(() => c.apply(x, tf.tensor(w.dataSync(), c.shape)).dataSync());
      assert.ok(sameBits(got as Float32Array, fresh as Float32Array), `step ${step}: ${c.name} used stale packed weights`);
    }
    tf.dispose([w, x, g]);
    optimizer.dispose();
  });

test("a parameter whose buffer another tensor shares gets a fresh buffer: the other tensor keeps its values", () => {
  const w = tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]), true, "shared/w");
  const alias = tf.reshape(w, [4]); // shares w's buffer on wasm
  const optimizer = updateInPlaceOnWasm(buildOptimizer(tf.train, optimizerSettings("sgd", { lr: 1 })), 0);
  const g = tf.ones([2, 2]);
  optimizer.applyGradients({ [w.name]: g });
  assert.equal(Array.from(w.dataSync()), [0, 1, 2, 3]);
  assert.equal(Array.from(alias.dataSync()), [1, 2, 3, 4]);
  tf.dispose([w, alias, g]);
  optimizer.dispose();
});

test("the trainer's optimizers update in place from IN_PLACE_FROM values: VGG-11's size, not the seed AlexNet's", () => {
  assert.ok(IN_PLACE_FROM > 16_630_440 && IN_PLACE_FROM < 132_863_336);
  const optimizer = createOptimizer(optimizerSettings("sgd", { lr: 0.1, momentum: 0.9 }));
  const stock = buildOptimizer(tf.train, optimizerSettings("sgd", { lr: 0.1, momentum: 0.9 }));
  assert.is.not(optimizer.applyGradients, stock.applyGradients, "createOptimizer installs the switch");
  optimizer.dispose();
  stock.dispose();
});

const MIB = 2 ** 20;
interface WasmInternals {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): void;
}
const refusal = (e: Error): boolean =>
  e.name === "AlexcRuntimeError" && /ran out of memory/.test(e.message) && /4 GiB/.test(e.message) && /--batch/.test(e.message);

test("an allocation the 4 GiB wasm heap cannot hold throws an error naming the limit and the ways out", () => {
  const backend = tf.backend() as unknown as WasmInternals;
  // Reserved, never written: the heap grows but the pages stay untouched.
  const first = backend.makeOutput([(2600 * MIB) / 4], "float32");
  try {
    assert.throws(() => backend.makeOutput([(2600 * MIB) / 4], "float32"), refusal);
  } finally {
    backend.disposeData(first.dataId);
  }
  // 4.4 GB would wrap to a 105 MB request in 32 bits and hand out a buffer far too small.
  const before = tf.memory().numTensors;
  assert.throws(() => tf.zeros([1_100_000_000]), refusal);
  assert.is(tf.memory().numTensors, before);
  // The backend still works after the refusals.
  assert.equal(Array.from(tf.tidy(() => tf.add(tf.ones([2]), 1).dataSync())), [2, 2]);
});

test("a wasm failure far from the heap limit is not called out of memory", () => {
  const e = new Error("Aborted()");
  e.name = "RuntimeError";
  assert.is(explainWasmFailure(e), undefined);
  assert.is(explainWasmFailure(new Error("something else")), undefined);
});

test.run();
