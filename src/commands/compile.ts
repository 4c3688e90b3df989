import type { Command } from "commander";
import { checkSource } from "../compiler.js";
import { groupThousands } from "../report.js";
import type { Override } from "../resolve.js";
import { collectOverride, counts, EXIT_DIAGNOSTICS, EXIT_OK, failed, printDiagnostics, readSpec, summary } from "./common.js";

export function registerCompile(program: Command): void {
  program
    .command("compile")
    .description("check a spec, then write its TensorFlow.js model and training program")
    .argument("<file>", ".anet spec file")
    .option("-o, --out <dir>", "output root; files go to <dir>/<model>/", "generated")
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--deny-warnings", "refuse to compile when warnings are not acknowledged")
    .addHelpText(
      "after",
      `
Examples:
  $ alexc compile specs/alexnet.anet               # writes generated/alexnet/{model,train,predict}.ts
  $ alexc compile specs/alexnet.anet -o out --set num_classes=5
  $ npx tsx generated/alexnet/train.ts --data builtin --epochs 1   # train on the built-in drawn set

Nothing is written when the check finds errors. Files are written atomically and byte-for-byte
deterministically, so committed output can be compared with a fresh compile.`,
    )
    .action(async (file: string, opts: { out: string; set: Override[]; denyWarnings?: boolean }) => {
      const result = checkSource(file, readSpec(file), { overrides: opts.set });
      printDiagnostics([result]);
      if (failed([result], opts.denyWarnings === true) || !result.checked?.complete) {
        process.stderr.write(`${summary([result])}; nothing written\n`);
        process.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      // The emitter (handlebars) loads only when compiling, keeping `check` start-up small.
      const { emitModel } = await import("../emit.js");
      const { writeOutputs } = await import("../write.js");
      const emitted = emitModel(result.checked, result.file);
      if (emitted.diagnostics.length > 0) {
        printDiagnostics([{ ...result, diagnostics: emitted.diagnostics }]);
        process.stderr.write("nothing written\n");
        process.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      for (const w of writeOutputs(opts.out, emitted.dir, emitted.files)) process.stdout.write(`wrote ${w}\n`);
      const { params, macs } = result.checked.totals;
      process.stderr.write(`${result.checked.model.name}: ${groupThousands(params)} params, ${groupThousands(macs)} MACs; ${counts([result])}\n`);
      process.exitCode = EXIT_OK;
    });
}
