/**
 * The training program behind every generated train.ts: `train(model, settings, preprocessing,
 * argv)`: options, the run plan, the run folder's lock, the backend and the parts a run trains
 * with (training-run.ts runs it). Per epoch: shuffled batches from the data workers, one optimiser step each with a
 * progress bar, a validation pass, then the `last` checkpoint (and `best` when validation
 * improved), a metrics.csv row and a fresh metrics.svg. Ctrl-C saves where it stands; --resume
 * continues from there.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type * as tf from "./tf.js";
import { selectBackend } from "./backend.js";
import { existingCheckpoint, readState, RUN_FOLDER } from "./checkpoint.js";
import { registerFileRouter } from "./files.js";
import type { GeneratedModel } from "./generated.js";
import { InterruptFlag } from "./interrupt.js";
import { followSupervisor, shouldSupervise, supervise, TRAINER_ENV } from "./supervise.js";
import { DataLoader } from "./loader.js";
import { helpText, parseOptions, TRAIN_OPTIONS, UsageError } from "./options.js";
import { lockRunFolder, removeStaleTemps, repairBest } from "./run-folder.js";
import type { Preprocessing } from "./preprocess.js";
import { mix, seedMathRandom } from "./random.js";
import { createOptimizer, disposeOptimizer, type TrainingSettings } from "./settings.js";
import { planRun, type RunPlan } from "./setup.js";
import { TrainingRun, type TrainResult } from "./training-run.js";

export type { TrainResult };

export function trainHelp(gen: GeneratedModel): string {
  return helpText(
    `Trains ${gen.name} (input ${gen.inputShape[0]}×${gen.inputShape[1]}×${gen.inputShape[2]}, ${gen.numClasses} outputs).\n\n` +
      `Usage: npx tsx train.ts --data DIR|builtin [options]`,
    TRAIN_OPTIONS,
    [
      "Examples:",
      "  npx tsx train.ts --data builtin --epochs 2                 # the built-in drawn shapes, no download",
      "  npx tsx train.ts --data flower_photos --out runs/flowers   # flower_photos/daisy/*.jpg, flower_photos/roses/*.jpg, …",
      "  npx tsx train.ts --out runs/flowers --resume --epochs 20   # continue that run up to epoch 20",
      "",
      "Ctrl-C saves the run and stops; a second Ctrl-C quits at once. Exit status: 0 done, 2 bad options or data, 74 disk full or other write/read refused, 130 interrupted.",
    ].join("\n"),
  );
}

/** Runs the training program. Resolves `undefined` for --help; throws AlexcRuntimeError for bad options or data. */
export async function train(
  gen: GeneratedModel,
  spec: TrainingSettings,
  preprocessing: Preprocessing,
  args: string[],
): Promise<TrainResult | undefined> {
  const { values } = parseOptions(TRAIN_OPTIONS, args, false);
  if (values.help) {
    process.stdout.write(trainHelp(gen));
    return undefined;
  }
  // Under tsx's CLI this process only supervises: see supervise.ts.
  if (shouldSupervise(args)) return await supervise(join(values.out ?? join("runs", gen.name), RUN_FOLDER.last));
  followSupervisor();
  const plan = planRun(gen, spec, values);
  const say = (line: string): void => {
    if (!plan.quiet) process.stdout.write(line + "\n");
  };
  for (const n of plan.notices) process.stderr.write(`alexc: note: ${n}\n`);
  // The plan's refusals come first (they need no lock); what it read is read again under the lock.
  const release = lockRunFolder(plan.outDir);
  try {
    confirmPlan(plan, values.overwrite === true);
    removeStaleTemps(plan.outDir);
    // A new run in a used folder (--overwrite): the old run's checkpoints must not outlive it.
    if (!plan.resume)
      for (const dir of [plan.lastDir, plan.bestDir]) for (const d of [dir, `${dir}.old`]) rmSync(d, { recursive: true, force: true });
    if (plan.resume) {
      const repaired = repairBest(plan.lastDir, plan.bestDir, plan.resume.state);
      if (repaired) process.stderr.write(`alexc: note: ${repaired}\n`);
    }
    return await trainLocked(gen, plan, preprocessing, say);
  } finally {
    release();
  }
}

/** Re-reads the run folder once it is locked: another training may have written it since planRun. */
function confirmPlan(plan: RunPlan, overwrite: boolean): void {
  const found = existingCheckpoint(plan.lastDir);
  if (plan.resume) {
    if (!found) throw new UsageError(`--resume: ${plan.lastDir} is gone`);
    plan.resume = { dir: found, state: readState(found) };
  } else if (found && !overwrite) {
    throw new UsageError(
      `${plan.outDir} already holds a run (checkpoint after epoch ${readState(found).epoch}): pass --resume to continue it, --overwrite to start over, or choose another --out`,
    );
  }
}

async function trainLocked(
  gen: GeneratedModel,
  plan: RunPlan,
  preprocessing: Preprocessing,
  say: (line: string) => void,
): Promise<TrainResult> {
  await selectBackend(
    plan.backend,
    plan.quiet ? () => undefined : (line) => process.stderr.write(line + "\n"),
    plan.threads === undefined ? {} : { threads: plan.threads },
  );
  registerFileRouter();

  // Seeded before the model is built: tfjs's initialisers draw their seeds from Math.random.
  const restoreRandom = seedMathRandom(mix(plan.seed, 0x1417));
  let model: tf.LayersModel | undefined;
  let optimizer: tf.Optimizer | undefined;
  let loader: DataLoader | undefined;
  let interrupt: InterruptFlag | undefined;
  try {
    model = gen.buildModel();
    optimizer = createOptimizer(plan.settings.optimizer);
    loader = new DataLoader(
      {
        samples: [...plan.train.samples, ...(plan.val?.samples ?? [])],
        size: { height: gen.inputShape[0], width: gen.inputShape[1], channels: gen.inputShape[2] },
        preprocessing,
      },
      plan.workers,
      plan.prefetch,
    );
    // A supervisor that is still there has told the user already (see supervise.ts).
    const supervised = (): boolean => process.env[TRAINER_ENV] === "1" && process.connected;
    interrupt = new InterruptFlag(
      (signal) =>
        supervised() ||
        process.stderr.write(`\nalexc: ${signal}: stopping after this step to save ${plan.lastDir} (again to quit without saving)\n`),
      plan.lastDir,
    );
    return await new TrainingRun({ gen, plan, preprocessing, model, optimizer, loader, interrupt, say }).run();
  } finally {
    interrupt?.dispose();
    await loader?.close();
    model?.dispose();
    if (optimizer) disposeOptimizer(optimizer);
    restoreRandom();
  }
}
