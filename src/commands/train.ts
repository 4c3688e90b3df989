import type { Command } from "commander";
import type { Override } from "../resolve.js";
import { collectOverride } from "./common.js";

/** `alexc train`: see run-program.ts. The generated train.ts stays runnable on its own with tsx. */
export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("compile a spec when needed, then train it (trainer options follow the spec)")
    .argument("<file>", ".anet spec file")
    .argument("[trainer options...]", "passed to the generated train.ts")
    .option("-o, --out <dir>", "where the generated code is (compiled there when stale), as for compile", "generated")
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--variant <name>", "use this variant of the spec")
    .passThroughOptions()
    .allowUnknownOption()
    .helpOption("-h, --help", "show this help (after the spec: the generated train.ts's help)")
    .addHelpText(
      "after",
      `
alexc's own options come before the spec; everything after the spec goes to the generated
train.ts unchanged. Runs it with node and alexc's own tsx: the project needs no tsx.

Examples:
  $ alexc train specs/alexnet-mini.anet --data builtin --epochs 1
  $ alexc train specs/alexnet.anet --data flower_photos --out runs/flowers
  $ alexc train -o src/models specs/alexnet.anet --out runs/flowers --resume
  $ alexc train specs/alexnet.anet --help          # every trainer option

Ctrl-C (or SIGTERM) once: the run saves last/ and stops (exit 130); twice: it quits at once.`,
    )
    .action(async (file: string, args: string[], opts: { out: string; set: Override[]; variant?: string }) => {
      // Loaded only here: child_process and the emitter stay out of every other command's start-up.
      const { ensureCompiled, runGenerated } = await import("./run-program.js");
      const folder = await ensureCompiled(file, opts);
      if (folder === undefined) return;
      process.exitCode = await runGenerated(`${folder}/train.ts`, args);
    });
}
