import type { Command } from "commander";
import { registerProgramCommand } from "./program-command.js";

/** `alexc train`: see run-program.ts. */
export function registerTrain(program: Command): void {
  registerProgramCommand(program, {
    name: "train",
    description: "compile a spec when needed, then train it (trainer options follow the spec)",
    rest: "trainer options",
    examples: `  $ alexc train specs/alexnet-mini.anet --data builtin --epochs 1
  $ alexc train specs/alexnet.anet --data flower_photos --out runs/flowers
  $ alexc train -o src/models specs/alexnet.anet --out runs/flowers --resume
  $ alexc train specs/alexnet.anet --help          # every trainer option

Ctrl-C (or SIGTERM) once: the run saves last/ and stops (exit 130); twice: it quits at once.`,
  });
}
