/**
 * The geometry kinds of issue 16 against PyTorch, numerically: adaptive average and max pooling
 * (output sizes that divide the input, through tfjs pooling, and sizes that do not, through
 * alexc.adaptivePool2d), zero / reflect / replicate padding, dilated convolutions (strides above 1
 * included) and bias-free conv and dense layers. Each one-layer spec is compiled by the real
 * compiler, built by the generated model.ts and fed PyTorch's inputs from
 * test/fixtures/torch/geometry.json (made by make_geometry_fixtures.py; torch is not needed here).
 * Outputs and input gradients must equal PyTorch's on the cpu and wasm backends.
 *
 * Tolerance as in torch-parity.test.ts: max |tfjs − torch| ≤ 1e-5 × max |torch|. A wrong window
 * (floor for ceil at one end), a reflection that repeats the edge, or tf.mirrorPad's gradient (which
 * drops what reflected cells pass back) are each off by far more.
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

const TOL = 1e-5;
const BACKENDS = ["cpu", "wasm"] as const;

interface Common {
  shape: number[];
  x: number[];
  y: number[];
  dy: number[];
  dx: number[];
}
interface AdaptiveCase extends Common {
  mode: "avg" | "max";
  out: [number, number];
  /** Whole-number inputs clamped at 0: many equal maxima, the gradient to the first only. */
  ties?: boolean;
}
interface PadCase extends Common {
  mode: string;
  sides: [number, number, number, number];
}
interface ConvCase extends Common {
  out: number;
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  groups: number;
  bias: boolean;
  weightShape: number[];
  weight: number[];
  b: number[] | null;
}
interface DenseCase extends Common {
  out: number;
  weight: number[];
}
const fixture = JSON.parse(readFileSync(join(FIXTURES, "torch", "geometry.json"), "utf8")) as {
  adaptive: AdaptiveCase[];
  pad: PadCase[];
  conv: ConvCase[];
  dense: DenseCase[];
};

mkdirSync(join(ROOT, "tmp"), { recursive: true });
const outRoot = mkdtempSync(join(ROOT, "tmp", "geometry-"));
let specCount = 0;
let tensorsBefore = 0;
test.before(async () => {
  await selectBackend("cpu", () => {});
  tensorsBefore = tf.memory().numTensors;
});

/** Compiles a spec of `layers` on a C×H×W input (plus flatten, so the output is in NCHW order) and builds it. */
async function build(layers: string, chw: number[]): Promise<tf.LayersModel> {
  const name = `geometry${specCount++}`;
  const text = `model ${name} {\n  input ${chw.join("x")}\n  ${layers}\n  flatten\n}\n`;
  const r = checkSource(`${name}.anet`, text);
  assert.ok(r.checked?.complete, `${layers}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity === "error"))}`);
  const out = emitModel(r.checked!, r.file);
  writeOutputs(outRoot, out.dir, out.files);
  const mod = (await importTs(join(outRoot, out.dir, "model.ts"))) as { buildModel(): tf.LayersModel };
  return mod.buildModel();
}

/** NCHW (or N×features, as N×F×1×1) PyTorch data as the NHWC tensor tfjs takes. */
function nhwc(flat: number[], shape: number[]): tf.Tensor4D {
  const [n, c, h, w] = [shape[0]!, shape[1]!, shape[2] ?? 1, shape[3] ?? 1];
  return tf.tensor4d(flat, [n, c, h, w]).transpose([0, 2, 3, 1]);
}

function expectClose(what: string, actual: ArrayLike<number>, expected: number[]): void {
  assert.is(actual.length, expected.length, `${what}: element count`);
  const err = relErr(actual, expected);
  assert.ok(err <= TOL, `${what}: relative error ${err.toExponential(2)} > ${TOL}`);
}

async function expectMatches(
  backend: (typeof BACKENDS)[number],
  layers: string,
  c: Common,
  setWeights?: (m: tf.LayersModel) => void,
): Promise<void> {
  await selectBackend(backend, () => {});
  const model = await build(layers, [c.shape[1]!, c.shape[2] ?? 1, c.shape[3] ?? 1]);
  try {
    setWeights?.(model);
    const { y, dx } = tf.tidy(() => {
      const x = nhwc(c.x, c.shape);
      const out = model.predict(x) as tf.Tensor;
      const dy = tf.tensor(c.dy, out.shape);
      const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, dy)))(x);
      return { y: out.dataSync(), dx: grad.transpose([0, 3, 1, 2]).dataSync() };
    });
    expectClose("output", y, c.y);
    expectClose("input gradient", dx, c.dx);
  } finally {
    model.dispose();
  }
}

const hw = (v: number[]) => `${v[0]}x${v[1]}`;

for (const backend of BACKENDS) {
  for (const c of fixture.adaptive) {
    const spec = `adaptive_${c.mode}pool(${hw(c.out)})`;
    test(`${backend}: ${spec} on ${hw(c.shape.slice(2))}${c.ties ? " with ties" : ""} equals nn.Adaptive${c.mode === "avg" ? "Avg" : "Max"}Pool2d (output and gradient)`, () =>
      expectMatches(backend, spec, c));
  }

  for (const c of fixture.pad) {
    const [l, r, t, b] = c.sides;
    const spec = `pad(left=${l}, right=${r}, top=${t}, bottom=${b}, mode=${c.mode})`;
    test(`${backend}: ${spec} on ${hw(c.shape.slice(2))} equals PyTorch's ${c.mode} padding (output and gradient)`, () =>
      expectMatches(backend, spec, c));
  }

  for (const c of fixture.conv) {
    const spec =
      `conv(${c.out}, kernel=${hw(c.kernel)}, stride=${hw(c.stride)}, padding=${hw(c.padding)}, ` +
      `dilation=${hw(c.dilation)}, groups=${c.groups}, bias=${c.bias})`;
    test(`${backend}: ${spec} on ${hw(c.shape.slice(2))} equals nn.Conv2d with its weights (output and gradient)`, () =>
      expectMatches(backend, spec, c, (model) =>
        tf.tidy(() =>
          setTorchConv2dWeights(
            model,
            "conv",
            tf.tensor4d(c.weight, c.weightShape as [number, number, number, number]),
            c.b ? tf.tensor1d(c.b) : undefined,
          ),
        ),
      ));
  }

  for (const c of fixture.dense) {
    test(`${backend}: dense(${c.out}, bias=false) equals nn.Linear(bias=False) with its weights (output and gradient)`, () =>
      expectMatches(backend, `flatten\n  dense(${c.out}, bias=false)`, c, (model) =>
        tf.tidy(() => model.getLayer("dense").setWeights([tf.tensor2d(c.weight, [c.out, c.shape[1]!]).transpose()])),
      ));
  }
}

test("nothing leaks: every test disposed what it built", () => {
  assert.is(tf.memory().numTensors, tensorsBefore);
});

test.after(() => rmSync(outRoot, { recursive: true, force: true }));

test.run();
