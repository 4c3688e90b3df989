/**
 * Runtime tests: alexc's wasm gradient kernels (convolutions, matMul) against the cpu
 * backend (the reference implementation), a short wasm training run with a
 * tensor-leak check, and backend selection.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs";
import { AlexcRuntimeError, registerWasmGradientKernels, selectBackend, unregisterWasmGradientKernels } from "../src/runtime/index.js";
import { drawFrom, relErr as relativeError } from "./numeric.js";
import { ROOT } from "./support.js";

/** Max |wasm − cpu| over max |cpu|: element-wise ratios blow up near zero. */
const REL_TOL = 1e-4;
const quiet = (): void => {};

type Shape4 = [number, number, number, number];
type Pad = "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];

/** Zero-gradient cases compare exact zeros: a floor of 1e-12 keeps them finite. */
const relErr = (actual: ArrayLike<number>, expected: ArrayLike<number>): number => relativeError(actual, expected, 1e-12);

const dataIds = (): number => tf.engine().backend.numDataIds();

interface ConvCase {
  name: string;
  x: Shape4;
  k: Shape4;
  stride: number | [number, number];
  pad: Pad;
}
const CONV_CASES: ConvCase[] = [
  {
    name: "11x11 stride 4, explicit pad [2,2]/[1,2]",
    x: [2, 35, 35, 3],
    k: [11, 11, 3, 8],
    stride: 4,
    pad: [
      [0, 0],
      [2, 2],
      [1, 2],
      [0, 0],
    ],
  },
  { name: "5x5 stride 1, pad 2", x: [2, 13, 13, 4], k: [5, 5, 4, 6], stride: 1, pad: 2 },
  { name: "3x3 stride 2 'valid', inexact division", x: [2, 10, 10, 3], k: [3, 3, 3, 5], stride: 2, pad: "valid" },
  { name: "3x3 stride 2 'same' (asymmetric)", x: [2, 8, 8, 3], k: [3, 3, 3, 4], stride: 2, pad: "same" },
  { name: "1x1", x: [2, 6, 6, 5], k: [1, 1, 5, 7], stride: 1, pad: "valid" },
  { name: "3x3 stride 1 'same', non-square", x: [3, 9, 7, 4], k: [3, 3, 4, 6], stride: 1, pad: "same" },
  { name: "batch 1, 1 channel, 5x5 stride 2", x: [1, 12, 12, 1], k: [5, 5, 1, 3], stride: 2, pad: "same" },
  {
    name: "explicit pad wider than kernel (stock dx path)",
    x: [1, 4, 4, 2],
    k: [2, 2, 2, 3],
    stride: 1,
    pad: [
      [0, 0],
      [3, 0],
      [0, 3],
      [0, 0],
    ],
  },
  { name: "1x1 stride 2 (trailing inserted zeros sliced off)", x: [2, 7, 7, 3], k: [1, 1, 3, 4], stride: 2, pad: "valid" },
  {
    name: "strides [2,1], explicit bottom pad wider than kernel",
    x: [1, 6, 6, 2],
    k: [2, 2, 2, 3],
    stride: [2, 1],
    pad: [
      [0, 0],
      [0, 3],
      [1, 3],
      [0, 0],
    ],
  },
  { name: "5x5 stride 3 (stock dx path)", x: [2, 14, 14, 3], k: [5, 5, 3, 4], stride: 3, pad: "same" },
  { name: "1x1 stride 4 'valid', 3 unread rows and cols (dW slices x)", x: [2, 12, 12, 2], k: [1, 1, 2, 3], stride: 4, pad: "valid" },
  {
    name: "11x11 stride 4 'valid', 1 unread row and col (dW slices its result)",
    x: [2, 40, 40, 3],
    k: [11, 11, 3, 4],
    stride: 4,
    pad: "valid",
  },
  {
    name: "windows that see only padding (zero dW)",
    x: [1, 1, 1, 2],
    k: [1, 1, 2, 3],
    stride: 5,
    pad: [
      [0, 0],
      [3, 0],
      [3, 0],
      [0, 0],
    ],
  },
];

/** [dx, dw] of conv2d on `backend` for inputs drawn from a fixed seed. */
async function convGrads(backend: "cpu" | "wasm", c: ConvCase): Promise<Float32Array[]> {
  await selectBackend(backend, quiet);
  const draw = drawFrom(1234);
  const conv = (x: tf.Tensor, w: tf.Tensor): tf.Tensor => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad);
  return tf.tidy(() => {
    const x = tf.tensor4d(draw(tf.util.sizeFromShape(c.x)), c.x);
    const w = tf.tensor4d(draw(tf.util.sizeFromShape(c.k)), c.k);
    const yShape = conv(x, w).shape;
    const dy = tf.tensor(draw(tf.util.sizeFromShape(yShape)), yShape);
    return tf
      .grads(conv)([x, w], dy)
      .map((g) => g.dataSync() as Float32Array);
  });
}

