import { Option, type Command } from "commander";
import { details } from "../../views/analysis/details.js";
import { summaryDocument, summaryText } from "../../views/summary.js";
import type { Override } from "../../resolve/resolve.js";
import { collectOverride, positiveInteger, runAnalysis } from "./common.js";

export function registerSummary(program: Command): void {
  program
    .command("summary")
    .description("per-layer FLOPs, activations and receptive field, and the memory a training step needs")
    .argument("<files...>", ".anet spec files")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-b, --batch <n>", "batch size for the training-memory estimate (default: the spec's train batch)", positiveInteger)
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .addHelpText(
      "after",
      `
Examples:
  $ alexc summary specs/alexnet.anet
  $ alexc summary specs/alexnet.anet --batch 128 --set num_classes=5
  $ alexc summary specs/*.anet --format json

FLOPs are 2 × MACs. Receptive field and jump (effective stride) are in input pixels. The memory
estimate and its formula are explained in docs/analysis.md.
Exit status: 0 no errors, 1 errors, 2 usage or I/O error.`,
    )
    .action((files: string[], opts: { format: "text" | "json"; batch?: number; set: Override[] }) => {
      runAnalysis(files, opts, (checked) => details(checked, opts.batch), { json: summaryDocument, text: summaryText });
    });
}
