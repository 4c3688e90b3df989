/**
 * The training program behind every generated train.ts: `train(model, settings, preprocessing,
 * argv)`. Per epoch: shuffled batches from the data workers, one optimiser step each with a
 * progress bar, a validation pass, then the `last` checkpoint (and `best` when validation
 * improved), a metrics.csv row and a fresh metrics.svg. Ctrl-C saves where it stands; --resume
 * continues from there.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "./backend.js";
import {
  assertSameModel,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CLASS_INDEX_FILE,
  existingCheckpoint,
  readState,
  classIndexJson,
  copyCheckpoint,
  restoreOptimizer,
  restoreWeights,
  RUN_FOLDER,
  saveCheckpoint,
  type CheckpointState,
  type EpochSums,
} from "./checkpoint.js";
import { AlexcRuntimeError } from "./errors.js";
import { registerFileRouter, writeFileAtomic } from "./files.js";
import type { GeneratedModel } from "./generated.js";
import { faultPoint } from "./fault.js";
import { InterruptFlag } from "./interrupt.js";
import { followSupervisor, shouldSupervise, supervise, TRAINER_ENV } from "./supervise.js";
import { DataLoader } from "./loader.js";
import { appendMetrics, isBetter, writeMetrics, type EpochRecord } from "./metrics.js";
import { helpText, parseOptions, TRAIN_OPTIONS, UsageError } from "./options.js";
import { lockRunFolder, removeStaleTemps, repairBest } from "./run-folder.js";
import { plotSvg } from "./plot.js";
import type { Preprocessing } from "./preprocess.js";
import type { Sample } from "./dataset.js";
import { clock, EpochProgress, percent, thousands } from "./progress.js";
import { mix, reseedMathRandom, seeded, seedMathRandom, shuffle } from "./random.js";
import { createOptimizer, crossEntropy, describeOptimizer, disposeOptimizer, type TrainingSettings } from "./settings.js";
import { planRun, type RunPlan } from "./setup.js";
import { evalBatch, trainStep } from "./step.js";

export interface TrainResult {
  outDir: string;
  classes: string[];
  /** Every completed epoch of the run, earlier invocations included. */
  history: EpochRecord[];
  /** Loss of each step taken in this invocation. */
  stepLosses: number[];
  /** Seconds of each step taken in this invocation (data waits included). */
  stepSeconds: number[];
  /** Stopped by Ctrl-C / SIGTERM after saving `last`. */
  interrupted: boolean;
  best?: EpochRecord;
  seed: number;
}

/**
 * Lets the event loop run once. A step on wasm and a batch that is already waiting resolve through
 * promise jobs alone, so without this a whole epoch can pass without the loop ever polling: Ctrl-C
 * would not be seen and output would not be flushed until the epoch ended.
 */
const turnEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const EPOCH_SALT = 0xe90c;
const DROPOUT_SALT = 0xd409;

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

function sumsToRecord(
  epoch: number,
  s: EpochSums,
  lr: number,
): Pick<EpochRecord, "epoch" | "trainLoss" | "trainAccuracy" | "imagesPerSecond" | "images" | "learningRate"> {
  return {
    epoch,
    trainLoss: s.lossSum / s.images,
    trainAccuracy: s.correct / s.images,
    imagesPerSecond: s.images / Math.max(s.seconds, 1e-9),
    images: s.images,
    learningRate: lr,
  };
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
    const supervised = process.env[TRAINER_ENV] === "1";
    interrupt = new InterruptFlag(
      (signal) =>
        supervised ||
        process.stderr.write(`\nalexc: ${signal}: stopping after this step to save ${plan.lastDir} (again to quit without saving)\n`),
      plan.lastDir,
    );
    return await run(gen, plan, preprocessing, model, optimizer, loader, interrupt, say);
  } finally {
    interrupt?.dispose();
    await loader?.close();
    model?.dispose();
    if (optimizer) disposeOptimizer(optimizer);
    restoreRandom();
  }
}

