import type { Command } from "commander";
import type { Override } from "../../resolve/resolve.js";
import { collectOverride } from "./common.js";

/** What differs between `alexc train` and `alexc predict`: both run a generated program (run-program.ts). */
export interface ProgramCommand {
  name: "train" | "predict";
  description: string;
  /** The name of the pass-through arguments in the usage line. */
  rest: string;
  examples: string;
}

/**
 * Registers a command that compiles a spec when its generated files are missing or stale, then runs
 * the generated `<name>.ts` with node and alexc's own tsx. The generated file stays runnable on its own.
 */
export function registerProgramCommand(program: Command, spec: ProgramCommand): void {
  program
    .command(spec.name)
    .description(spec.description)
    .argument("<file>", ".anet spec file")
    .argument(`[${spec.rest}...]`, `passed to the generated ${spec.name}.ts`)
    .option("-o, --out <dir>", "where the generated code is (compiled there when stale), as for compile", "generated")
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--variant <name>", "use this variant of the spec")
    .passThroughOptions()
    .allowUnknownOption()
    .helpOption("-h, --help", `show this help (after the spec: the generated ${spec.name}.ts's help)`)
    .addHelpText(
      "after",
      `
alexc's own options come before the spec; everything after the spec goes to the generated
${spec.name}.ts unchanged. Runs it with node and alexc's own tsx: the project needs no tsx.

Examples:
${spec.examples}`,
    )
    .action(async (file: string, args: string[], opts: { out: string; set: Override[]; variant?: string }) => {
      // Loaded only here: child_process and the emitter stay out of every other command's start-up.
      const { ensureCompiled, runGenerated } = await import("./run-program.js");
      const folder = await ensureCompiled(file, opts);
      if (folder === undefined) return;
      process.exitCode = await runGenerated(`${folder}/${spec.name}.ts`, args);
    });
}
