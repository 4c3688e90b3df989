/**
 * Everything decided before the first step of a training run: the settings (spec, then the
 * checkpoint being resumed, then the command line), the run folder, the seed, and the training and
 * validation sets. Each problem is an error here, before any time is spent training.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { assertSameSpec, existingCheckpoint, readState, RUN_FOLDER, type CheckpointState } from "./checkpoint.js";
import { openDataset, scanImageFolder, splitDataset, type Dataset } from "./dataset.js";
import { backendOption, integerOption, numberOption, optimizerOption, TRAIN_OPTIONS, UsageError, type parseOptions } from "./options.js";
import { freshSeed } from "./random.js";
import { OPTIMIZER_DEFAULTS, type TrainingSettings } from "./settings.js";
import type { BackendChoice } from "./backend.js";
import type { GeneratedModel } from "./generated.js";

type TrainValues = ReturnType<typeof parseOptions<typeof TRAIN_OPTIONS>>["values"];

export interface RunPlan {
  outDir: string;
  lastDir: string;
  bestDir: string;
  /** The checkpoint being resumed, and the folder it was read from. */
  resume?: { dir: string; state: CheckpointState };
  settings: TrainingSettings;
  seed: number;
  seedWasGiven: boolean;
  train: Dataset;
  val?: Dataset;
  data: CheckpointState["data"];
  maxSteps?: number;
  backend?: BackendChoice;
  /** wasm compute threads (--threads); undefined: $ALEXC_WASM_THREADS or the default. */
  threads?: number;
  workers: number;
  prefetch: number;
  quiet: boolean;
  /** Notes for the user (stderr), e.g. a seed that a resume keeps. */
  notices: string[];
}

const DEFAULT_VAL_SPLIT = 0.1;

/** The spec's settings with the command line's changes applied on top. */
function settingsFrom(base: TrainingSettings, v: TrainValues): TrainingSettings {
  const name = optimizerOption(v.optimizer);
  const optimizer = { ...(name && name !== base.optimizer.name ? OPTIMIZER_DEFAULTS[name] : base.optimizer) };
  const lr = numberOption("lr", v.lr, (n) => n > 0, "a learning rate above 0");
  if (lr !== undefined) optimizer.lr = lr;
  const smoothing = numberOption("label-smoothing", v["label-smoothing"], (n) => n >= 0 && n < 1, "a number in [0, 1)");
  return {
    optimizer,
    loss: { ...base.loss, ...(smoothing === undefined ? {} : { labelSmoothing: smoothing }) },
    batch: integerOption("batch", v.batch, 1) ?? base.batch,
    epochs: integerOption("epochs", v.epochs, 1) ?? base.epochs,
  };
}

function sameClasses(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

export function planRun(gen: GeneratedModel, spec: TrainingSettings, v: TrainValues): RunPlan {
  const notices: string[] = [];
  const outDir = v.out ?? join("runs", gen.name);
  const lastDir = join(outDir, RUN_FOLDER.last);
  const found = existingCheckpoint(lastDir);
  let resume: RunPlan["resume"];
  if (v.resume) {
    if (!found)
      throw new UsageError(
        `--resume: ${outDir} holds no checkpoint to resume (no ${lastDir}/state.json); leave out --resume to start a new run there`,
      );
    resume = { dir: found, state: readState(found) };
    assertSameSpec(found, resume.state, gen.name, gen.specHash);
  } else if (found && !v.overwrite) {
    const epoch = readState(found).epoch;
    throw new UsageError(
      `${outDir} already holds a run (checkpoint after epoch ${epoch}): pass --resume to continue it, --overwrite to start over, or choose another --out`,
    );
  }
  const state = resume?.state;

  const givenSeed = integerOption("seed", v.seed, 0);
  let seed = givenSeed ?? state?.seed ?? freshSeed();
  if (state && givenSeed !== undefined && givenSeed !== state.seed) {
    notices.push(`keeping the checkpoint's seed ${state.seed} (--seed ${givenSeed} ignored): it fixes the validation split`);
    seed = state.seed;
  }

  const dataSpec = v.data ?? state?.data.train;
  if (dataSpec === undefined)
    throw new UsageError("--data is required: a folder with one sub-folder of images per class, or builtin for the built-in drawn set");
  const valDir = v.val ?? (v["val-split"] === undefined ? state?.data.val : undefined);
  const split =
    numberOption("val-split", v["val-split"], (n) => n >= 0 && n < 1, "a fraction in [0, 1)") ??
    (valDir ? 0 : (state?.data.valSplit ?? DEFAULT_VAL_SPLIT));
  if (v.val !== undefined && v["val-split"] !== undefined)
    throw new UsageError("--val and --val-split exclude each other: validation images come from one or the other");

  const all = openDataset(dataSpec);
  let train = all;
  let val: Dataset | undefined;
  if (valDir) {
    val = scanImageFolder(valDir, "--val");
    if (!sameClasses(val.classes, all.classes)) {
      throw new UsageError(
        `--val ${valDir} has the classes ${val.classes.join(", ")}, but --data ${dataSpec} has ${all.classes.join(", ")}: they must match`,
      );
    }
  } else if (split > 0) {
    ({ train, val } = splitDataset(all, split, seed));
    if (val.samples.length === 0) val = undefined;
  }

  const [, , channels] = gen.inputShape;
  if (channels !== 1 && channels !== 3) {
    throw new UsageError(
      `${gen.name} takes ${channels}-channel input, but images decode to 3 channels (RGB) or 1 (greyscale): the trainer cannot feed this model`,
    );
  }
  if (state && !sameClasses(all.classes, state.classes)) {
    throw new UsageError(
      `the classes of --data ${dataSpec} (${all.classes.join(", ")}) differ from the checkpoint's (${state.classes.join(", ")}): resume with the data it was trained on`,
    );
  }
  if (all.classes.length > gen.numClasses) {
    throw new UsageError(
      `--data ${dataSpec} has ${all.classes.length} classes, but ${gen.name} outputs ${gen.numClasses} scores: ` +
        `recompile the spec for ${all.classes.length} classes (e.g. alexc compile <spec> --set num_classes=${all.classes.length})`,
    );
  }
  if (all.classes.length < gen.numClasses) {
    notices.push(
      `--data has ${all.classes.length} classes and ${gen.name} outputs ${gen.numClasses} scores: outputs ${all.classes.length}–${gen.numClasses - 1} ` +
        `are never a target (recompile with --set num_classes=${all.classes.length} to get exactly ${all.classes.length} outputs)`,
    );
  }

  const workers = integerOption("workers", v.workers, 0) ?? Math.max(1, Math.min(4, availableParallelism() - 1));
  return {
    outDir,
    lastDir,
    bestDir: join(outDir, RUN_FOLDER.best),
    ...(resume ? { resume } : {}),
    settings: settingsFrom(state?.training ?? spec, v),
    seed,
    seedWasGiven: givenSeed !== undefined || state !== undefined,
    train,
    ...(val ? { val } : {}),
    data: { train: dataSpec, ...(valDir ? { val: valDir } : {}), valSplit: valDir ? 0 : split },
    ...(v.steps === undefined ? {} : { maxSteps: integerOption("steps", v.steps, 1)! }),
    ...(v.backend === undefined ? {} : { backend: backendOption(v.backend)! }),
    ...(v.threads === undefined ? {} : { threads: integerOption("threads", v.threads, 1)! }),
    workers,
    prefetch: integerOption("prefetch", v.prefetch, 1) ?? 4,
    quiet: v.quiet === true,
    notices,
  };
}