async function run(
  gen: GeneratedModel,
  plan: RunPlan,
  preprocessing: Preprocessing,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  loader: DataLoader,
  interrupt: InterruptFlag,
  say: (line: string) => void,
): Promise<TrainResult> {
  const { settings, seed, train, val } = plan;
  const classes = train.classes;
  const state = plan.resume?.state;
  if (plan.resume) {
    assertSameModel(plan.resume.dir, plan.resume.state, model, gen.name, gen.specHash);
    await restoreWeights(plan.resume.dir, model);
    await restoreOptimizer(plan.resume.dir, optimizer);
  }
  const history: EpochRecord[] = [...(state?.history ?? [])];
  let best = state?.best;
  const firstEpoch = (state?.epoch ?? 0) + 1;

  say(`model ${gen.name}: ${thousands(model.countParams())} params, input ${gen.inputShape.join("×")} (H×W×C), ${gen.numClasses} outputs`);
  say(
    `data ${train.source}: ${classes.length} classes, ${thousands(train.samples.length)} training images, ${val ? `${thousands(val.samples.length)} validation (${plan.data.val ?? `${+(plan.data.valSplit * 100).toFixed(2)}% of each class held out`})` : "no validation"}`,
  );
  say(
    `training ${describeOptimizer(settings.optimizer)}, cross_entropy${settings.loss.labelSmoothing ? `(label_smoothing=${settings.loss.labelSmoothing})` : ""}, batch ${settings.batch}, ${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"}, seed ${seed}${plan.seedWasGiven ? "" : ` (repeat with --seed ${seed})`}`,
  );
  if (state)
    say(
      `resuming ${plan.resume!.dir}: ${state.epoch} epoch${state.epoch === 1 ? "" : "s"} done${state.position ? `, ${state.position.batches} batches into epoch ${state.epoch + 1}` : ""}`,
    );
  say(`writing ${plan.outDir}/: last/ and best/ checkpoints, metrics.csv, metrics.svg, ${CLASS_INDEX_FILE}`);

  writeFileAtomic(join(plan.outDir, CLASS_INDEX_FILE), classIndexJson(classes));
  writeMetrics(join(plan.outDir, RUN_FOLDER.metricsCsv), history);
  const title = `${gen.name} · ${plan.outDir}`;
  const redraw = (): void => writeFileAtomic(join(plan.outDir, RUN_FOLDER.metricsSvg), plotSvg(title, history, settings.epochs));
  redraw();

  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const lossFn = crossEntropy(settings.loss);
  const trainIndices = Int32Array.from(train.samples, (_, i) => i);
  const valIndices = Int32Array.from(val?.samples ?? [], (_, i) => train.samples.length + i);
  // Images found unreadable in earlier epochs (and earlier invocations): left out of every later
  // shuffle, so a resumed run shuffles the same list an uninterrupted one does.
  const unreadable = new Set<number>(unreadableIndices(plan, state?.unreadable ?? []));
  const stepLosses: number[] = [];
  const stepSeconds: number[] = [];
  const result = (interrupted: boolean): TrainResult => ({
    outDir: plan.outDir,
    classes,
    history,
    stepLosses,
    stepSeconds,
    interrupted,
    seed,
    ...(best ? { best } : {}),
  });

  const baseState = (epoch: number, skipped: Set<number> = unreadable): CheckpointState => ({
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    model: gen.name,
    specHash: gen.specHash,
    epoch,
    seed,
    classes,
    inputShape: gen.inputShape,
    preprocessing,
    training: settings,
    data: plan.data,
    ...(skipped.size > 0 ? { unreadable: unreadablePaths(plan, skipped) } : {}),
    ...(best ? { best } : {}),
    history,
  });
  const report = (skipped: Array<{ index: number; path: string; reason: string }>): void => {
    for (const s of skipped) {
      if (unreadable.has(s.index)) continue;
      unreadable.add(s.index);
      process.stderr.write(`alexc: skipping ${s.path}: ${s.reason}\n`);
    }
  };

  if (firstEpoch > settings.epochs) {
    say(
      `nothing to do: ${plan.resume!.dir} has finished epoch ${state!.epoch} of ${settings.epochs}; pass --epochs N with N > ${state!.epoch} to train further`,
    );
    return result(false);
  }

  for (let epoch = firstEpoch; epoch <= settings.epochs; epoch++) {
    const started = performance.now();
    const resumeAt = epoch === firstEpoch ? state?.position : undefined;
    const sums: EpochSums = resumeAt ? { ...resumeAt.sums } : { lossSum: 0, correct: 0, images: 0, seconds: 0 };
    const order = shuffle(
      trainIndices.filter((i) => !unreadable.has(i)),
      seeded(mix(seed, EPOCH_SALT, epoch)),
    ) as Int32Array;
    // A save inside this epoch records the list this epoch's shuffle was made from.
    const skippedBefore = new Set(unreadable);
    const batches = Math.min(Math.ceil(order.length / settings.batch), plan.maxSteps ?? Infinity);
    const planned = Math.min(order.length, batches * settings.batch);
    const progress = plan.quiet ? undefined : new EpochProgress(process.stderr, `epoch ${epoch}/${settings.epochs}`, planned, sums.images);
    let done = resumeAt?.batches ?? 0;
    let stepStart = performance.now();
    for await (const batch of loader.epoch({
      order: order.subarray(0, planned),
      batchSize: settings.batch,
      train: true,
      epoch,
      seed,
      startBatch: done,
    })) {
      report(batch.skipped);
      if (batch.n > 0) {
        // Dropout masks are keyed by (seed, epoch, batch), so a run resumed at any batch draws the
        // masks an uninterrupted run draws there.
        reseedMathRandom(mix(seed, DROPOUT_SALT, epoch, batch.index));
        const r = await trainStep(model, optimizer, lossFn, variables, batch, gen.inputShape, gen.numClasses);
        faultPoint("step");
        if (!Number.isFinite(r.loss)) {
          progress?.finish();
          throw new AlexcRuntimeError(
            `the loss became ${r.loss} in epoch ${epoch}, batch ${batch.index + 1}: training diverged. Lower the learning rate (--lr), then start again or --resume from ${plan.lastDir}`,
          );
        }
        sums.lossSum += r.loss * batch.n;
        sums.correct += r.correct;
        sums.images += batch.n;
        stepLosses.push(r.loss);
      }
      const now = performance.now();
      stepSeconds.push((now - stepStart) / 1000);
      sums.seconds += (now - stepStart) / 1000;
      stepStart = now;
      done = batch.index + 1;
      progress?.update({
        images: Math.min(planned, done * settings.batch),
        loss: sums.lossSum / Math.max(1, sums.images),
        accuracy: sums.correct / Math.max(1, sums.images),
      });
      await turnEventLoop();
      if (interrupt.requested) break;
    }
    progress?.finish();
    if (sums.images === 0)
      throw new AlexcRuntimeError(`no readable training images in ${train.source}: every image of epoch ${epoch} was skipped`);
    if (interrupt.requested)
      return await saveInterrupted(
        plan,
        model,
        optimizer,
        { ...baseState(epoch - 1, skippedBefore), position: { batches: done, sums } },
        say,
        result,
      );

    let valLoss: number | undefined;
    let valAccuracy: number | undefined;
    if (val) {
      let lossSum = 0;
      let correct = 0;
      let images = 0;
      for await (const batch of loader.epoch({
        order: valIndices.filter((i) => !unreadable.has(i)),
        batchSize: settings.batch,
        train: false,
        epoch,
        seed,
      })) {
        report(batch.skipped);
        if (batch.n === 0) continue;
        const r = await evalBatch(model, lossFn, batch, gen.inputShape, gen.numClasses);
        lossSum += r.loss * batch.n;
        correct += r.correct;
        images += batch.n;
        await turnEventLoop();
        if (interrupt.requested) break;
      }
      if (interrupt.requested)
        return await saveInterrupted(
          plan,
          model,
          optimizer,
          { ...baseState(epoch - 1, skippedBefore), position: { batches: done, sums } },
          say,
          result,
        );
      if (images > 0) {
        valLoss = lossSum / images;
        valAccuracy = correct / images;
      }
    }

    const record: EpochRecord = {
      ...sumsToRecord(epoch, sums, settings.optimizer.lr),
      ...(valLoss === undefined ? {} : { valLoss, valAccuracy: valAccuracy! }),
      // An epoch resumed after Ctrl-C counts the time spent on it before the interruption too.
      seconds: (performance.now() - started) / 1000 + (resumeAt?.sums.seconds ?? 0),
    };
    history.push(record);
    const improved = isBetter(record, best);
    if (improved) best = record;
    await saveCheckpoint(plan.lastDir, model, optimizer, baseState(epoch));
    faultPoint("best:before-copy");
    if (improved) copyCheckpoint(plan.lastDir, plan.bestDir);
    faultPoint("metrics:before-append");
    appendMetrics(join(plan.outDir, RUN_FOLDER.metricsCsv), record);
    redraw();
    faultPoint("epoch:end");
    say(
      `epoch ${epoch}/${settings.epochs}: loss ${record.trainLoss.toFixed(4)} acc ${percent(record.trainAccuracy)}` +
        (record.valLoss === undefined ? "" : ` | val loss ${record.valLoss.toFixed(4)} acc ${percent(record.valAccuracy!)}`) +
        ` | ${record.imagesPerSecond.toFixed(1)} img/s, ${clock(record.seconds)}${improved ? " | best so far" : ""}`,
    );
  }
  const b = best!;
  say(
    `done: ${history.length} epoch${history.length === 1 ? "" : "s"}; best ${b.valAccuracy === undefined ? `training loss ${b.trainLoss.toFixed(4)}` : `validation accuracy ${percent(b.valAccuracy)}`} ` +
      `(epoch ${b.epoch}) in ${plan.bestDir}, last in ${plan.lastDir}; metrics in ${join(plan.outDir, RUN_FOLDER.metricsCsv)} and ${join(plan.outDir, RUN_FOLDER.metricsSvg)}`,
  );
  return result(false);
}

const samplePath = (s: Sample): string => ("path" in s ? s.path : `builtin:${s.builtin}`);

function allSamples(plan: RunPlan): Sample[] {
  return [...plan.train.samples, ...(plan.val?.samples ?? [])];
}

function unreadableIndices(plan: RunPlan, paths: string[]): number[] {
  const wanted = new Set(paths);
  return allSamples(plan).flatMap((s, i) => (wanted.has(samplePath(s)) ? [i] : []));
}

function unreadablePaths(plan: RunPlan, indices: Set<number>): string[] {
  const samples = allSamples(plan);
  return [...indices].sort((a, b) => a - b).map((i) => samplePath(samples[i]!));
}

async function saveInterrupted(
  plan: RunPlan,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: CheckpointState,
  say: (line: string) => void,
  result: (interrupted: boolean) => TrainResult,
): Promise<TrainResult> {
  await saveCheckpoint(plan.lastDir, model, optimizer, state);
  say(`saved ${plan.lastDir} (${state.epoch} epochs + ${state.position!.batches} batches); continue with --resume --out ${plan.outDir}`);
  return result(true);
}
