/**
 * The generated code against PyTorch for the activations (tanh, sigmoid, leaky_relu, elu, gelu,
 * softmax) and batch normalisation: small specs compiled with the real compiler, built by the
 * generated model.ts, fed PyTorch's inputs from test/fixtures/torch/ (made by make_norm_fixtures.py
 * with python3-torch; torch is not needed here). Outputs and input gradients on the cpu and wasm
 * backends; for batchnorm also training vs evaluation, the running statistics one training step
 * leaves, and the weight and bias gradients.
 *
 * Tolerance as test/torch-parity.test.ts: max |tfjs − torch| ≤ 1e-5 × max |torch|. GELU is also held
 * to 1e-6 absolute against the exact erf form, ten times tighter than its tanh approximation's distance.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/runtime/index.js";
import { checkSource } from "../src/check/check-spec.js";
import { emitModel } from "../src/emit/emit.js";
import { writeOutputs } from "../src/emit/write.js";
import { probabilities } from "../src/runtime/step.js";
import { exportTfjsJson } from "../src/views/export/tfjs-json.js";
import { FIXTURES, ROOT, importTs } from "./support.js";
import { relErr } from "./numeric.js";

const TOL = 1e-5;
const BACKENDS = ["cpu", "wasm"] as const;

const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, "torch", name), "utf8"));
const activations = fixture("activations.json") as { cases: ActCase[]; gelu: { x: number[]; exact: number[]; tanh: number[] } };
const bnCases = fixture("batchnorm.json").cases as BnCase[];

interface ActCase {
  layer: string;
  shape: number[];
  x: number[];
  y: number[];
  dy: number[];
  dx: number[];
}
interface BnCase {
  name: string;
  shape: number[];
  eps: number;
  momentum: number;
  affine: boolean;
  weight: number[] | null;
  bias: number[] | null;
  runningMean: number[];
  runningVar: number[];
  x: number[];
  trainY: number[];
  trainDy: number[];
  trainDx: number[];
  runningMeanAfter: number[];
  runningVarAfter: number[];
  trainDweight?: number[];
  trainDbias?: number[];
  evalY: number[];
  evalDy: number[];
  evalDx: number[];
}

mkdirSync(join(ROOT, "tmp"), { recursive: true });
const outRoot = mkdtempSync(join(ROOT, "tmp", "norm-parity-"));
let specCount = 0;
let tensorsBefore = 0;
test.before(async () => {
  await selectBackend("cpu", () => {});
  tensorsBefore = tf.memory().numTensors;
});

type Built = { buildModel(): tf.LayersModel };
/** Each spec is compiled and imported once; both backends build their model from the same module. */
const modules = new Map<string, Promise<Built>>();

/** Compiles `lines` after an input of `shape` (NCHW, or NC as C×1×1) and builds the generated model. */
async function build(lines: string, shape: number[]): Promise<tf.LayersModel> {
  const [c, h, w] = shape.length === 4 ? shape.slice(1) : [shape[1], 1, 1];
  const body = `  input ${c}x${h}x${w}\n${lines}\n}\n`;
  if (!modules.has(body)) modules.set(body, compile(body));
  return (await modules.get(body)!).buildModel();
}

async function compile(body: string): Promise<Built> {
  const name = `case${specCount++}`;
  const r = checkSource(`${name}.anet`, `model ${name} {\n${body}`);
  assert.ok(r.checked?.complete, `${body}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity === "error"))}`);
  const unacknowledged = r.diagnostics.filter((d) => d.severity === "warning" && !d.acknowledged);
  assert.equal(
    unacknowledged.map((d) => d.code),
    [],
    "no warnings",
  );
  const out = emitModel(r.checked!, r.file);
  writeOutputs(outRoot, out.dir, out.files);
  return (await importTs(join(outRoot, out.dir, "model.ts"))) as Built;
}

/** PyTorch's NCHW (or NC) values as the channels-last input tfjs takes. */
const input = (flat: number[], shape: number[]): tf.Tensor4D =>
  shape.length === 4
    ? tf.tensor4d(flat, shape as [number, number, number, number]).transpose([0, 2, 3, 1])
    : tf.tensor4d(flat, [shape[0]!, 1, 1, shape[1]!]);
/** Back to PyTorch's order, flat. */
const torchOrder = (t: tf.Tensor): Float32Array => (t.rank === 4 ? t.transpose([0, 3, 1, 2]) : t).dataSync() as Float32Array;

function expectClose(what: string, actual: ArrayLike<number>, expected: number[], tol = TOL): void {
  assert.is(actual.length, expected.length, `${what}: element count`);
  const err = relErr(actual, expected);
  assert.ok(err <= tol, `${what}: relative error ${err.toExponential(2)} > ${tol}`);
}

