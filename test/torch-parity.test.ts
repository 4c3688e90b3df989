/**
 * The generated code against PyTorch, numerically: grouped convolution, LRN, max pooling (ceil
 * mode, −∞ padding) and average pooling (count_include_pad, ceil mode's partial windows) are compiled from small specs with the real compiler, built by the generated
 * model.ts, and fed PyTorch's inputs from test/fixtures/torch/ (made by make_fixtures.py with
 * python3-torch; torch is not needed here). Outputs and gradients must equal PyTorch's, on the cpu
 * backend and on wasm (with alexc's conv-gradient and MaxPoolGrad kernels).
 *
 * Tolerance: max |tfjs − torch| ≤ 1e-5 × max |torch|, for outputs and gradients alike. Both sides
 * compute in float32 in different orders, so they differ in the last bits: measured at most 1.8e-7 for outputs and 2.7e-7 for gradients, so 1e-5 leaves a
 * margin of 35× and still fails a wrong alpha scaling, window, group order or padding value, each
 * off by 1e-3 or (much) more.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend, setTorchConv2dWeights } from "../src/runtime/index.js";
import { checkSource } from "../src/check/check-spec.js";
import { emitModel } from "../src/emit/emit.js";
import { writeOutputs } from "../src/emit/write.js";
import { FIXTURES, ROOT, importTs } from "./support.js";
import { relErr } from "./numeric.js";

const OUTPUT_TOL = 1e-5;
const GRAD_TOL = 1e-5;
const BACKENDS = ["cpu", "wasm"] as const;

const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, "torch", name), "utf8"));
const lrnCases = fixture("lrn.json").cases as LrnCase[];
const convCases = fixture("grouped-conv.json").cases as ConvCase[];
const poolCases = fixture("maxpool.json").values as PoolCase[];
const avgCases = fixture("avgpool.json").cases as AvgCase[];

interface Common {
  name?: string;
  shape: number[];
  x: number[];
  y: number[];
  dy: number[];
  dx: number[];
}
interface LrnCase extends Common {
  size: number;
  alpha: number;
  beta: number;
  k: number;
}
interface ConvCase extends Common {
  out: number;
  kernel: number[];
  stride: number[];
  padding: number[];
  groups: number;
  weightShape: number[];
  weight: number[];
  bias: number[];
  dweight: number[];
  dbias: number[];
}
interface PoolCase extends Common {
  kernel: number;
  stride: number;
  padding: number;
  ceil_mode: boolean;
}
interface AvgCase extends Common {
  kernel: number[];
  stride: number[];
  padding: number[];
  ceil_mode: boolean;
  count_include_pad: boolean;
}

// Generated code imports `alexc/runtime/layers`, which resolves inside this package: compile under it.
mkdirSync(join(ROOT, "tmp"), { recursive: true });
const outRoot = mkdtempSync(join(ROOT, "tmp", "parity-"));
let specCount = 0;
// Other suites may run first in the same process: count from here.
let tensorsBefore = 0;
test.before(async () => {
  // Run alone, no suite has started a backend yet, and tf.memory() would throw (which uvu reports
  // as zero tests passed, not as a failure).
  await selectBackend("cpu", () => {});
  tensorsBefore = tf.memory().numTensors;
});

/** Compiles a one-layer spec (plus flatten, so the output is PyTorch's NCHW order) and builds it. */
async function build(layer: string, shape: number[]): Promise<tf.LayersModel> {
  const name = `case${specCount++}`;
  const text = `model ${name} {\n  input ${shape[1]}x${shape[2]}x${shape[3]}\n  ${layer}\n  flatten\n}\n`;
  const r = checkSource(`${name}.anet`, text);
  assert.ok(r.checked?.complete, `${layer}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity === "error"))}`);
  const out = emitModel(r.checked!, r.file);
  writeOutputs(outRoot, out.dir, out.files);
  const mod = (await importTs(join(outRoot, out.dir, "model.ts"))) as { buildModel(): tf.LayersModel };
  return mod.buildModel();
}

const nhwc = (flat: number[], shape: number[]): tf.Tensor4D =>
  tf.tensor4d(flat, shape as [number, number, number, number]).transpose([0, 2, 3, 1]);
const nchw = (t: tf.Tensor): tf.Tensor => t.transpose([0, 3, 1, 2]);

/** Output (NCHW order, thanks to the flatten) and input gradient for PyTorch's upstream gradient. */
function run(model: tf.LayersModel, c: Common): { y: Float32Array; dx: Float32Array } {
  return tf.tidy(() => {
    const x = nhwc(c.x, c.shape);
    const y = model.predict(x) as tf.Tensor;
    const dy = tf.tensor(c.dy, y.shape);
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, dy)))(x);
    return { y: y.dataSync() as Float32Array, dx: nchw(dx).dataSync() as Float32Array };
  });
}

