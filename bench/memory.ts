/**
 * How close is the training-memory estimate (src/views/analysis/memory.ts) to what tfjs really holds?
 * Builds the generated model, runs two training steps on the wasm backend per optimizer and batch
 * size, and compares tf.profile's peak bytes of the second step (optimizer state already
 * allocated) with the estimate. Results are quoted in docs/analysis.md.
 *
 *   npx tsc -p tsconfig.json && npx alexc compile specs/alexnet.anet
 *   node --import tsx bench/memory.ts [specs/alexnet.anet] [batch sizes, e.g. 2,16]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/runtime/index.js";
import { checkSource } from "../src/check/check-spec.js";
import { formatBytes, trainingMemory } from "../src/views/analysis/memory.js";

const spec = process.argv[2] ?? "specs/alexnet.anet";
const batches = (process.argv[3] ?? "2,16").split(",").map(Number);
const optimizers: Record<string, { fn: string; args: Record<string, number>; make: () => tf.Optimizer }> = {
  sgd: { fn: "sgd", args: { lr: 0.01, momentum: 0 }, make: () => tf.train.sgd(0.01) },
  "sgd+momentum": { fn: "sgd", args: { lr: 0.01, momentum: 0.9 }, make: () => tf.train.momentum(0.01, 0.9) },
  adam: { fn: "adam", args: { lr: 0.0002 }, make: () => tf.train.adam(0.0002) },
  rmsprop: { fn: "rmsprop", args: { lr: 0.01, momentum: 0 }, make: () => tf.train.rmsprop(0.01, 0.99, 0, 1e-8) },
};

await selectBackend("wasm", () => {});
const result = checkSource(spec, readFileSync(spec, "utf8"));
const checked = result.checked!;
const dir = join(process.cwd(), "generated", checked.model.name);
const mod = (await import(pathToFileURL(join(dir, "model.ts")).href)) as {
  buildModel(): tf.LayersModel;
  INPUT_SHAPE: [number, number, number];
  NUM_CLASSES: number;
};
const train = (await import(pathToFileURL(join(dir, "train.ts")).href)) as { loss: (a: tf.Tensor, b: tf.Tensor) => tf.Scalar };

console.log(`${spec}: ${checked.totals.params} params, tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}\n`);
console.log("| optimizer | batch | estimate | of which activations | tfjs peak | peak / estimate |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, o] of Object.entries(optimizers)) {
  for (const batch of batches) {
    checked.model.train.optimizer = { fn: o.fn, args: o.args };
    const estimate = trainingMemory(checked, batch);
    const model = mod.buildModel();
    const optimizer = o.make();
    model.compile({ optimizer, loss: train.loss });
    const x = tf.randomNormal([batch, ...mod.INPUT_SHAPE]);
    const y = tf.oneHot(tf.randomUniform([batch], 0, mod.NUM_CLASSES, "int32") as tf.Tensor1D, mod.NUM_CLASSES);
    await model.trainOnBatch(x, y);
    const profile = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
      return [] as tf.Tensor[];
    });
    // The batch itself is the caller's, not the step's: leave it out of the peak.
    const peak = BigInt(profile.peakBytes) - BigInt((x.size + y.size) * 4);
    const acts = estimate.activations + estimate.activationGradients;
    console.log(
      `| ${name} | ${batch} | ${formatBytes(estimate.total)} | ${formatBytes(acts)} | ${formatBytes(peak)} | ${(Number(peak) / Number(estimate.total)).toFixed(2)} |`,
    );
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  }
}