/** Output and input gradient (for PyTorch's upstream gradient) of `model`, in PyTorch's order. */
function forwardBackward(model: tf.LayersModel, x: number[], shape: number[], dy: number[], training: boolean) {
  return tf.tidy(() => {
    const xt = input(x, shape);
    const y = model.apply(xt, { training }) as tf.Tensor;
    const dyt = tf.tensor(dy, y.shape);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(model.apply(v, { training }) as tf.Tensor, dyt)))(xt);
    return { y: y.dataSync() as Float32Array, dx: torchOrder(dx) };
  });
}

for (const backend of BACKENDS) {
  for (const c of activations.cases) {
    // Softmax is tested inside the network (acknowledged), where it is applied; at the end it is an identity (below).
    const lines = c.layer === "softmax" ? `  flatten\n  softmax allow softmax_not_last "parity"\n  dropout(0)` : `  ${c.layer}\n  flatten`;
    test(`${backend}: ${c.layer} equals PyTorch (output and input gradient)`, async () => {
      await selectBackend(backend, () => {});
      const model = await build(lines, c.shape);
      try {
        const { y, dx } = forwardBackward(model, c.x, c.shape, c.dy, false);
        expectClose("output", y, c.y);
        expectClose("input gradient", dx, c.dx);
      } finally {
        model.dispose();
      }
    });
  }

  test(`${backend}: gelu is the exact erf form: within 1e-6 of PyTorch's nn.GELU(), not its tanh approximation`, async () => {
    await selectBackend(backend, () => {});
    const g = activations.gelu;
    const model = await build("  gelu\n  flatten", [1, g.x.length, 1, 1]);
    try {
      const y = tf.tidy(() => (model.predict(input(g.x, [1, g.x.length])) as tf.Tensor).dataSync());
      const worst = (ref: number[]) => Math.max(...ref.map((v, i) => Math.abs(y[i]! - v)));
      assert.ok(worst(g.exact) <= 1e-6, `max |tfjs − exact| ${worst(g.exact).toExponential(2)}`);
      assert.ok(worst(g.tanh) > 1e-4, `the tanh approximation is ${worst(g.tanh).toExponential(2)} away`);
    } finally {
      model.dispose();
    }
  });

  test(`${backend}: a final softmax is applied once: the model gives logits, predict's probabilities equal PyTorch's softmax`, async () => {
    await selectBackend(backend, () => {});
    const c = activations.cases.find((k) => k.layer === "softmax")!;
    const model = await build("  flatten\n  softmax", c.shape);
    try {
      const logits = tf.tidy(() => (model.predict(input(c.x, c.shape)) as tf.Tensor).dataSync());
      expectClose("model output = logits", logits, c.x, 1e-7);
      const n = c.shape[0]!;
      const p = probabilities(model, { x: Float32Array.from(c.x), y: new Int32Array(n), n } as never, [1, 1, c.shape[1]!]);
      expectClose("probabilities", p, c.y);
    } finally {
      model.dispose();
    }
  });

  for (const c of bnCases) {
    test(`${backend}: batchnorm, ${c.name}: training and evaluation equal PyTorch (output, gradients, running statistics)`, async () => {
      await selectBackend(backend, () => {});
      const args = `eps=${c.eps}, momentum=${c.momentum}, affine=${c.affine}`;
      const lines = c.shape.length === 4 ? `  batchnorm(${args})\n  flatten` : `  flatten\n  batchnorm(${args})`;
      const model = await build(lines, c.shape);
      const layer = model.getLayer("batchnorm");
      // tfjs numbers repeated weight names (gamma_1, …) across models in one process.
      const names = layer.weights.map((w) => w.name.split("/").pop()!.replace(/_\d+$/, ""));
      assert.equal(names, c.affine ? ["gamma", "beta", "moving_mean", "moving_variance"] : ["moving_mean", "moving_variance"]);
      const stats = (mean: number[], variance: number[]) =>
        tf.tidy(() =>
          layer.setWeights([...(c.affine ? [tf.tensor1d(c.weight!), tf.tensor1d(c.bias!)] : []), tf.tensor1d(mean), tf.tensor1d(variance)]),
        );
      const running = () =>
        layer
          .getWeights()
          .slice(-2)
          .map((t) => t.dataSync());
      try {
        // One training forward: batch statistics, and the running ones move as PyTorch's.
        stats(c.runningMean, c.runningVar);
        const trainY = tf.tidy(() => (model.apply(input(c.x, c.shape), { training: true }) as tf.Tensor).dataSync());
        expectClose("training output", trainY, c.trainY);
        const [mean, variance] = running();
        expectClose("running_mean after a step", mean!, c.runningMeanAfter);
        expectClose("running_var after a step (unbiased batch variance)", variance!, c.runningVarAfter);

        stats(c.runningMean, c.runningVar);
        const train = forwardBackward(model, c.x, c.shape, c.trainDy, true);
        expectClose("training input gradient", train.dx, c.trainDx);
        if (c.affine) {
          stats(c.runningMean, c.runningVar);
          const [dweight, dbias] = tf.tidy(() => {
            const xt = input(c.x, c.shape);
            const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
            const f = () => {
              const y = model.apply(xt, { training: true }) as tf.Tensor;
              return tf.sum(tf.mul(y, tf.tensor(c.trainDy, y.shape))) as tf.Scalar;
            };
            const { grads } = tf.variableGrads(f, vars);
            return vars.map((v) => grads[v.name]!.dataSync());
          });
          expectClose("weight gradient", dweight!, c.trainDweight!);
          expectClose("bias gradient", dbias!, c.trainDbias!);
        }

        // Evaluation uses the running statistics the step left, and leaves them alone.
        stats(c.runningMeanAfter, c.runningVarAfter);
        const evaluated = forwardBackward(model, c.x, c.shape, c.evalDy, false);
        expectClose("evaluation output", evaluated.y, c.evalY);
        expectClose("evaluation input gradient", evaluated.dx, c.evalDx);
        const [meanAfter, varAfter] = running();
        // Up to the float32 rounding of the fixture's decimals.
        expectClose("running_mean unchanged by evaluation", meanAfter!, c.runningMeanAfter, 1e-7);
        expectClose("running_var unchanged by evaluation", varAfter!, c.runningVarAfter, 1e-7);
      } finally {
        model.dispose();
      }
    });
  }
}

