/**
 * The real thing: for every spec, the tfjs model built by the generated code has, layer by layer,
 * the output shapes and parameter counts the checker reported; and one training step of the
 * generated train.ts on the wasm backend gives a finite loss.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/runtime/index.js";
import { checkSpec } from "../src/compiler.js";
import { outputDir } from "../src/emit.js";
import { shapeDims } from "../src/layers/kind.js";
import { ROOT } from "./support.js";

const specs = readdirSync(join(ROOT, "specs")).filter((f) => f.endsWith(".anet")).sort();
const quiet = (): void => {};

interface GeneratedModel {
  buildModel(): tf.LayersModel;
  INPUT_SHAPE: [number, number, number];
}
interface GeneratedTrainer {
  main(args: string[]): Promise<number[]>;
}

/** tfjs is channels-last: [null, H, W, C] → [C, H, W]; [null, N] → [N]. */
function toChw(shape: tf.Shape): number[] {
  const dims = shape.slice(1) as number[];
  return dims.length === 3 ? [dims[2]!, dims[0]!, dims[1]!] : dims;
}

test.before(async () => {
  await selectBackend("wasm", quiet);
});

const configurations = specs.flatMap((spec) => checkSpec(`specs/${spec}`, readFileSync(join(ROOT, "specs", spec), "utf8")).results.map((r) => ({ spec: r.variant ? `${spec} (${r.variant})` : spec, checked: r.checked! })));

for (const { spec, checked } of configurations) {
  const dir = join(ROOT, "generated", outputDir(checked));

  test(`${spec}: the generated tfjs model agrees with the checker layer by layer`, async () => {
    const mod = (await import(pathToFileURL(join(dir, "model.ts")).href)) as GeneratedModel;
    const model = mod.buildModel();
    try {
      for (const layer of checked.layers) {
        const tfLayer = model.getLayer(layer.name);
        assert.equal(toChw(tfLayer.outputShape as tf.Shape), shapeDims(layer.output), `${layer.name} output shape`);
        // A spec layer may lower to several tfjs layers: its own name plus helpers (`features.4.g0`, `.pad`).
        const parts = model.layers.filter((l) => l.name === layer.name || l.name.startsWith(`${layer.name}.`));
        assert.is(parts.reduce((n, l) => n + BigInt(l.countParams()), 0n), layer.params, `${layer.name} params`);
      }
      assert.is(BigInt(model.countParams()), checked.totals.params);
      assert.equal(toChw(model.outputs[0]!.shape), shapeDims(checked.output!));
    } finally {
      model.dispose();
    }
  });

  test(`${spec}: one training step of the generated train.ts on wasm gives a finite loss`, async () => {
    const trainer = (await import(pathToFileURL(join(dir, "train.ts")).href)) as GeneratedTrainer;
    const log = console.log;
    console.log = quiet;
    try {
      const before = tf.memory().numTensors;
      const losses = await trainer.main(["--steps", "1", "--batch", "2", "--backend", "wasm"]);
      assert.is(losses.length, 1);
      assert.ok(Number.isFinite(losses[0]), `loss ${losses[0]}`);
      assert.ok(losses[0]! > 0);
      assert.is(tf.getBackend(), "wasm");
      assert.is(tf.memory().numTensors, before, "the trainer disposes what it creates");
    } finally {
      console.log = log;
    }
  });
}

test.run();
