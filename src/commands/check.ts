import { Option, type Command } from "commander";
import { checkSource, type CheckResult } from "../compiler.js";
import { jsonDocument, layerTable } from "../report.js";
import type { Override } from "../resolve.js";
import { collectOverride, EXIT_DIAGNOSTICS, EXIT_OK, failed, printDiagnostics, readSpec, summary } from "./common.js";

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("check every layer's shape and print the per-layer table with params and MACs")
    .argument("<files...>", ".anet spec files")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--deny-warnings", "fail (exit 1) on warnings not acknowledged with `allow`")
    .addHelpText(
      "after",
      `
Examples:
  $ alexc check specs/alexnet.anet
  $ alexc check specs/alexnet.anet --set num_classes=5
  $ alexc check specs/*.anet --format json --deny-warnings

Exit status: 0 no errors, 1 errors (or warnings with --deny-warnings), 2 usage or I/O error.`,
    )
    .action((files: string[], opts: { format: "text" | "json"; set: Override[]; denyWarnings?: boolean }) => {
      const results = files.map((f) => checkSource(f, readSpec(f), { overrides: opts.set }));
      if (opts.format === "json") process.stdout.write(jsonDocument(results));
      else printText(results);
      process.exitCode = failed(results, opts.denyWarnings === true) ? EXIT_DIAGNOSTICS : EXIT_OK;
    });
}

function printText(results: CheckResult[]): void {
  for (const r of results) {
    if (!r.checked) continue;
    if (results.length > 1) process.stdout.write(`${r.file.path}\n`);
    const params = r.checked.model.params;
    const values = params.length ? ` (${params.map((p) => `${p.name}=${p.value}`).join(", ")})` : "";
    process.stdout.write(`model ${r.checked.model.name}${values}\n${layerTable(r.checked)}\n\n`);
  }
  printDiagnostics(results);
  process.stderr.write(summary(results) + "\n");
}
