import { Option, type Command } from "commander";
import { visible } from "../../diagnostics/visible.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { checkSource } from "../../check/check-spec.js";
import type { Override } from "../../resolve/resolve.js";
import { outputError, writeAtomic } from "../../emit/write.js";
import {
  collectOverride,
  exitStatus,
  originsOf,
  EXIT_DIAGNOSTICS,
  EXIT_OK,
  failed,
  printDiagnostics,
  readSpec,
  summary,
  UsageError,
} from "./common.js";

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("write the model for other tools: a TensorFlow.js model.json (Netron opens it)")
    .argument("<file>", ".anet spec file")
    .addOption(new Option("-f, --format <format>", "export format").choices(["tfjs-json"]).default("tfjs-json"))
    .option("-o, --out <dir>", "folder for model.json and weights.bin (default: exported/<model>)")
    .option("--no-weights", "write the topology only (load it with tf.loadLayersModel(url, {strict: false}))")
    .option(
      "--seed <n>",
      "seed for the initial weights",
      (v) => {
        const n = Number(v);
        if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--seed ${v}: expected a whole number ≥ 0`);
        return n;
      },
      0,
    )
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .addHelpText(
      "after",
      `
Examples:
  $ alexc export specs/alexnet.anet --format tfjs-json -o web/alexnet
  $ alexc export specs/alexnet.anet --no-weights

model.json holds the tfjs-layers topology (channels-last, as the generated code builds it);
weights.bin the spec's initial weights, drawn with --seed, so the same spec gives the same bytes.
Load it with tf.loadLayersModel(url), or open model.json in Netron. With --no-weights the
manifest is empty: Netron shows the topology, and tf.loadLayersModel(url, {strict: false})
builds the model with fresh weights. Nothing is written when the check finds errors.
Exit status: 0 no errors, 1 errors, 2 usage or I/O error.`,
    )
    .action(async (file: string, opts: { format: "tfjs-json"; out?: string; weights: boolean; seed: number; set: Override[] }) => {
      const text = readSpec(file);
      const result = checkSource(file, text, { overrides: opts.set });
      printDiagnostics([result]);
      if (failed([result], false) || !result.checked?.complete) {
        process.stderr.write(`${summary([result])}; nothing written\n`);
        process.exitCode = exitStatus([result], originsOf(opts.set)) || EXIT_DIAGNOSTICS;
        return;
      }
      const { exportSizeProblem } = await import("../../views/export/tfjs-json.js");
      const tooLarge = exportSizeProblem(result.checked);
      if (tooLarge) throw new UsageError(`${file}: ${tooLarge}; nothing written`);
      // tfjs loads only here; prod mode keeps it from printing its Node.js advice.
      const tf = await import("../../runtime/tf.js");
      tf.enableProdMode();
      const { exportTfjsJson } = await import("../../views/export/tfjs-json.js");
      const exported = await exportTfjsJson(result.checked, result.file.path.split("\\").join("/"), {
        weights: opts.weights,
        seed: opts.seed,
      });
      const dir = opts.out ?? join("exported", result.checked.model.name);
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw outputError(dir, e, "cannot create the folder");
      }
      for (const [name, content] of exported.files) {
        writeAtomic(join(dir, name), content);
        process.stdout.write(`wrote ${visible(join(dir, name))}\n`);
      }
      process.exitCode = EXIT_OK;
    });
}
