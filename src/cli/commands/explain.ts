import type { Command } from "commander";
import { catalogue } from "../../diagnostics/catalogue.js";
import { didYouMean } from "../../diagnostics/diagnostic.js";
import { explainText, findEntry } from "../../views/explain.js";
import { EXIT_OK, UsageError } from "./common.js";

export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description("explain a diagnostic code: what it means, a failing example, the fix")
    .argument("[code]", "a code such as E0201, or its name such as dense-in-mismatch; none lists all")
    .addHelpText(
      "after",
      `
Examples:
  $ alexc explain E0201
  $ alexc explain inexact
  $ alexc explain              # every code, one line each`,
    )
    .action((code: string | undefined) => {
      if (code === undefined) {
        for (const e of catalogue.values()) process.stdout.write(`${e.code}  ${e.name.padEnd(20)} ${e.severity.padEnd(8)} ${e.title}\n`);
        process.exitCode = EXIT_OK;
        return;
      }
      const entry = findEntry(code);
      if (!entry) {
        const all = [...catalogue.values()].flatMap((e) => [e.code, e.name]);
        const guess = didYouMean(code, all);
        throw new UsageError(`no diagnostic '${code}'${guess ? `; did you mean ${guess}?` : ""} (alexc explain lists them all)`);
      }
      process.stdout.write(explainText(entry));
      process.exitCode = EXIT_OK;
    });
}
