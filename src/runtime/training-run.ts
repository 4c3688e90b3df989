/**
 * One training run, once its model, optimiser, data loader and Ctrl-C flag exist (trainer.ts makes
 * them and disposes of them): restore a checkpoint, then per epoch the training pass, the validation
 * pass and the epoch's close (checkpoints, best/, metrics). The run's mutable state (history, best,
 * images found unreadable, per-step figures) lives on the object, so each part is a short method.
 */
import { join } from "node:path";
import type * as tf from "./tf.js";
import {
  assertSameModel,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CLASS_INDEX_FILE,
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
import { writeFileAtomic } from "./files.js";
import type { GeneratedModel } from "./generated.js";
import { faultPoint } from "./fault.js";
import type { InterruptFlag } from "./interrupt.js";
import type { DataLoader } from "./loader.js";
import { appendMetrics, isBetter, writeMetrics, type EpochRecord } from "./metrics.js";
import { plotSvg } from "./plot.js";
import type { Preprocessing } from "./preprocess.js";
import type { Sample } from "./dataset.js";
import { clock, EpochProgress, percent, thousands } from "./progress.js";
import { mix, reseedMathRandom, seeded, shuffle } from "./random.js";
import { crossEntropy, describeOptimizer } from "./settings.js";
import type { RunPlan } from "./setup.js";
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

/** What a run trains with; made and disposed of by the trainer. */
export interface RunParts {
  gen: GeneratedModel;
  plan: RunPlan;
  preprocessing: Preprocessing;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  loader: DataLoader;
  interrupt: InterruptFlag;
  say: (line: string) => void;
}

/** Where an interrupted epoch stood: enough for --resume to continue at the next batch. */
interface EpochStop {
  sums: EpochSums;
  batches: number;
  /** The unreadable list this epoch's shuffle was made from. */
  skippedBefore: Set<number>;
}

/**
 * Lets the event loop run once. A step on wasm and a batch that is already waiting resolve through
 * promise jobs alone, so without this a whole epoch can pass without the loop ever polling: Ctrl-C
 * would not be seen and output would not be flushed until the epoch ended.
 */
const turnEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const EPOCH_SALT = 0xe90c;
const DROPOUT_SALT = 0xd409;

export class TrainingRun {
  private readonly history: EpochRecord[];
  private best: EpochRecord | undefined;
  /**
   * Images found unreadable in earlier epochs (and earlier invocations): left out of every later
   * shuffle, so a resumed run shuffles the same list an uninterrupted one does.
   */
  private readonly unreadable: Set<number>;
  private readonly stepLosses: number[] = [];
  private readonly stepSeconds: number[] = [];
  /** Read after a resume has restored the weights. */
  private variables: tf.Variable[] = [];
  private readonly lossFn: ReturnType<typeof crossEntropy>;

  constructor(private readonly p: RunParts) {
    const state = p.plan.resume?.state;
    this.history = [...(state?.history ?? [])];
    this.best = state?.best;
    this.unreadable = new Set<number>(unreadableIndices(p.plan, state?.unreadable ?? []));
    this.lossFn = crossEntropy(p.plan.settings.loss);
  }

  async run(): Promise<TrainResult> {
    const { plan } = this.p;
    const state = plan.resume?.state;
    await this.restore();
    this.variables = this.p.model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.announce();
    this.startRunFolder();
    const firstEpoch = (state?.epoch ?? 0) + 1;
    if (firstEpoch > plan.settings.epochs) {
      this.p.say(
        `nothing to do: ${plan.resume!.dir} has finished epoch ${state!.epoch} of ${plan.settings.epochs}; pass --epochs N with N > ${state!.epoch} to train further`,
      );
      return this.result(false);
    }
    for (let epoch = firstEpoch; epoch <= plan.settings.epochs; epoch++) {
      const started = performance.now();
      const resumeAt = epoch === firstEpoch ? state?.position : undefined;
      const trained = await this.trainEpoch(epoch, resumeAt);
      if (this.p.interrupt.requested) return await this.saveInterrupted(epoch, trained);
      const validated = await this.validate(epoch);
      if (this.p.interrupt.requested) return await this.saveInterrupted(epoch, trained);
      await this.closeEpoch({
        ...sumsToRecord(epoch, trained.sums, plan.settings.optimizer.lr),
        ...validated,
        // An epoch resumed after Ctrl-C counts the time spent on it before the interruption too.
        seconds: (performance.now() - started) / 1000 + (resumeAt?.sums.seconds ?? 0),
      });
    }
    const b = this.best!;
    this.p.say(
      `done: ${this.history.length} epoch${this.history.length === 1 ? "" : "s"}; best ${b.valAccuracy === undefined ? `training loss ${b.trainLoss.toFixed(4)}` : `validation accuracy ${percent(b.valAccuracy)}`} ` +
        `(epoch ${b.epoch}) in ${plan.bestDir}, last in ${plan.lastDir}; metrics in ${join(plan.outDir, RUN_FOLDER.metricsCsv)} and ${join(plan.outDir, RUN_FOLDER.metricsSvg)}`,
    );
    return this.result(false);
  }

  private async restore(): Promise<void> {
    const { plan, model, optimizer, gen } = this.p;
    if (!plan.resume) return;
    assertSameModel(plan.resume.dir, plan.resume.state, model, gen.name, gen.specHash);
    await restoreWeights(plan.resume.dir, model);
    await restoreOptimizer(plan.resume.dir, optimizer);
  }

  private announce(): void {
    const { gen, plan, model, say } = this.p;
    const { settings, seed, train, val } = plan;
    const state = plan.resume?.state;
    say(
      `model ${gen.name}: ${thousands(model.countParams())} params, input ${gen.inputShape.join("×")} (H×W×C), ${gen.numClasses} outputs`,
    );
    say(
      `data ${train.source}: ${train.classes.length} classes, ${thousands(train.samples.length)} training images, ${val ? `${thousands(val.samples.length)} validation (${plan.data.val ?? `${+(plan.data.valSplit * 100).toFixed(2)}% of each class held out`})` : "no validation"}`,
    );
    say(
      `training ${describeOptimizer(settings.optimizer)}, cross_entropy${settings.loss.labelSmoothing ? `(label_smoothing=${settings.loss.labelSmoothing})` : ""}, batch ${settings.batch}, ${settings.epochs} epoch${settings.epochs === 1 ? "" : "s"}, seed ${seed}${plan.seedWasGiven ? "" : ` (repeat with --seed ${seed})`}`,
    );
    if (state)
      say(
        `resuming ${plan.resume!.dir}: ${state.epoch} epoch${state.epoch === 1 ? "" : "s"} done${state.position ? `, ${state.position.batches} batches into epoch ${state.epoch + 1}` : ""}`,
      );
    say(`writing ${plan.outDir}/: last/ and best/ checkpoints, metrics.csv, metrics.svg, ${CLASS_INDEX_FILE}`);
  }

  private startRunFolder(): void {
    const { plan } = this.p;
    writeFileAtomic(join(plan.outDir, CLASS_INDEX_FILE), classIndexJson(plan.train.classes));
    writeMetrics(join(plan.outDir, RUN_FOLDER.metricsCsv), this.history);
    this.redraw();
  }

  private redraw(): void {
    const { gen, plan } = this.p;
    writeFileAtomic(join(plan.outDir, RUN_FOLDER.metricsSvg), plotSvg(`${gen.name} · ${plan.outDir}`, this.history, plan.settings.epochs));
  }

  /** One training pass, from `resumeAt` when an earlier invocation stopped inside this epoch. */
  private async trainEpoch(epoch: number, resumeAt: { batches: number; sums: EpochSums } | undefined): Promise<EpochStop> {
    const { plan, gen, loader, model, optimizer, interrupt } = this.p;
    const { settings, seed, train } = plan;
    const sums: EpochSums = resumeAt ? { ...resumeAt.sums } : { lossSum: 0, correct: 0, images: 0, seconds: 0 };
    const trainIndices = Int32Array.from(train.samples, (_, i) => i);
    const order = shuffle(
      trainIndices.filter((i) => !this.unreadable.has(i)),
      seeded(mix(seed, EPOCH_SALT, epoch)),
    ) as Int32Array;
    // A save inside this epoch records the list this epoch's shuffle was made from.
    const skippedBefore = new Set(this.unreadable);
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
      this.reportSkipped(batch.skipped);
      if (batch.n > 0) {
        // Dropout masks are keyed by (seed, epoch, batch), so a run resumed at any batch draws the
        // masks an uninterrupted run draws there.
        reseedMathRandom(mix(seed, DROPOUT_SALT, epoch, batch.index));
        const r = await trainStep(model, optimizer, this.lossFn, this.variables, batch, gen.inputShape, gen.numClasses);
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
        this.stepLosses.push(r.loss);
      }
      const now = performance.now();
      this.stepSeconds.push((now - stepStart) / 1000);
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
    return { sums, batches: done, skippedBefore };
  }

  /** The validation pass: loss and accuracy, or nothing without a validation set (or images). */
  private async validate(epoch: number): Promise<Pick<EpochRecord, "valLoss" | "valAccuracy">> {
    const { plan, gen, loader, model, interrupt } = this.p;
    const { settings, seed, train, val } = plan;
    if (!val) return {};
    const valIndices = Int32Array.from(val.samples, (_, i) => train.samples.length + i);
    let lossSum = 0;
    let correct = 0;
    let images = 0;
    for await (const batch of loader.epoch({
      order: valIndices.filter((i) => !this.unreadable.has(i)),
      batchSize: settings.batch,
      train: false,
      epoch,
      seed,
    })) {
      this.reportSkipped(batch.skipped);
      if (batch.n === 0) continue;
      const r = await evalBatch(model, this.lossFn, batch, gen.inputShape, gen.numClasses);
      lossSum += r.loss * batch.n;
      correct += r.correct;
      images += batch.n;
      await turnEventLoop();
      if (interrupt.requested) break;
    }
    return images > 0 && !interrupt.requested ? { valLoss: lossSum / images, valAccuracy: correct / images } : {};
  }

  /** The epoch's record saved: last/, then best/ when it improved, then the metrics row and plot. */
  private async closeEpoch(record: EpochRecord): Promise<void> {
    const { plan, model, optimizer, say } = this.p;
    const { settings } = plan;
    this.history.push(record);
    const improved = isBetter(record, this.best);
    if (improved) this.best = record;
    await saveCheckpoint(plan.lastDir, model, optimizer, this.state(record.epoch));
    faultPoint("best:before-copy");
    if (improved) copyCheckpoint(plan.lastDir, plan.bestDir);
    faultPoint("metrics:before-append");
    appendMetrics(join(plan.outDir, RUN_FOLDER.metricsCsv), record);
    this.redraw();
    faultPoint("epoch:end");
    say(
      `epoch ${record.epoch}/${settings.epochs}: loss ${record.trainLoss.toFixed(4)} acc ${percent(record.trainAccuracy)}` +
        (record.valLoss === undefined ? "" : ` | val loss ${record.valLoss.toFixed(4)} acc ${percent(record.valAccuracy!)}`) +
        ` | ${record.imagesPerSecond.toFixed(1)} img/s, ${clock(record.seconds)}${improved ? " | best so far" : ""}`,
    );
  }

  private async saveInterrupted(epoch: number, stop: EpochStop): Promise<TrainResult> {
    const { plan, model, optimizer, say } = this.p;
    const state = { ...this.state(epoch - 1, stop.skippedBefore), position: { batches: stop.batches, sums: stop.sums } };
    await saveCheckpoint(plan.lastDir, model, optimizer, state);
    say(`saved ${plan.lastDir} (${state.epoch} epochs + ${state.position.batches} batches); continue with --resume --out ${plan.outDir}`);
    return this.result(true);
  }

  private state(epoch: number, skipped: Set<number> = this.unreadable): CheckpointState {
    const { gen, plan, preprocessing } = this.p;
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      model: gen.name,
      specHash: gen.specHash,
      epoch,
      seed: plan.seed,
      classes: plan.train.classes,
      inputShape: gen.inputShape,
      preprocessing,
      training: plan.settings,
      data: plan.data,
      ...(skipped.size > 0 ? { unreadable: unreadablePaths(plan, skipped) } : {}),
      ...(this.best ? { best: this.best } : {}),
      history: this.history,
    };
  }

  private reportSkipped(skipped: Array<{ index: number; path: string; reason: string }>): void {
    for (const s of skipped) {
      if (this.unreadable.has(s.index)) continue;
      this.unreadable.add(s.index);
      process.stderr.write(`alexc: skipping ${s.path}: ${s.reason}\n`);
    }
  }

  private result(interrupted: boolean): TrainResult {
    const { plan } = this.p;
    return {
      outDir: plan.outDir,
      classes: plan.train.classes,
      history: this.history,
      stepLosses: this.stepLosses,
      stepSeconds: this.stepSeconds,
      interrupted,
      seed: plan.seed,
      ...(this.best ? { best: this.best } : {}),
    };
  }
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
