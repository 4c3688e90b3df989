/**
 * The program behind every generated predict.ts, the seed series' predict.py: loads a checkpoint
 * and prints the most probable classes of each image, using the class map and the validation
 * preprocessing the checkpoint was trained with.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { selectBackend } from "./backend.js";
import { makeBatch, type BatchContext } from "./batch.js";
import { assertSameModel, assertSameSpec, existingCheckpoint, readState, restoreWeights, RUN_FOLDER } from "./checkpoint.js";
import { imagesUnder } from "./dataset.js";
import type { GeneratedModel } from "./generated.js";
import { backendOption, helpText, integerOption, parseOptions, PREDICT_OPTIONS, UsageError } from "./options.js";
import { probabilities } from "./step.js";

export interface Prediction {
  image: string;
  /** Most probable first. Probabilities are over the checkpoint's classes. */
  top: Array<{ class: string; index: number; probability: number }>;
}

export function predictHelp(gen: GeneratedModel): string {
  return helpText(
    `Prints the most probable classes of images, using a checkpoint of ${gen.name} written by train.ts.\n\nUsage: npx tsx predict.ts IMAGE|DIR... [options]`,
    PREDICT_OPTIONS,
    ["Examples:", "  npx tsx predict.ts tulip.jpg --checkpoint runs/flowers", "  npx tsx predict.ts photos/ --top 3 --json"].join("\n"),
  );
}

/** `dir` itself when it is a checkpoint; a run folder's best/, else its last/. */
function checkpointIn(dir: string): string {
  for (const candidate of [dir, join(dir, RUN_FOLDER.best), join(dir, RUN_FOLDER.last)]) {
    const found = existingCheckpoint(candidate);
    if (found) return found;
  }
  throw new UsageError(
    `${dir}: no checkpoint there (expected state.json, or a run folder with best/ or last/); train first, or pass --checkpoint`,
  );
}

function inputsOf(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!existsSync(p)) throw new UsageError(`${p}: no such file or folder`);
    const stat = statSync(p);
    // A FIFO or device would block or never end; decode.ts refuses them too, this says so up front.
    if (!stat.isDirectory() && !stat.isFile())
      throw new UsageError(`${p}: not a regular file or folder (a FIFO, socket or device cannot be an image)`);
    if (!stat.isDirectory()) return [p];
    const found = imagesUnder(p);
    if (found.length === 0) throw new UsageError(`${p}: no JPEG or PNG images in this folder`);
    return found;
  });
}

const BATCH = 16;

export async function predict(gen: GeneratedModel, args: string[]): Promise<Prediction[] | undefined> {
  const { values, positionals } = parseOptions(PREDICT_OPTIONS, args, true);
  if (values.help) {
    process.stdout.write(predictHelp(gen));
    return undefined;
  }
  if (positionals.length === 0) throw new UsageError("give one or more images or folders of images; see --help");
  const k = integerOption("top", values.top, 1) ?? 5;
  const dir = checkpointIn(values.checkpoint ?? join("runs", gen.name));
  const images = inputsOf(positionals);
  const state = readState(dir);
  assertSameSpec(dir, state, gen.name, gen.specHash);
  // The sizes the batch is allocated from must be this model's, whatever state.json says.
  if (state.inputShape.join() !== gen.inputShape.join()) {
    throw new UsageError(
      `${dir}/state.json: inputShape ${state.inputShape.join("×")} is not ${gen.name}'s ${gen.inputShape.join("×")}: the checkpoint was edited or belongs to another model`,
    );
  }
  if (state.classes.length > gen.numClasses) {
    throw new UsageError(
      `${dir}/state.json: ${state.classes.length} classes, but ${gen.name} outputs ${gen.numClasses} scores: the checkpoint was edited or belongs to another model`,
    );
  }
  const threads = integerOption("threads", values.threads, 1);
  await selectBackend(backendOption(values.backend), (line) => process.stderr.write(line + "\n"), threads === undefined ? {} : { threads });
  const model = gen.buildModel();
  try {
    assertSameModel(dir, state, model, gen.name, gen.specHash);
    await restoreWeights(dir, model);
    const [height, width, channels] = state.inputShape;
    const ctx: BatchContext = {
      samples: images.map((path) => ({ label: 0, path })),
      size: { width, height, channels },
      preprocessing: state.preprocessing,
    };
    const classes = state.classes;
    const results: Prediction[] = [];
    for (let start = 0; start < images.length; start += BATCH) {
      const indices = Int32Array.from({ length: Math.min(BATCH, images.length - start) }, (_, i) => start + i);
      const batch = await makeBatch(ctx, { indices, train: false, epoch: 0, seed: 0 });
      for (const s of batch.skipped) process.stderr.write(`alexc: skipping ${s.path}: ${s.reason}\n`);
      const skipped = new Set(batch.skipped.map((s) => s.index));
      const probs = probabilities(model, batch, state.inputShape);
      const outputs = probs.length / Math.max(1, batch.n);
      let row = 0;
      for (const index of indices) {
        if (skipped.has(index)) continue;
        // Outputs beyond the class map were never a training target: share out over the classes only.
        const p = Array.from(probs.subarray(row * outputs, row * outputs + classes.length));
        const total = p.reduce((a, b) => a + b, 0);
        const top = p
          .map((v, i) => ({ class: classes[i]!, index: i, probability: v / total }))
          .sort((a, b) => b.probability - a.probability || a.index - b.index)
          .slice(0, k);
        results.push({ image: images[index]!, top });
        row++;
      }
    }
    for (const r of results) {
      if (values.json) {
        process.stdout.write(JSON.stringify({ image: r.image, predictions: r.top }) + "\n");
        continue;
      }
      const width = Math.max(...r.top.map((t) => t.class.length));
      process.stdout.write(
        `${r.image}\n${r.top.map((t, i) => `  ${String(i + 1).padStart(2)}. ${t.class.padEnd(width)}  ${(t.probability * 100).toFixed(1).padStart(5)}%`).join("\n")}\n`,
      );
    }
    return results;
  } finally {
    model.dispose();
  }
}
