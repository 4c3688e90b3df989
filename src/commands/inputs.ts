import { Option, type Command } from "commander";
import { checkSource } from "../compiler.js";
import { analyseInputs, inputsDocument, inputsText } from "../inputs-report.js";
import type { Override } from "../resolve.js";
import { collectOverride, diagnosticCounts, EXIT_DIAGNOSTICS, EXIT_OK, failed, positiveInteger, printDiagnostics, readSpec, summary } from "./common.js";

export function registerInputs(program: Command): void {
  program
    .command("inputs")
    .description("which input sizes the model accepts: smallest per layer, valid ranges, exact sizes")
    .argument("<files...>", ".anet spec files")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--max <size>", "largest input size to scan", positiveInteger, 4096)
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .addHelpText(
      "after",
      `
Examples:
  $ alexc inputs specs/alexnet.anet
  $ alexc inputs specs/alexnet.anet --max 1024 --format json

Valid: every layer has a non-empty output and every declared dense in-features matches.
Exact: every window tiles its padded input, so no row or column is dropped (no W0301).
The analysis runs even when the spec's own input size fails the check; the exit status is 1 then.
Exit status: 0 no errors, 1 errors, 2 usage or I/O error.`,
    )
    .action((files: string[], opts: { format: "text" | "json"; max: number; set: Override[] }) => {
      const results = files.map((f) => checkSource(f, readSpec(f), { overrides: opts.set }));
      const analysed = results.flatMap((r) => (r.checked ? [{ file: r.file.path, analysis: analyseInputs(r.checked.model, opts.max), diagnostics: diagnosticCounts(r.diagnostics) }] : []));
      if (opts.format === "json") process.stdout.write(inputsDocument(analysed));
      else for (const a of analysed) process.stdout.write(`${results.length > 1 ? `${a.file}\n` : ""}${inputsText(a.analysis)}\n\n`);
      // JSON carries the figures; `alexc check --format json` carries the diagnostics.
      if (opts.format === "text") {
        printDiagnostics(results);
        process.stderr.write(summary(results) + "\n");
      }
      process.exitCode = failed(results, false) ? EXIT_DIAGNOSTICS : EXIT_OK;
    });
}