test("why batchnorm is alexc's layer: tfjs-layers' batchNormalization, even with momentum 1 − 0.1 and epsilon 1e-5, moves running_var to the biased variance", async () => {
  await selectBackend("cpu", () => {});
  const c = bnCases[0]!;
  const layer = tf.layers.batchNormalization({ momentum: 1 - c.momentum, epsilon: c.eps });
  const x = tf.tidy(() => input(c.x, c.shape));
  try {
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor); // builds its weights
    tf.tidy(() => layer.setWeights([tf.tensor1d(c.weight!), tf.tensor1d(c.bias!), tf.tensor1d(c.runningMean), tf.tensor1d(c.runningVar)]));
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    const [, , mean, variance] = layer.getWeights().map((w) => w.dataSync());
    expectClose("its running_mean agrees", mean!, c.runningMeanAfter);
    const err = relErr(variance!, c.runningVarAfter);
    // n = 4·5·5 = 100 values per channel: the biased variance is 1% low, 0.1 of which reaches running_var.
    assert.ok(err > 1e-4, `running_var off PyTorch's by ${err.toExponential(2)}`);
    if (process.env["ALEXC_PRINT_MEASURES"]) console.log(`tfjs-layers running_var vs PyTorch: relative ${err.toExponential(2)}`);
  } finally {
    x.dispose();
    layer.dispose();
  }
});

test("alexc export of batchnorm and elu(alpha) reads back with tf.loadLayersModel: same layers, initialisers and outputs", async () => {
  await selectBackend("cpu", () => {});
  const text = `model e {\n  input 3x4x4\n  conv(4, kernel=3)\n  batchnorm(momentum=0.2)\n  elu(0.5)\n  flatten\n  dense(3)\n  init {\n    norm_weight = constant(value=0.5)\n  }\n}\n`;
  const r = checkSource("e.anet", text);
  const files = (await exportTfjsJson(r.checked!, "e.anet", { weights: true, seed: 3 })).files;
  const json = JSON.parse(files.get("model.json") as string);
  const bytes = files.get("weights.bin") as Uint8Array;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    }),
  );
  try {
    const bn = model.getLayer("batchnorm");
    assert.equal(bn.getClassName(), "alexc.BatchNorm");
    const config = bn.getConfig();
    assert.equal([config["momentum"], config["epsilon"]], [0.2, 1e-5]);
    assert.equal(config["gammaInitializer"], { className: "Constant", config: { value: 0.5 } });
    assert.equal(Array.from(bn.getWeights()[0]!.dataSync()), [0.5, 0.5, 0.5, 0.5], "gamma as init set it");
    assert.is(model.getLayer("elu").getClassName(), "alexc.Elu");
    const y = tf.tidy(() => (model.predict(tf.ones([1, 4, 4, 3])) as tf.Tensor).dataSync());
    assert.is(y.length, 3);
    assert.ok(y.every((v) => Number.isFinite(v)));
  } finally {
    model.dispose();
  }
});

test("batchnorm refuses a training batch with one value per channel, as PyTorch does", async () => {
  await selectBackend("cpu", () => {});
  const model = await build("  flatten\n  batchnorm", [1, 3]);
  try {
    assert.throws(
      () => tf.tidy(() => model.apply(tf.ones([1, 1, 1, 3]), { training: true }) as tf.Tensor),
      /more than one value per channel/,
    );
  } finally {
    model.dispose();
  }
});

test("nothing leaks: every test disposed what it built", () => {
  assert.is(tf.memory().numTensors, tensorsBefore);
});

test.after(() => rmSync(outRoot, { recursive: true, force: true }));

test.run();
