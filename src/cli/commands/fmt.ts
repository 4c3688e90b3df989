import type { Command } from "commander";
import { visible } from "../../diagnostics/visible.js";
import { SourceFile } from "../../diagnostics/source.js";
import { formatSource } from "../../syntax/printer.js";
import { writeAtomic } from "../../emit/write.js";
import { EXIT_DIAGNOSTICS, EXIT_OK, expandSpecs, printDiagnostics, readSpec } from "./common.js";

export function registerFmt(program: Command): void {
  program
    .command("fmt")
    .description("rewrite .anet files in the canonical layout (comments kept)")
    .argument("[files...]", ".anet files, directories or glob patterns", ["specs"])
    .option("--check", "write nothing; list the files that would change and exit 1 if any")
    .addHelpText(
      "after",
      `
Examples:
  $ alexc fmt                        # rewrite every .anet under specs/
  $ alexc fmt models/ other.anet     # or those named
  $ alexc fmt --check specs/         # in CI: exit 1 and list what is not formatted

Files that do not parse are reported and left as they are (exit 1).`,
    )
    .action((args: string[], opts: { check?: boolean }) => {
      let failed = false;
      for (const path of expandSpecs(args)) {
        const text = readSpec(path);
        const result = formatSource(text);
        if (result.text === undefined) {
          printDiagnostics([{ file: new SourceFile(path, text), diagnostics: result.diagnostics }]);
          failed = true;
          continue;
        }
        if (result.text === text) continue;
        if (opts.check) {
          process.stdout.write(`${visible(path)}\n`);
          failed = true;
        } else {
          writeAtomic(path, result.text);
          process.stdout.write(`formatted ${visible(path)}\n`);
        }
      }
      if (opts.check && failed) process.stderr.write("these files are not formatted: run alexc fmt on them\n");
      process.exitCode = failed ? EXIT_DIAGNOSTICS : EXIT_OK;
    });
}
