import type { Command } from "commander";
import type { Override } from "../resolve.js";
import { collectOverride } from "./common.js";

/** `alexc predict`: see run-program.ts. The generated predict.ts stays runnable on its own with tsx. */
export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("compile a spec when needed, then classify images with a trained checkpoint")
    .argument("<file>", ".anet spec file")
    .argument("[images and options...]", "passed to the generated predict.ts")
    .option("-o, --out <dir>", "where the generated code is (compiled there when stale), as for compile", "generated")
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--variant <name>", "use this variant of the spec")
    .passThroughOptions()
    .allowUnknownOption()
    .helpOption("-h, --help", "show this help (after the spec: the generated predict.ts's help)")
    .addHelpText(
      "after",
      `
alexc's own options come before the spec; everything after the spec goes to the generated
predict.ts unchanged. Runs it with node and alexc's own tsx: the project needs no tsx.

Examples:
  $ alexc predict specs/alexnet-mini.anet photo.png --checkpoint runs/alexnet_mini/best
  $ alexc predict specs/alexnet.anet photos/ --top 3 --json
  $ alexc predict specs/alexnet.anet --help        # every predict option`,
    )
    .action(async (file: string, args: string[], opts: { out: string; set: Override[]; variant?: string }) => {
      // Loaded only here: child_process and the emitter stay out of every other command's start-up.
      const { ensureCompiled, runGenerated } = await import("./run-program.js");
      const folder = await ensureCompiled(file, opts);
      if (folder === undefined) return;
      process.exitCode = await runGenerated(`${folder}/predict.ts`, args);
    });
}
