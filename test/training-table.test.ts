/**
 * The training settings have one definition (src/runtime/training-table.ts): every optimizer the
 * compiler accepts compiles into a train.ts literal the runtime builds, and the memory estimate
 * counts its state, all by iterating that one table; so adding an optimizer there is enough.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs";
import { checkSource } from "../src/check/check-spec.js";
import { emitModel } from "../src/emit/emit.js";
import { losses, optimizers } from "../src/resolve/sections.js";
import { trainingMemory } from "../src/views/analysis/memory.js";
import { createOptimizer, disposeOptimizer, OPTIMIZER_DEFAULTS, type TrainingSettings } from "../src/runtime/settings.js";
import { camel, LOSSES, OPTIMIZERS, type OptimizerSettings } from "../src/runtime/training-table.js";

const spec = (train: string) => `model tiny {
  input 1x4x4
  flatten
  dense(3)
  train { ${train} }
}
`;

/** The `TRAINING` object a compile writes into train.ts, evaluated as the generated program would. */
function emittedTraining(train: string): { settings: TrainingSettings; memorySlots: number | undefined } {
  const r = checkSource("tiny.anet", spec(train));
  assert.equal(r.diagnostics, [], train);
  const out = emitModel(r.checked!, r.file);
  const source = out.files.get("train.ts")!;
  const body = /export const TRAINING: TrainingSettings = (\{[\s\S]*?\n\});/.exec(source)?.[1];
  assert.ok(body, "train.ts has a TRAINING literal");
  return { settings: Function(`return ${body}`)() as TrainingSettings, memorySlots: trainingMemory(r.checked!, 1).slots };
}

test("the compiler accepts exactly the table's optimizers and losses, with its arguments and defaults", () => {
  assert.equal(Object.keys(optimizers).sort(), Object.keys(OPTIMIZERS).sort());
  assert.equal(Object.keys(losses).sort(), Object.keys(LOSSES).sort());
  for (const [name, entry] of Object.entries(OPTIMIZERS)) {
    for (const [arg, p] of Object.entries(entry.args)) {
      assert.equal(optimizers[name]![arg], { type: "number", ...p }, `${name}.${arg}`);
    }
  }
});

for (const name of Object.keys(OPTIMIZERS)) {
  test(`optimizer ${name}: compiled, built by the runtime with the spec's values, and estimated by memory.ts`, () => {
    // A non-default value for every argument, so a dropped or renamed one shows.
    const args = Object.entries(OPTIMIZERS[name as keyof typeof OPTIMIZERS].args as Record<string, { default: number }>);
    const given = Object.fromEntries(args.map(([k, p], i) => [k, p.default + 0.01 * (i + 1)]));
    const call = `${name}(${Object.entries(given)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ")})`;
    const { settings, memorySlots } = emittedTraining(`optimizer = ${call}`);
    const expected = { name, ...Object.fromEntries(Object.entries(given).map(([k, v]) => [camel(k), v])) };
    assert.equal(settings.optimizer, expected as OptimizerSettings);
    // The emitted literal has the runtime's keys: the ones its defaults (from the table) have.
    assert.equal(Object.keys(settings.optimizer).sort(), Object.keys(OPTIMIZER_DEFAULTS[name as keyof typeof OPTIMIZERS]).sort());
    const built = createOptimizer(settings.optimizer);
    try {
      assert.instance(built, tf.Optimizer);
    } finally {
      disposeOptimizer(built);
    }
    assert.type(memorySlots, "number", `memory.ts counts ${name}'s state`);
  });
}

test("the spec's defaults are the table's: an empty train section gives Adam with PyTorch's defaults", () => {
  const { settings } = emittedTraining("batch = 32");
  assert.equal(settings.optimizer, OPTIMIZER_DEFAULTS.adam);
  assert.equal(settings.loss, { name: "cross_entropy", labelSmoothing: 0 });
  assert.equal(settings.epochs, 10);
});

test("memory.ts counts the table's slots: Adam 2, sgd 0, sgd with momentum 1, rmsprop 2", () => {
  assert.equal(emittedTraining("optimizer = adam").memorySlots, 2);
  assert.equal(emittedTraining("optimizer = sgd").memorySlots, 0);
  assert.equal(emittedTraining("optimizer = sgd(momentum=0.9)").memorySlots, 1);
  assert.equal(emittedTraining("optimizer = rmsprop").memorySlots, 2);
});

test.run();
