#!/usr/bin/env node
/**
 * The alexc command line. Each command lives in src/cli/commands/<name>.ts and registers itself here.
 * Exit codes (the README's table): 0 clean (warnings allowed), 1 diagnostics that fail the run,
 * 2 a wrong command line or path, 70 a bug in alexc, 74 a read or write the system refused. Never prints a stack trace: unexpected failures are one line asking
 * for a bug report; file-system failures are said with their path (src/cli/stdio.ts).
 */
import { Command, CommanderError } from "commander";
import { visible, visibleLines } from "../diagnostics/visible.js";
import { UserError } from "../util/user-error.js";
import { describeIoError, EXIT_IO, guardStandardStreams, isErrnoError } from "./stdio.js";
import { VERSION } from "../util/version.js";
import { EXIT_OK, EXIT_USAGE } from "./commands/common.js";
import { registerCheck } from "./commands/check.js";
import { registerCompile } from "./commands/compile.js";
import { registerVariants } from "./commands/variants.js";
import { registerExplain } from "./commands/explain.js";
import { registerFmt } from "./commands/fmt.js";
import { registerLock } from "./commands/lock.js";
import { registerSummary } from "./commands/summary.js";
import { registerInputs } from "./commands/inputs.js";
import { registerGraph } from "./commands/graph.js";
import { registerReport } from "./commands/report.js";
import { registerExport } from "./commands/export.js";
import { registerWeights } from "./commands/weights.js";
import { registerInit } from "./commands/init.js";
import { registerTrain } from "./commands/train.js";
import { registerPredict } from "./commands/predict.js";
import { registerLsp } from "./commands/lsp.js";

const EXIT_INTERNAL = 70;

export function buildProgram(): Command {
  const program = new Command("alexc")
    .description("Shape-check .anet network specs and compile them to TensorFlow.js training code.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeErr: (s) => process.stderr.write(visibleLines(s)) })
    .exitOverride();
  registerCheck(program);
  registerCompile(program);
  registerVariants(program);
  registerExplain(program);
  registerFmt(program);
  registerLock(program);
  registerSummary(program);
  registerInputs(program);
  registerGraph(program);
  registerReport(program);
  registerExport(program);
  registerWeights(program);
  registerInit(program);
  registerLsp(program);
  // train and predict pass every option after the spec to the generated program.
  program.enablePositionalOptions();
  registerTrain(program);
  registerPredict(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (e instanceof UserError) {
      process.stderr.write(`alexc: ${visible(e.message)}\n`);
      return e.exitStatus;
    }
    // A file-system failure that no command turned into words: still the user's machine, not a bug.
    if (isErrnoError(e) && typeof e.syscall === "string") {
      process.stderr.write(`alexc: ${e.path !== undefined ? `${visible(e.path)}: ` : ""}${describeIoError(e)}\n`);
      return EXIT_IO;
    }
    process.stderr.write(
      `alexc: internal error: ${visible((e as Error).message)}\nThis is a bug in alexc ${VERSION}; please report it with the spec that caused it.\n`,
    );
    return EXIT_INTERNAL;
  }
}

guardStandardStreams();
main(process.argv).then((code) => {
  process.exitCode = code;
});
