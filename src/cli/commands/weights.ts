/**
 * `alexc import-weights` and `alexc export-weights`: PyTorch state dicts (torch.save's zip format
 * or safetensors) into alexc checkpoints that the generated predict.ts and train.ts --resume
 * take, and checkpoints back to safetensors that PyTorch loads. Mapping per layer kind: the
 * layer table's `torch` hook (src/layers/torch-params.ts); docs/weights.md is the user's guide.
 */
import { statSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import type { CheckResult } from "../../check/check-spec.js";
import { checkSource } from "../../check/check-spec.js";
import type { CheckedModel, CheckedLayer } from "../../check/check.js";
import { visible } from "../../diagnostics/visible.js";
import { outputError, writeAtomic } from "../../emit/write.js";
import type { Override } from "../../resolve/resolve.js";
import { readTextFile } from "../../syntax/read.js";
import { UserError } from "../../util/user-error.js";
import {
  collectOverride,
  EXIT_DIAGNOSTICS,
  EXIT_OK,
  exitStatus,
  failed,
  originsOf,
  printDiagnostics,
  readSpec,
  summary,
  UsageError,
} from "./common.js";

/** A weight file or checkpoint that does not fit the spec, or is not a state dict: exit 1 (a finding). */
class WeightsRefused extends UserError {
  override readonly exitStatus: number = EXIT_DIAGNOSTICS;
}

interface SpecOptions {
  set: Override[];
  variant?: string;
}

/** The checked spec (base or one variant), or exit with its diagnostics. */
function checkedSpec(file: string, opts: SpecOptions): { result: CheckResult; checked: CheckedModel } | undefined {
  const text = readSpec(file);
  const result = checkSource(file, text, { overrides: opts.set, ...(opts.variant ? { variant: opts.variant } : {}) });
  printDiagnostics([result]);
  if (failed([result], false) || !result.checked?.complete) {
    process.stderr.write(`${summary([result])}; nothing written\n`);
    process.exitCode = exitStatus([result], originsOf(opts.set)) || EXIT_DIAGNOSTICS;
    return undefined;
  }
  return { result, checked: result.checked };
}

/** A path the user named must be a regular file: anything else is a wrong command line (exit 2). */
function regularFile(path: string, what: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UsageError(`${path}: no such file (${what})`);
  }
  if (!isFile) throw new UsageError(`${path}: not a regular file (${what})`);
}

/** `--classes FILE`: class_indices.json ({"0": "daisy", …}), a JSON list, or one name per line. */
function readClasses(path: string): string[] {
  regularFile(path, "--classes");
  const text = readTextFile(path).trim();
  let names: unknown;
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      const json = JSON.parse(text) as unknown;
      names = Array.isArray(json)
        ? json
        : Object.entries(json as Record<string, unknown>)
            .sort(([a], [b]) => Number(a) - Number(b))
            .map(([, v]) => v);
    } catch (e) {
      throw new UsageError(`--classes ${path}: not valid JSON (${(e as Error).message})`);
    }
  } else names = text.split(/\r?\n/).map((l) => l.trim());
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === "string" && n.length > 0 && n.length <= 1024))
    throw new UsageError(`--classes ${path}: expected class names (class_indices.json, a JSON list, or one name per line)`);
  if (new Set(names).size !== names.length) throw new UsageError(`--classes ${path}: a class name appears twice`);
  return names as string[];
}

const numClasses = (checked: CheckedModel): number => (checked.output?.rank === "flat" ? checked.output.n : 0);

