/**
 * alexc's runtime layers (`alexc/runtime/layers`): a model using all of them saves and loads back
 * through tfjs serialisation with the same outputs, shapes are computed without running the layers,
 * bad configurations fail at construction, and setTorchConv2dWeights refuses weights that do not fit.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs";
import { assertSavesAndLoads } from "./serialisation.js";
import * as alexc from "../src/runtime/layers.js";
import { selectBackend, setTorchConv2dWeights } from "../src/runtime/index.js";

test.before(async () => {
  await selectBackend("cpu", () => {});
});

function buildAll(): tf.LayersModel {
  const input = tf.input({ shape: [7, 6, 4] });
  let x = alexc.localResponseNorm({ name: "lrn", size: 3, alpha: 0.5, beta: 0.75, k: 2 }).apply(input) as tf.SymbolicTensor;
  x = alexc.localResponseNorm({ name: "lrn_even", size: 2, alpha: 0.5 }).apply(x) as tf.SymbolicTensor;
  x = alexc
    .negInfPadding2d({
      name: "pad",
      padding: [
        [0, 1],
        [1, 1],
      ],
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "valid" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .concatenate({ name: "g" })
    .apply([
      alexc.chain(x, [
        alexc.channelSlice({ name: "g.g0.in", begin: 0, size: 2 }),
        tf.layers.conv2d({ name: "g.g0", filters: 3, kernelSize: 1 }),
      ]),
      alexc.chain(x, [
        alexc.channelSlice({ name: "g.g1.in", begin: 2, size: 2 }),
        tf.layers.conv2d({ name: "g.g1", filters: 3, kernelSize: 1 }),
      ]),
    ]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

test("shapes: slice, −∞ padding and LRN are known before anything runs", () => {
  const model = buildAll();
  try {
    assert.equal(model.getLayer("pad").outputShape, [null, 8, 8, 4]);
    assert.equal(model.getLayer("g.g0.in").outputShape, [null, 4, 4, 2]);
    assert.equal(model.getLayer("g").outputShape, [null, 4, 4, 6]);
  } finally {
    model.dispose();
  }
});

test("a model with every runtime layer saves and loads back with the same outputs", async () => {
  const model = buildAll();
  const x = tf.randomNormal([2, 7, 6, 4]);
  try {
    await assertSavesAndLoads(model, x, ["alexc.ChannelSlice", "alexc.LocalResponseNorm", "alexc.NegInfPadding2D"]);
  } finally {
    x.dispose();
    model.dispose();
  }
});

test("−∞ padding: a padded cell never wins a max, even over negative values", () => {
  const y = tf.tidy(() => {
    const x = tf.fill([1, 2, 2, 1], -5);
    const input = tf.input({ shape: [2, 2, 1] });
    const out = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(
      alexc
        .negInfPadding2d({
          padding: [
            [1, 1],
            [1, 1],
          ],
        })
        .apply(input),
    ) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: out });
    const r = Array.from((m.predict(x) as tf.Tensor).dataSync());
    m.dispose();
    return r;
  });
  assert.equal(y, [-5, -5, -5, -5]);
});

test("bad configurations fail when the layer is built", () => {
  assert.throws(() => alexc.channelSlice({ begin: -1, size: 2 }), /begin must be a whole number ≥ 0/);
  assert.throws(() => alexc.localResponseNorm({ size: 0 }), /size must be a whole number ≥ 1/);
  const input = tf.input({ shape: [4, 4, 3] });
  assert.throws(() => alexc.channelSlice({ begin: 2, size: 2 }).apply(input), /channels 2–3 of an input with 3/);
});

test("setTorchConv2dWeights: PyTorch's [Cout, Cin/groups, kh, kw] into the groups' branches, refusing misfits", () => {
  const model = buildAll();
  try {
    // Output channel o of a PyTorch grouped conv lives in branch floor(o / 3) as its filter o mod 3.
    const weight = tf.tensor4d(
      Array.from({ length: 6 * 2 }, (_, i) => i),
      [6, 2, 1, 1],
    );
    setTorchConv2dWeights(model, "g", weight, tf.tensor1d([0, 1, 2, 3, 4, 5]));
    const [k1, b1] = model.getLayer("g.g1").getWeights();
    assert.equal(Array.from(k1!.dataSync()), [6, 8, 10, 7, 9, 11], "[kh, kw, Cin/g, Cout/g] of output channels 3–5");
    assert.equal(Array.from(b1!.dataSync()), [3, 4, 5]);
    assert.throws(
      () => setTorchConv2dWeights(model, "g", tf.zeros([5, 2, 1, 1]) as tf.Tensor4D),
      /2 groups, but the weight has 5 output channels/,
    );
    assert.throws(() => setTorchConv2dWeights(model, "g", tf.zeros([6, 3, 1, 1]) as tf.Tensor4D));
    tf.dispose(weight);
  } finally {
    model.dispose();
  }
});

test.run();
