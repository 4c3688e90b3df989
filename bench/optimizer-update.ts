/**
 * The optimizer update of VGG-11's 4096×4096 dense weight (64 MiB) on wasm (its largest, 25088×4096,
 * does not fit here: tfjs's Adam update alone holds some fourteen temporaries of its size at once):
 * tfjs's stock momentum SGD and Adam against alexc's in-place update (src/runtime/wasm-optimizer.ts),
 * side by side in one process, alternating. Reports milliseconds per update. (Memory: the stock update
 * holds four temporaries of the parameter's size at once, alexc's none; docs/training.md.)
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/runtime/backend.js";
import { buildOptimizer, optimizerSettings } from "../src/runtime/training-table.js";
import { updateInPlaceOnWasm } from "../src/runtime/wasm-optimizer.js";
import { machine, main, type BenchResult, type Metric } from "./common.js";

const SHAPE = [4096, 4096];
const ROUNDS = Number(process.env["BENCH_REPS"] ?? 9);

export async function run(): Promise<BenchResult> {
  await selectBackend("wasm", () => {});
  const metrics: Metric[] = [];
  for (const name of ["sgd", "adam"] as const) {
    const settings = optimizerSettings(name, name === "sgd" ? { lr: 0.01, momentum: 0.9 } : {});
    const label = name === "sgd" ? "sgd(momentum=0.9)" : "adam";
    const w = tf.variable(tf.randomUniform(SHAPE, -0.01, 0.01), true, `bench/${name}`);
    const g = tf.randomUniform(SHAPE, -1, 1);
    const times = { stock: [] as number[], alexc: [] as number[] };
    const optimizers = { stock: buildOptimizer(tf.train, settings), alexc: updateInPlaceOnWasm(buildOptimizer(tf.train, settings), 0) };
    // The first update creates the optimizer's state: not timed.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const which of ["stock", "alexc"] as const) {
        const t = performance.now();
        // wasm kernels run synchronously: the update is done when this returns (no read-back to time).
        optimizers[which].applyGradients({ [w.name]: g });
        if (round > 0) times[which].push(performance.now() - t);
      }
    }
    metrics.push({ name: `${label}: stock tfjs update`, unit: "ms", samples: times.stock });
    metrics.push({ name: `${label}: alexc in-place update`, unit: "ms", samples: times.alexc });
    tf.dispose([w, g]);
    optimizers.stock.dispose();
    optimizers.alexc.dispose();
  }
  return {
    name: "optimizer-update",
    title: "Optimizer update of VGG-11's 4096×4096 dense weight on wasm: stock tfjs vs alexc in place",
    metrics,
    notes: [`machine: ${JSON.stringify(machine())}`],
  };
}

await main(import.meta.url, run);
