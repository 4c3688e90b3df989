/**
 * Checkpoints: everything needed to continue a run or use its model, in one folder.
 *
 *   model.json + weights.bin         the tfjs LayersModel (tfjs-node's file layout)
 *   optimizer.json + optimizer.bin   the optimizer's state (Adam's moments, iteration count, …)
 *   state.json                       epoch, position in an interrupted epoch, seed, spec hash,
 *                                    class names, preprocessing, settings, per-epoch history
 *   class_indices.json               {"0": "daisy", …}, as the seed series writes it
 *
 * A folder is written complete under a temporary name, then swapped in with renames, so a run
 * killed at any moment leaves the previous checkpoint or the new one (`<dir>.old` is picked up if
 * the kill fell between the two renames).
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import * as tf from "./tf.js";
import { READ_LIMITS } from "./bounded-read.js";
import {
  BadCheckpoint,
  checkManifest,
  checkState,
  entryBytes,
  readCheckpointJson,
  readWeightFiles,
  type CheckedManifest,
} from "./checkpoint-check.js";
import { AlexcRuntimeError } from "./errors.js";
import { faultPoint } from "./fault.js";
import { fileSystem, fsyncDir, joinWeights, MODEL_FILE, ownBuffer, writeFileAtomic } from "./files.js";
import type { EpochRecord } from "./metrics.js";
import type { Preprocessing } from "./preprocess.js";
import type { TrainingSettings } from "./settings.js";

export const CHECKPOINT_FORMAT = "alexc-checkpoint";
export const CHECKPOINT_VERSION = 1;

/** Sums over the batches done so far in an epoch, so an interrupted epoch resumes with its averages intact. */
export interface EpochSums {
  lossSum: number;
  correct: number;
  images: number;
  seconds: number;
}

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  model: string;
  specHash: string;
  /** Epochs completed. */
  epoch: number;
  /** Set when saved mid-epoch (Ctrl-C): batches of epoch `epoch + 1` already trained. */
  position?: { batches: number; sums: EpochSums };
  seed: number;
  classes: string[];
  inputShape: [number, number, number];
  preprocessing: Preprocessing;
  training: TrainingSettings;
  data: { train: string; val?: string; valSplit: number };
  /** Images found unreadable so far (paths, or builtin:N): left out of later shuffles. */
  unreadable?: string[];
  best?: EpochRecord;
  history: EpochRecord[];
}

const STATE_FILE = "state.json";
const OPTIMIZER_FILE = "optimizer.json";
const OPTIMIZER_WEIGHTS = "optimizer.bin";
export const CLASS_INDEX_FILE = "class_indices.json";
/** A run folder's layout (--out): the last and best checkpoints and the metrics beside them. */
export const RUN_FOLDER = { last: "last", best: "best", metricsCsv: "metrics.csv", metricsSvg: "metrics.svg" } as const;

/** `{"0": "daisy", "1": "dandelion", …}` with four-space indents: the seed series' class_indices.json. */
export function classIndexJson(classes: string[]): string {
  return JSON.stringify(Object.fromEntries(classes.map((c, i) => [String(i), c])), null, 4) + "\n";
}

/** The folder to read: `dir`, or `dir.old` when a save was cut between its two renames. */
export function existingCheckpoint(dir: string): string | undefined {
  if (existsSync(join(dir, STATE_FILE))) return dir;
  if (existsSync(join(`${dir}.old`, STATE_FILE))) return `${dir}.old`;
  return undefined;
}

/**
 * Replaces `dir` with the complete folder `temp`. At every moment a complete checkpoint exists as
 * `dir` or as `dir.old`: an `.old` left by an earlier cut is only removed once `dir` is whole.
 */
function swapIn(temp: string, dir: string): void {
  fsyncDir(temp);
  const old = `${dir}.old`;
  if (existsSync(dir)) {
    rmSync(old, { recursive: true, force: true });
    renameSync(dir, old);
    faultPoint("swap:old-moved");
  }
  renameSync(temp, dir);
  fsyncDir(dirname(dir));
  faultPoint("swap:done");
  rmSync(old, { recursive: true, force: true });
}

