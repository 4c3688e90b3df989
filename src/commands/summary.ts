import { Option, type Command } from "commander";
import { checkSource } from "../compiler.js";
import { details } from "../analysis/details.js";
import { summaryDocument, summaryText } from "../summary.js";
import type { Override } from "../resolve.js";
import { collectOverride, diagnosticCounts, EXIT_DIAGNOSTICS, EXIT_OK, failed, positiveInteger, printDiagnostics, readSpec, summary } from "./common.js";

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
      const results = files.map((f) => checkSource(f, readSpec(f), { overrides: opts.set }));
      const analysed = results.flatMap((r) => (r.checked ? [{ file: r.file.path, details: details(r.checked, opts.batch), diagnostics: diagnosticCounts(r.diagnostics) }] : []));
      if (opts.format === "json") process.stdout.write(summaryDocument(analysed));
      else for (const a of analysed) process.stdout.write(`${results.length > 1 ? `${a.file}\n` : ""}${summaryText(a.details)}\n\n`);
      // JSON carries the figures; `alexc check --format json` carries the diagnostics.
      if (opts.format === "text") {
        printDiagnostics(results);
        process.stderr.write(summary(results) + "\n");
      }
      process.exitCode = failed(results, false) ? EXIT_DIAGNOSTICS : EXIT_OK;
    });
}
