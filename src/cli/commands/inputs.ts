import { Option, type Command } from "commander";
import { analyseInputs, inputsDocument, inputsText } from "../../views/inputs-report.js";
import type { Override } from "../../resolve/resolve.js";
import { scanProblem } from "../../check/valid-inputs.js";
import { collectOverride, positiveInteger, runAnalysis, UsageError } from "./common.js";

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
      runAnalysis(
        files,
        opts,
        (checked) => {
          // Refused before scanning, with the figure: `--max 1e9` would otherwise run for minutes.
          const tooMuch = scanProblem(checked.model, opts.max);
          if (tooMuch) throw new UsageError(`--max ${opts.max}: ${tooMuch}`);
          return analyseInputs(checked.model, opts.max);
        },
        { json: inputsDocument, text: inputsText },
      );
    });
}