test("importing alexc/runtime leaves Node's source-map setting as it found it (off only while tfjs loads)", () => {
  const probe = `import "alexc/runtime"; process.stdout.write(String(process.sourceMapsEnabled));`;
  for (const [flags, expected] of [
    [[], "false"],
    [["--enable-source-maps"], "true"],
  ] as const) {
    const r = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", probe], { cwd: ROOT, encoding: "utf8" });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, expected, flags.join(" "));
  }
});

test('selectBackend("tensorflow") refuses to fall back when no native binding is installed', async () => {
  const resolvable = (pkg: string): boolean => {
    try {
      createRequire(import.meta.url).resolve(pkg);
      return true;
    } catch {
      return false;
    }
  };
  if (resolvable("@tensorflow/tfjs-node-gpu") || resolvable("@tensorflow/tfjs-node")) {
    assert.is((await selectBackend("tensorflow", quiet)).name, "tensorflow");
    return;
  }
  try {
    await selectBackend("tensorflow", quiet);
    assert.unreachable("should have rejected");
  } catch (err) {
    assert.instance(err, AlexcRuntimeError);
    assert.match((err as Error).message, "npm install @tensorflow/tfjs-node-gpu");
    assert.match((err as Error).message, "@tensorflow/tfjs-node`");
  }
});

test('selectBackend("wasm") announces itself once and is idempotent', async () => {
  const lines: string[] = [];
  const first = await selectBackend("wasm", (l) => lines.push(l));
  const second = await selectBackend("wasm", (l) => lines.push(l));
  assert.equal(first, second);
  assert.is(first.name, "wasm");
  assert.is(tf.getBackend(), "wasm");
  assert.ok(lines.length <= 1, "announced at most once");
  if (lines[0] !== undefined) assert.match(lines[0], /^alexc: backend wasm \(.*Conv2DBackpropFilter.* supplied by alexc\)$/);
  assert.equal(registerWasmGradientKernels(), ["Conv2DBackpropFilter", "Conv2DBackpropInput", "BatchMatMul"]);
});

test("ALEXC_BACKEND sets the default choice and is validated", async () => {
  const saved = process.env["ALEXC_BACKEND"];
  try {
    process.env["ALEXC_BACKEND"] = "cpu";
    assert.is((await selectBackend(undefined, quiet)).name, "cpu");
    process.env["ALEXC_BACKEND"] = "tpu";
    try {
      await selectBackend(undefined, quiet);
      assert.unreachable("should have rejected");
    } catch (err) {
      assert.instance(err, AlexcRuntimeError);
    }
  } finally {
    if (saved === undefined) delete process.env["ALEXC_BACKEND"];
    else process.env["ALEXC_BACKEND"] = saved;
  }
});

for (const c of CONV_CASES) {
  test(`conv gradients on wasm match cpu: ${c.name}`, async () => {
    const [cpuDx, cpuDw] = await convGrads("cpu", c);
    await selectBackend("wasm", quiet);
    const before = [tf.memory().numTensors, dataIds()];
    const [wasmDx, wasmDw] = await convGrads("wasm", c);
    assert.equal([tf.memory().numTensors, dataIds()], before, "no tensors or wasm buffers leaked");
    const errDx = relErr(wasmDx!, cpuDx!);
    const errDw = relErr(wasmDw!, cpuDw!);
    assert.ok(errDx < REL_TOL, `dx relative error ${errDx}`);
    assert.ok(errDw < REL_TOL, `dW relative error ${errDw}`);
  });
}

interface MatMulCase {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}
/** Each transpose combination, both operand orders of size (which picks the dX form), rank 3 with batch 1, and batched (stock). */
const MATMUL_CASES: MatMulCase[] = [
  { a: [6, 40], b: [6, 24], transposeA: true, transposeB: false },
  { a: [6, 24], b: [40, 24], transposeA: false, transposeB: true },
  { a: [40, 6], b: [3, 6], transposeA: false, transposeB: true },
  { a: [40, 6], b: [24, 40], transposeA: true, transposeB: true },
  { a: [1, 6, 40], b: [1, 6, 24], transposeA: true, transposeB: false },
  { a: [1, 6, 24], b: [40, 24], transposeA: false, transposeB: true },
  { a: [3, 6, 40], b: [3, 6, 24], transposeA: true, transposeB: false },
  { a: [6, 40], b: [40, 24], transposeA: false, transposeB: false },
];

