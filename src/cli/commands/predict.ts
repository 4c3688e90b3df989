import type { Command } from "commander";
import { registerProgramCommand } from "./program-command.js";

/** `alexc predict`: see run-program.ts. */
export function registerPredict(program: Command): void {
  registerProgramCommand(program, {
    name: "predict",
    description: "compile a spec when needed, then classify images with a trained checkpoint",
    rest: "images and options",
    examples: `  $ alexc predict specs/alexnet-mini.anet photo.png --checkpoint runs/alexnet_mini/best
  $ alexc predict specs/alexnet.anet photos/ --top 3 --json
  $ alexc predict specs/alexnet.anet --help        # every predict option`,
  });
}