function expectClose(what: string, actual: ArrayLike<number>, expected: number[], tol: number): void {
  assert.is(actual.length, expected.length, "element count");
  const err = relErr(actual, expected);
  assert.ok(err <= tol, `${what}: relative error ${err.toExponential(2)} > ${tol}`);
}

/** Output and input gradient of a one-layer spec on `backend` against PyTorch's figures. */
async function expectLayerMatches(backend: (typeof BACKENDS)[number], layer: string, c: Common): Promise<void> {
  await selectBackend(backend, () => {});
  const model = await build(layer, c.shape);
  try {
    const { y, dx } = run(model, c);
    expectClose("output", y, c.y, OUTPUT_TOL);
    expectClose("input gradient", dx, c.dx, GRAD_TOL);
  } finally {
    model.dispose();
  }
}

for (const backend of BACKENDS) {
  for (const c of lrnCases) {
    test(`${backend}: lrn ${c.name} equals PyTorch (output and gradient)`, () =>
      expectLayerMatches(backend, `lrn(${c.size}, alpha=${c.alpha}, beta=${c.beta}, k=${c.k})`, c));
  }

  for (const c of convCases) {
    test(`${backend}: conv ${c.name} equals PyTorch with PyTorch's weights loaded (output, input and weight gradients)`, async () => {
      await selectBackend(backend, () => {});
      const hw = (v: number[]) => `${v[0]}x${v[1]}`;
      const model = await build(
        `conv(${c.out}, kernel=${hw(c.kernel)}, stride=${hw(c.stride)}, padding=${hw(c.padding)}, groups=${c.groups})`,
        c.shape,
      );
      try {
        tf.tidy(() =>
          setTorchConv2dWeights(
            model,
            "conv",
            tf.tensor4d(c.weight, c.weightShape as [number, number, number, number]),
            tf.tensor1d(c.bias),
          ),
        );
        const { y, dx } = run(model, c);
        expectClose("output", y, c.y, OUTPUT_TOL);
        expectClose("input gradient", dx, c.dx, GRAD_TOL);
        const [dweight, dbias] = tf.tidy(() => {
          const x = nhwc(c.x, c.shape);
          const dy = tf.tensor(c.dy, [c.shape[0]!, c.y.length / c.shape[0]!]);
          const convs =
            c.groups === 1 ? [model.getLayer("conv")] : Array.from({ length: c.groups }, (_, g) => model.getLayer(`conv.g${g}`));
          const variables = convs.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
          const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x) as tf.Tensor, dy)) as tf.Scalar, variables);
          // Back to PyTorch's layout: [kh, kw, Cin/g, Cout/g] per group → [Cout, Cin/g, kh, kw].
          const kernels = convs.map((_, g) => tf.transpose(grads[variables[2 * g]!.name]!, [3, 2, 0, 1]));
          const biases = convs.map((_, g) => grads[variables[2 * g + 1]!.name]!);
          return [tf.concat(kernels, 0).dataSync(), tf.concat(biases, 0).dataSync()];
        });
        expectClose("weight gradient", dweight!, c.dweight, GRAD_TOL);
        expectClose("bias gradient", dbias!, c.dbias, GRAD_TOL);
      } finally {
        model.dispose();
      }
    });
  }

  for (const c of poolCases) {
    const spec = `maxpool(kernel=${c.kernel}, stride=${c.stride}, padding=${c.padding}, ceil_mode=${c.ceil_mode})`;
    test(`${backend}: ${spec} on ${c.shape.slice(2).join("×")} equals PyTorch, −∞ padding included (output and gradient)`, () =>
      expectLayerMatches(backend, spec, c));
  }

  for (const c of avgCases) {
    const hw = (v: number[]) => `${v[0]}x${v[1]}`;
    const spec = `avgpool(kernel=${hw(c.kernel)}, stride=${hw(c.stride)}, padding=${hw(c.padding)}, ceil_mode=${c.ceil_mode}, count_include_pad=${c.count_include_pad})`;
    test(`${backend}: ${spec} on ${c.shape.slice(2).join("×")} equals PyTorch's nn.AvgPool2d (output and gradient)`, () =>
      expectLayerMatches(backend, spec, c));
  }
}

test("nothing leaks: every test disposed what it built", () => {
  assert.is(tf.memory().numTensors, tensorsBefore);
});

test.after(() => rmSync(outRoot, { recursive: true, force: true }));

test.run();
