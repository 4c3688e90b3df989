/**
 * A PyTorch state dict as an alexc checkpoint, and back: `alexc import-weights` and
 * `export-weights`. The checkpoint is written by the runtime's own saveCheckpoint (model.json +
 * weights.bin, a fresh optimizer's state, state.json with the spec hash, the spec's training and
 * preprocessing settings, epoch 0), so the generated predict.ts takes it as `--checkpoint` and
 * train.ts continues from it with `--resume` exactly as from one it wrote itself. Export reads a
 * checkpoint with the runtime's checks (same spec hash, same weight shapes) before converting.
 */
import * as tf from "../../runtime/tf.js";
import type { CheckedModel } from "../../check/check.js";
import { runtimeSettings } from "../../lower/ir.js";
import { specHash } from "../../lower/spec-hash.js";
import {
  assertSameModel,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  existingCheckpoint,
  readState,
  restoreWeights,
  saveCheckpoint,
  type CheckpointState,
} from "../../runtime/checkpoint.js";
import { AlexcRuntimeError } from "../../runtime/errors.js";
import type { Preprocessing } from "../../runtime/preprocess.js";
import { createOptimizer, disposeOptimizer, type TrainingSettings } from "../../runtime/settings.js";
import { buildTfjsModel } from "./tfjs-json.js";
import type { TfjsWeights } from "./torch-state.js";

export interface ImportTarget {
  dir: string;
  /** Class names for the model's outputs, in order (at most the model's output count). */
  classes: string[];
  /** What the model was trained on, recorded so `--resume` knows its data (`builtin`, a folder). */
  data: string;
  seed: number;
}

/** Writes `weights` (all of the model's, checked by name and shape) as a checkpoint in `target.dir`. */
export async function writeImportedCheckpoint(checked: CheckedModel, weights: TfjsWeights, target: ImportTarget): Promise<void> {
  const model = buildTfjsModel(checked, target.seed);
  const settings = runtimeSettings(checked.model);
  const training = settings.training as unknown as TrainingSettings;
  const optimizer = createOptimizer(training.optimizer);
  try {
    const values = model.weights.map((w) => {
      const given = weights.get(w.originalName);
      if (!given) throw new Error(`no value for the model's weight ${w.originalName}: its layer kind's torch hook does not cover it`);
      if (given.shape.join() !== w.shape.join())
        throw new Error(`${w.originalName}: the torch hook gives [${given.shape.join(", ")}], the model has [${w.shape.join(", ")}]`);
      return tf.tensor(given.values, given.shape, "float32");
    });
    model.setWeights(values);
    tf.dispose(values);
    const { input, name } = checked.model;
    const state: CheckpointState = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      model: name,
      specHash: specHash(checked),
      epoch: 0,
      seed: target.seed,
      classes: target.classes,
      inputShape: [input.h, input.w, input.c],
      preprocessing: settings.preprocessing as unknown as Preprocessing,
      training,
      data: { train: target.data, valSplit: 0.1 },
      history: [],
    };
    await saveCheckpoint(target.dir, model, optimizer, state);
  } finally {
    model.dispose();
    disposeOptimizer(optimizer);
  }
}

/** The weights of checkpoint `dir` (a checkpoint of this spec), by tfjs name. */
export async function readCheckpointWeights(checked: CheckedModel, dir: string): Promise<TfjsWeights> {
  const found = existingCheckpoint(dir);
  if (!found) throw new AlexcRuntimeError(`${dir}: no checkpoint there (expected state.json, model.json and weights.bin)`);
  const model = buildTfjsModel(checked, 0);
  try {
    assertSameModel(found, readState(found), model, checked.model.name, specHash(checked));
    await restoreWeights(found, model);
    const out: TfjsWeights = new Map();
    for (const w of model.weights)
      out.set(w.originalName, { shape: [...w.shape] as number[], values: w.read().dataSync() as Float32Array });
    return out;
  } finally {
    model.dispose();
  }
}