export function registerWeights(program: Command): void {
  program
    .command("import-weights")
    .description("turn a PyTorch state dict (.pt from torch.save, or .safetensors) into a checkpoint predict and train --resume use")
    .argument("<spec>", ".anet spec file")
    .argument(
      "<file>",
      "the state dict: torch.save's zip format (a state dict, or a dict holding it under 'model' or 'state_dict'), or safetensors",
    )
    .requiredOption("-o, --out <dir>", "the checkpoint folder to write (model.json, weights.bin, state.json, …)")
    .option("--variant <name>", "the spec's variant the weights are for")
    .option("-s, --set <name=value>", "override a parameter (repeatable), as when compiling", collectOverride, [] as Override[])
    .option(
      "--data <data>",
      "what the model was trained on (a folder of class folders, or builtin): its classes name the outputs, and --resume trains on it",
    )
    .option(
      "--seed <n>",
      "the run's seed, recorded for --resume (its validation split and shuffles)",
      (v) => {
        const n = Number(v);
        if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 32) throw new UsageError(`--seed ${v}: expected a whole number from 0 to 2^32`);
        return n;
      },
      0,
    )
    .option(
      "--classes <file>",
      "class names for the outputs: class_indices.json, a JSON list, or one per line (default: the checkpoint's own, as train.py writes them, else 0, 1, …)",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ alexc import-weights specs/alexnet.anet alexnet.pt -o runs/alexnet/best
  $ alexc predict specs/alexnet.anet photo.jpg --checkpoint runs/alexnet/best
  $ alexc import-weights specs/alexnet-mini.anet checkpoint.pt --data builtin -o runs/mini/last
  $ alexc train specs/alexnet-mini.anet --resume --out runs/mini --epochs 2

Keys are <layer name>.<weight|bias|…> as PyTorch names them (features.0.weight); conv weights
are transposed to tfjs's layout and split per group, dense weights transposed. Every missing or
unexpected key and every wrong shape is listed with the layer's line in the spec; nothing is
written then. The file is read as data: a pickle that asks for anything but tensors and dicts
is refused, never run. See docs/weights.md.
Exit status: 0 written, 1 the spec has errors or the file does not fit it, 2 usage error, 74 I/O error.`,
    )
    .action(async (spec: string, file: string, opts: SpecOptions & { out: string; data?: string; classes?: string; seed: number }) => {
      const found = checkedSpec(spec, opts);
      if (!found) return;
      const { result, checked } = found;
      regularFile(file, "the state dict");
      const outputs = numClasses(checked);
      let classes: string[] | undefined;
      const { openDataset } = await import("../../runtime/dataset.js");
      const { AlexcRuntimeError } = await import("../../runtime/errors.js");
      if (opts.data !== undefined) {
        try {
          classes = openDataset(opts.data).classes;
        } catch (e) {
          // The trainer's own words for a --data it cannot use (no such folder, no class folders).
          if (e instanceof AlexcRuntimeError) throw new UsageError(e.message);
          throw e;
        }
      }
      if (opts.classes !== undefined) classes = readClasses(opts.classes);

      const { readTorchWeights } = await import("../../runtime/torch/state-dict.js");
      const { BadWeightFile } = await import("../../runtime/torch/errors.js");
      const { torchToTfjs } = await import("../../views/export/torch-state.js");
      let read;
      try {
        read = readTorchWeights(file);
      } catch (e) {
        if (e instanceof BadWeightFile) throw new WeightsRefused(e.message);
        throw e;
      }
      const dict = read.dict;
      // Class names: --classes, else --data's folders, else the ones a train.py checkpoint carries, else 0, 1, …
      classes ??= read.classes && read.classes.length <= outputs ? read.classes : Array.from({ length: outputs }, (_, i) => String(i));
      if (classes.length > outputs)
        throw new UsageError(`${classes.length} class names, but ${checked.model.name} has ${outputs} outputs: give at most ${outputs}`);
      const where = (layer: CheckedLayer): string => {
        const span = layer.resolved.node.span;
        const at = result.file.position(span.start);
        const text = result.file.text.slice(span.start, span.end).split("\n")[0]!;
        return `${result.file.path}:${at.line}:${at.column} \`${text}\``;
      };
      const imported = torchToTfjs(checked, dict, { where });
      if (imported.problems.length > 0) {
        const n = imported.problems.length;
        process.stderr.write(
          `alexc: ${visible(file)} does not fit ${visible(spec)}${opts.variant ? ` (variant ${visible(opts.variant)})` : ""}: ${n} problem${n === 1 ? "" : "s"}; nothing written\n`,
        );
        for (const p of imported.problems.slice(0, 50)) process.stderr.write(`  ${visible(p)}\n`);
        if (n > 50) process.stderr.write(`  … and ${n - 50} more\n`);
        process.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      const tf = await import("../../runtime/tf.js");
      tf.enableProdMode();
      const { writeImportedCheckpoint } = await import("../../views/export/torch-checkpoint.js");
      try {
        await writeImportedCheckpoint(checked, imported.weights, {
          dir: opts.out,
          classes,
          data: opts.data ?? `imported from ${basename(file)}`,
          seed: opts.seed,
        });
      } catch (e) {
        throw outputError(opts.out, e, "cannot write the checkpoint");
      }
      const converted = dict.size;
      process.stdout.write(
        `wrote ${visible(opts.out)}: ${converted} tensors from ${visible(file)}${imported.strippedPrefix ? ` (keys without DataParallel's '${imported.strippedPrefix}')` : ""} as ${checked.model.name}'s weights, epoch 0\n`,
      );
      process.exitCode = EXIT_OK;
    });

  program
    .command("export-weights")
    .description("write a checkpoint's weights as a PyTorch state dict (safetensors), keys named as the spec's layers")
    .argument("<spec>", ".anet spec file the checkpoint was trained from")
    .argument("<checkpoint>", "a checkpoint folder (state.json, model.json, weights.bin), e.g. runs/alexnet/best")
    .requiredOption("-o, --out <file>", "the .safetensors file to write")
    .option("--variant <name>", "the spec's variant the checkpoint is of")
    .option("-s, --set <name=value>", "override a parameter (repeatable), as when compiling", collectOverride, [] as Override[])
    .addHelpText(
      "after",
      `
Examples:
  $ alexc export-weights specs/alexnet.anet runs/alexnet/best -o alexnet.safetensors

In Python (no safetensors package needed; docs/weights.md has the loader):
  model.load_state_dict(load_safetensors("alexnet.safetensors"))
Exit status: 0 written, 1 the spec has errors or the checkpoint is not of it, 2 usage error, 74 I/O error.`,
    )
    .action(async (spec: string, dir: string, opts: SpecOptions & { out: string }) => {
      const found = checkedSpec(spec, opts);
      if (!found) return;
      const { checked } = found;
      const tf = await import("../../runtime/tf.js");
      tf.enableProdMode();
      const { existingCheckpoint } = await import("../../runtime/checkpoint.js");
      if (!existingCheckpoint(dir)) throw new UsageError(`${dir}: no checkpoint there (expected state.json, model.json and weights.bin)`);
      const { readCheckpointWeights } = await import("../../views/export/torch-checkpoint.js");
      const { tfjsToTorch } = await import("../../views/export/torch-state.js");
      const { writeSafetensors } = await import("../../runtime/torch/safetensors.js");
      const { AlexcRuntimeError } = await import("../../runtime/errors.js");
      let weights;
      try {
        weights = await readCheckpointWeights(checked, dir);
      } catch (e) {
        if (e instanceof AlexcRuntimeError) throw new WeightsRefused(e.message);
        throw e;
      }
      const dict = tfjsToTorch(checked, weights);
      const bytes = writeSafetensors(dict, { format: "pt", model: checked.model.name, spec: basename(spec) });
      writeAtomic(opts.out, bytes);
      process.stdout.write(`wrote ${visible(opts.out)}: ${dict.size} tensors of ${checked.model.name}\n`);
      process.exitCode = EXIT_OK;
    });
}