function tempFor(dir: string): string {
  const temp = join(dirname(dir), `.${basename(dir)}.${process.pid}.tmp`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  return temp;
}

export async function saveCheckpoint(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer, state: CheckpointState): Promise<void> {
  const temp = tempFor(dir);
  await model.save(fileSystem(temp));
  const named = await optimizer.getWeights();
  try {
    const { data, specs } = await tf.io.encodeWeights(named);
    writeFileAtomic(join(temp, OPTIMIZER_WEIGHTS), joinWeights(data));
    writeFileAtomic(
      join(temp, OPTIMIZER_FILE),
      JSON.stringify(
        { className: optimizer.getClassName(), settings: state.training.optimizer, weights: specs, ...accumulatedBetas(optimizer) },
        null,
        2,
      ) + "\n",
    );
  } finally {
    // getWeights hands out the live slot variables (keep) plus a fresh iteration-count scalar (dispose).
    for (const w of named) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  }
  writeFileAtomic(join(temp, STATE_FILE), JSON.stringify(state, null, 2) + "\n");
  writeFileAtomic(join(temp, CLASS_INDEX_FILE), classIndexJson(state.classes));
  faultPoint("save:temp-written");
  swapIn(temp, dir);
}

/**
 * Copies checkpoint `from` to `to` (the best epoch is the last one just saved: no second encoding).
 * Hard links where the file system has them: a save never rewrites a checkpoint's files in place
 * (it writes a new folder and swaps it in), so best/ keeps its bytes when last/ moves on, and a
 * 60 M-parameter run does not write its 700 MB checkpoint twice an epoch.
 */
export function copyCheckpoint(from: string, to: string): void {
  const temp = tempFor(to);
  for (const f of readdirSync(from)) {
    try {
      linkSync(join(from, f), join(temp, f));
    } catch {
      copyFileSync(join(from, f), join(temp, f));
    }
  }
  faultPoint("best:temp-written");
  swapIn(temp, to);
}

export function readState(dir: string): CheckpointState {
  const path = join(dir, STATE_FILE);
  const raw = readCheckpointJson(path);
  const tag = raw as { format?: unknown; version?: unknown };
  if (typeof raw !== "object" || raw === null || tag.format !== CHECKPOINT_FORMAT || tag.version !== CHECKPOINT_VERSION) {
    throw new AlexcRuntimeError(`${path}: not an alexc checkpoint of version ${CHECKPOINT_VERSION}`);
  }
  return checkState<CheckpointState>(path, raw);
}

/** model.json of a checkpoint, checked: its manifest's paths confined to `dir`, sizes computed. */
function readManifest(dir: string): CheckedManifest {
  const path = join(dir, MODEL_FILE);
  return checkManifest(dir, path, readCheckpointJson(path, READ_LIMITS.modelJson));
}

/** Weight names and shapes as saved in model.json: what the current model must match exactly. */
function savedWeightSpecs(dir: string): tf.io.WeightsManifestEntry[] {
  return readManifest(dir).specs;
}

/**
 * Refuses a checkpoint made from another spec (its spec hash differs): cheap, checked before any
 * model is built. The hash is of the spec's meaning as compiled (variant and --set values applied),
 * not of its text or the alexc that compiled it.
 */
export function assertSameSpec(dir: string, state: CheckpointState, modelName: string, specHash: string): void {
  if (state.specHash !== specHash) {
    throw new AlexcRuntimeError(
      `${dir} was made from a different spec (model ${state.model}, spec-hash ${state.specHash.slice(0, 12)}…; ` +
        `this program was generated for ${modelName}, spec-hash ${specHash.slice(0, 12)}…). ` +
        "Train into a new --out folder, or use the program generated from the spec (with the variant and --set values) that made the checkpoint.",
    );
  }
}

/**
 * Refuses a checkpoint that does not belong to this model: another spec (different hash), or the
 * same spec lowered to other tfjs weights (same hash, other weight shapes: another alexc's lowering).
 */
export function assertSameModel(dir: string, state: CheckpointState, model: tf.LayersModel, modelName: string, specHash: string): void {
  assertSameSpec(dir, state, modelName, specHash);
  const saved = savedWeightSpecs(dir).map((w) => `${w.name} ${JSON.stringify(w.shape)}`);
  const current = model.weights.map((w) => `${w.originalName} ${JSON.stringify(w.shape)}`);
  const diff = current.filter((w, i) => saved[i] !== w);
  if (saved.length !== current.length || diff.length > 0) {
    throw new AlexcRuntimeError(
      `${dir} holds weights of other shapes than this model (first difference: checkpoint ${saved.find((w) => !current.includes(w)) ?? "none"}, ` +
        `model ${diff[0] ?? "none"}): the program was generated differently (another alexc version or --set values). Recompile as the checkpoint's program was, or train into a new --out folder.`,
    );
  }
}

/** Loads the checkpoint's weights into `model` (built from the same spec). */
export async function restoreWeights(dir: string, model: tf.LayersModel): Promise<void> {
  const manifest = readManifest(dir);
  const bytes = readWeightFiles(manifest.files, manifest.bytes, join(dir, MODEL_FILE));
  const named = tf.io.decodeWeights(ownBuffer(bytes), manifest.specs);
  try {
    model.loadWeights(named, true);
  } finally {
    tf.dispose(Object.values(named));
  }
}

/** Restores the optimizer's slot variables, which line up with the model's trainable weights by position. */
export async function restoreOptimizer(dir: string, optimizer: tf.Optimizer): Promise<void> {
  const metaPath = join(dir, OPTIMIZER_FILE);
  const meta = readCheckpointJson(metaPath) as {
    className: string;
    weights: tf.io.WeightsManifestEntry[];
    accBeta1?: unknown;
    accBeta2?: unknown;
  };
  if (typeof meta !== "object" || meta === null || typeof meta.className !== "string" || !Array.isArray(meta.weights)) {
    throw new BadCheckpoint(`${metaPath}: not a usable checkpoint: no className and weights`);
  }
  if (meta.className !== optimizer.getClassName()) {
    throw new AlexcRuntimeError(
      `${dir} was trained with ${meta.className}, not ${optimizer.getClassName()}: resume with the same --optimizer`,
    );
  }
  const expected = meta.weights.reduce((sum, w) => sum + entryBytes(metaPath, w), 0);
  const bytes = readWeightFiles([join(dir, OPTIMIZER_WEIGHTS)], expected, metaPath);
  const named = tf.io.decodeWeights(ownBuffer(bytes), meta.weights);
  const list = meta.weights.map((w) => ({ name: w.name, tensor: named[w.name]! }));
  try {
    await optimizer.setWeights(list);
  } finally {
    // setWeights makes variables of its own from these tensors.
    tf.dispose(Object.values(named));
  }
  restoreAccumulatedBetas(optimizer, meta);
}

/**
 * Adam's bias-correction products β₁ᵗ and β₂ᵗ. An uninterrupted run multiplies them step by step
 * in float32; tfjs's setWeights recomputes them as pow(β, t), which differs in the last bits, and
 * training amplifies that into visible drift after a few epochs. Saved exactly and put back.
 */
type Betas = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

function accumulatedBetas(optimizer: tf.Optimizer): { accBeta1?: number; accBeta2?: number } {
  const o = optimizer as unknown as Betas;
  if (!(o.accBeta1 instanceof tf.Variable) || !(o.accBeta2 instanceof tf.Variable)) return {};
  return { accBeta1: o.accBeta1.dataSync()[0]!, accBeta2: o.accBeta2.dataSync()[0]! };
}

function restoreAccumulatedBetas(optimizer: tf.Optimizer, meta: { accBeta1?: unknown; accBeta2?: unknown }): void {
  const o = optimizer as unknown as Betas;
  if (!(o.accBeta1 instanceof tf.Variable) || !(o.accBeta2 instanceof tf.Variable)) return;
  if (typeof meta.accBeta1 !== "number" || typeof meta.accBeta2 !== "number") return;
  const [b1, b2] = [meta.accBeta1, meta.accBeta2];
  tf.tidy(() => {
    o.accBeta1!.assign(tf.scalar(b1));
    o.accBeta2!.assign(tf.scalar(b2));
  });
}
