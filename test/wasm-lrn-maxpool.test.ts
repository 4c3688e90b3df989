/**
 * The wasm kernels the paper's AlexNet trains with, against tfjs-cpu (the reference implementation)
 * over a spread of shapes, radii and paddings: LRN and LRNGrad, which tfjs-backend-wasm 4.22 ships
 * (tfjs#4765 is fixed: alexc supplies none), and alexc's MaxPoolGrad, with the stock kernel's bug it
 * replaces. No tensors or backend buffers leak through a training step.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs";
import { registerWasmMaxPoolGrad, selectBackend, unregisterWasmMaxPoolGrad } from "../src/runtime/index.js";
import { drawFrom, relErr } from "./numeric.js";

/** Max |wasm − cpu| over max |cpu|: both float32, summed in different orders. */
const REL_TOL = 1e-5;
const quiet = (): void => {};

type Shape4 = [number, number, number, number];
interface LrnCase {
  name: string;
  shape: Shape4;
  radius: number;
  bias: number;
  alpha: number;
  beta: number;
  scale: number;
}
const LRN_CASES: LrnCase[] = [
  { name: "AlexNet norm1 settings, 96 channels", shape: [2, 5, 5, 96], radius: 2, bias: 2, alpha: 2e-5, beta: 0.75, scale: 40 },
  { name: "radius 1, alpha large", shape: [2, 4, 3, 7], radius: 1, bias: 1, alpha: 1, beta: 0.5, scale: 2 },
  { name: "radius wider than the channels", shape: [1, 3, 3, 3], radius: 5, bias: 1, alpha: 0.3, beta: 0.75, scale: 3 },
  { name: "one channel", shape: [3, 2, 2, 1], radius: 2, bias: 2, alpha: 0.1, beta: 1, scale: 5 },
  { name: "radius 0", shape: [1, 2, 2, 6], radius: 0, bias: 1, alpha: 0.5, beta: 0.75, scale: 2 },
];

async function lrnOn(backend: "cpu" | "wasm", c: LrnCase): Promise<Float32Array[]> {
  await selectBackend(backend, quiet);
  const draw = drawFrom(99);
  return tf.tidy(() => {
    const x = tf.tensor4d(draw(tf.util.sizeFromShape(c.shape), 2 * c.scale, -c.scale), c.shape);
    const f = (t: tf.Tensor) => tf.localResponseNormalization(t as tf.Tensor4D, c.radius, c.bias, c.alpha, c.beta);
    const dy = tf.tensor4d(draw(tf.util.sizeFromShape(c.shape)), c.shape);
    return [f(x).dataSync() as Float32Array, tf.grad(f)(x, dy).dataSync() as Float32Array];
  });
}

for (const c of LRN_CASES) {
  test(`LRN and LRNGrad on wasm (stock) equal tfjs-cpu: ${c.name}`, async () => {
    const [cpuY, cpuDx] = await lrnOn("cpu", c);
    const [wasmY, wasmDx] = await lrnOn("wasm", c);
    assert.ok(relErr(wasmY!, cpuY!) <= REL_TOL, `output ${relErr(wasmY!, cpuY!)}`);
    assert.ok(relErr(wasmDx!, cpuDx!) <= REL_TOL, `gradient ${relErr(wasmDx!, cpuDx!)}`);
  });
}

interface PoolCase {
  name: string;
  shape: Shape4;
  size: number | [number, number];
  stride: number | [number, number];
  pad: "valid" | "same" | number;
}
const POOL_CASES: PoolCase[] = [
  { name: "AlexNet pool1 shape, 3×3 stride 2", shape: [2, 13, 13, 8], size: 3, stride: 2, pad: "valid" },
  { name: "'same' padding (implicit −∞)", shape: [2, 8, 8, 3], size: 3, stride: 2, pad: "same" },
  { name: "explicit padding 1", shape: [1, 7, 9, 2], size: 3, stride: 2, pad: 1 },
  { name: "overlapping 3×3 stride 1", shape: [1, 6, 6, 4], size: 3, stride: 1, pad: "valid" },
  { name: "2×3 window, strides 2×1", shape: [2, 6, 7, 3], size: [2, 3], stride: [2, 1], pad: "valid" },
];

async function poolGradOn(backend: "cpu" | "wasm", c: PoolCase, shift: number): Promise<Float32Array> {
  await selectBackend(backend, quiet);
  const draw = drawFrom(7);
  return tf.tidy(() => {
    const x = tf.tensor4d(draw(tf.util.sizeFromShape(c.shape), 2, shift), c.shape);
    const f = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, c.size, c.stride, c.pad);
    const dy = tf.onesLike(f(x)).mul(tf.range(1, tf.util.sizeFromShape(f(x).shape) + 1).reshape(f(x).shape));
    return tf.grad(f)(x, dy).dataSync() as Float32Array;
  });
}

for (const c of POOL_CASES) {
  for (const [values, shift] of [
    ["mixed", -1],
    ["all negative", -3],
  ] as const) {
    test(`MaxPoolGrad on wasm equals tfjs-cpu: ${c.name}, ${values} inputs`, async () => {
      const cpu = await poolGradOn("cpu", c, shift);
      const wasm = await poolGradOn("wasm", c, shift);
      assert.ok(relErr(wasm, cpu) <= REL_TOL, `gradient ${relErr(wasm, cpu)}`);
    });
  }
}

test("the stock wasm MaxPoolGrad sends the gradient of windows whose maximum is ≤ 0 to element 0; alexc's does not", async () => {
  await selectBackend("wasm", quiet);
  const grad = (): number[] =>
    tf.tidy(() => {
      const x = tf.tensor4d([-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16], [1, 4, 4, 1]);
      return Array.from(
        tf
          .grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, "valid")))(x)
          .dataSync(),
      );
    });
  const expected = [1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0];
  unregisterWasmMaxPoolGrad();
  try {
    assert.equal(
      grad(),
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      "the stock kernel changed: if it is fixed, alexc's replacement can go",
    );
  } finally {
    registerWasmMaxPoolGrad();
  }
  assert.equal(grad(), expected);
});

test("tfjs-backend-wasm ships LRN and LRNGrad itself (if an upgrade drops them, training the paper model breaks)", () => {
  assert.ok(tf.getKernel("LRN", "wasm"));
  assert.ok(tf.getKernel("LRNGrad", "wasm"));
});

test("registration is idempotent and nothing leaks through a training step", async () => {
  assert.equal(registerWasmMaxPoolGrad(), ["MaxPoolGrad"]);
  assert.equal(registerWasmMaxPoolGrad(), ["MaxPoolGrad"]);
  await selectBackend("wasm", quiet);
  const tensors = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  const w = tf.tidy(() => tf.variable(tf.randomNormal([3, 3, 4, 8])));
  const x = tf.randomNormal([2, 9, 9, 4]) as tf.Tensor4D;
  const optimizer = tf.train.sgd(0.01);
  for (let i = 0; i < 3; i++) {
    optimizer.minimize(() => {
      const y = tf.localResponseNormalization(tf.relu(tf.conv2d(x, w as tf.Tensor4D, 1, "same")) as tf.Tensor4D, 2, 2, 2e-5, 0.75);
      return tf.sum(tf.maxPool(y, 3, 2, "valid"));
    });
  }
  optimizer.dispose();
  tf.dispose([w, x]);
  assert.is(tf.memory().numTensors, tensors);
  assert.is(tf.engine().backend.numDataIds(), dataIds);
});

test.run();