async function matMul(backend: "cpu" | "wasm", c: MatMulCase): Promise<{ shape: number[]; values: Float32Array }> {
  await selectBackend(backend, quiet);
  const draw = drawFrom(77);
  return tf.tidy(() => {
    const y = tf.matMul(
      tf.tensor(draw(tf.util.sizeFromShape(c.a)), c.a),
      tf.tensor(draw(tf.util.sizeFromShape(c.b)), c.b),
      c.transposeA,
      c.transposeB,
    );
    return { shape: y.shape, values: y.dataSync() as Float32Array };
  });
}

for (const c of MATMUL_CASES) {
  test(`matMul on wasm matches cpu: ${JSON.stringify(c.a)}${c.transposeA ? "ᵀ" : ""} · ${JSON.stringify(c.b)}${c.transposeB ? "ᵀ" : ""}`, async () => {
    const cpu = await matMul("cpu", c);
    await selectBackend("wasm", quiet);
    const before = [tf.memory().numTensors, dataIds()];
    const wasm = await matMul("wasm", c);
    assert.equal([tf.memory().numTensors, dataIds()], before, "no tensors or wasm buffers leaked");
    assert.equal(wasm.shape, cpu.shape);
    const err = relErr(wasm.values, cpu.values);
    assert.ok(err < REL_TOL, `relative error ${err}`);
  });
}

test("a dense layer's gradients on wasm match cpu", async () => {
  const grads = async (backend: "cpu" | "wasm"): Promise<Float32Array[]> => {
    await selectBackend(backend, quiet);
    const draw = drawFrom(5);
    return tf.tidy(() => {
      const x = tf.tensor2d(draw(4 * 30), [4, 30]);
      const w = tf.tensor2d(draw(30 * 12), [30, 12]);
      const bias = tf.tensor1d(draw(12));
      const f = (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor): tf.Tensor =>
        tf.fused
          .matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: "relu" })
          .square()
          .sum();
      return tf
        .grads(f)([x, w, bias])
        .map((g) => g.dataSync() as Float32Array);
    });
  };
  const cpu = await grads("cpu");
  const wasm = await grads("wasm");
  cpu.forEach((expected, i) =>
    assert.ok(relErr(wasm[i]!, expected) < REL_TOL, `gradient ${i}: relative error ${relErr(wasm[i]!, expected)}`),
  );
});

test("a small conv net trains on wasm: finite loss, no leak across steps", async () => {
  await selectBackend("wasm", quiet);
  const draw = drawFrom(99);
  const model = tf.sequential({
    layers: [
      tf.layers.zeroPadding2d({
        inputShape: [16, 16, 3],
        padding: [
          [2, 1],
          [1, 2],
        ],
      }),
      tf.layers.conv2d({
        filters: 8,
        kernelSize: 5,
        strides: 2,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      // Needs an input gradient: exercises alexc's Conv2DBackpropInput.
      tf.layers.conv2d({
        filters: 6,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: "categoricalCrossentropy" });
  const xs = tf.tensor4d(draw(8 * 16 * 16 * 3), [8, 16, 16, 3]);
  const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], "int32"), 4);
  const kernel0 = model.layers[1]!.getWeights()[0]!.dataSync().slice() as Float32Array;
  const counts: number[][] = [];
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    losses.push(Number(await model.trainOnBatch(xs, ys)));
    counts.push([tf.memory().numTensors, dataIds()]);
  }
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.equal(counts[2], counts[0], `tensor / buffer counts per step ${JSON.stringify(counts)}`);
  assert.ok(relErr(model.layers[1]!.getWeights()[0]!.dataSync() as Float32Array, kernel0) > 0, "first conv was updated");
  tf.dispose([xs, ys]);
  model.dispose();
});

test("unregisterWasmGradientKernels restores stock wasm (which cannot train a conv)", async () => {
  await selectBackend("wasm", quiet);
  const filterGrad = (): void => {
    tf.tidy(() => {
      const x = tf.ones([1, 5, 5, 2]);
      tf.grad((w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "valid").sum())(tf.ones([3, 3, 2, 2]));
    });
  };
  try {
    unregisterWasmGradientKernels();
    assert.throws(filterGrad, /Conv2DBackpropFilter/);
    assert.ok(tf.getKernel("Conv2DBackpropInput", "wasm") !== undefined, "stock Conv2DBackpropInput is back");
    assert.ok(tf.getKernel("BatchMatMul", "wasm") !== undefined, "stock BatchMatMul is back");
  } finally {
    registerWasmGradientKernels();
  }
  filterGrad();
});

test.run();
