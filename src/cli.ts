#!/usr/bin/env node
/**
 * The alexc command line. Exit codes: 0 clean (warnings allowed), 1 diagnostics that fail the run,
 * 2 usage or I/O problems. Never prints a stack trace: unexpected failures are reported as an
 * internal error with a request to file it.
 */
import { Command, CommanderError, Option } from "commander";
import { readFileSync } from "node:fs";
import { checkSource, errorCount, openWarningCount, type CheckResult } from "./compiler.js";
import { renderDiagnostic, styleFor } from "./diagnostics/render.js";
import { groupThousands, jsonDocument, layerTable } from "./report.js";
import { parseOverride, OverrideSyntaxError } from "./overrides.js";
import type { Override } from "./resolve.js";
import { VERSION } from "./version.js";

const EXIT_OK = 0;
const EXIT_DIAGNOSTICS = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

function readSpec(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `${path}: no such file` : code === "EISDIR" ? `${path}: is a directory, not a .anet file` : `${path}: cannot read (${code ?? String(e)})`);
  }
}

function collectOverride(value: string, previous: Override[]): Override[] {
  return [...previous, parseOverride(value)];
}

function printDiagnostics(results: CheckResult[]): void {
  const style = styleFor(process.stderr);
  for (const r of results) for (const d of r.diagnostics) process.stderr.write(renderDiagnostic(d, r.file, style) + "\n\n");
}

function summary(results: CheckResult[]): string {
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;
  return `${plural(results.length, "spec")}: ${counts(results)}`;
}

function counts(results: CheckResult[]): string {
  const errors = results.reduce((n, r) => n + errorCount(r.diagnostics), 0);
  const warnings = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === "warning" && d.acknowledged === undefined).length, 0);
  const acknowledged = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.acknowledged !== undefined).length, 0);
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}${acknowledged ? `, ${acknowledged} acknowledged` : ""}`;
}

function failed(results: CheckResult[], denyWarnings: boolean): boolean {
  return results.some((r) => errorCount(r.diagnostics) > 0 || (denyWarnings && openWarningCount(r.diagnostics) > 0));
}

export function buildProgram(): Command {
  const program = new Command("alexc")
    .description("Shape-check .anet network specs and compile them to TensorFlow.js training code.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride();

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
      else {
        for (const r of results) {
          if (!r.checked) continue;
          if (results.length > 1) process.stdout.write(`${r.file.path}\n`);
          process.stdout.write(`model ${r.checked.model.name}${paramSummary(r)}\n${layerTable(r.checked)}\n\n`);
        }
        printDiagnostics(results);
        process.stderr.write(summary(results) + "\n");
      }
      process.exitCode = failed(results, opts.denyWarnings === true) ? EXIT_DIAGNOSTICS : EXIT_OK;
    });

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
  $ alexc compile specs/alexnet.anet               # writes generated/alexnet/{model,train}.ts
  $ alexc compile specs/alexnet.anet -o out --set num_classes=5
  $ npx tsx generated/alexnet/train.ts --steps 1   # one training step on a synthetic batch

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
      const { emitModel } = await import("./emit.js");
      const { writeOutputs } = await import("./write.js");
      const emitted = emitModel(result.checked, result.file);
      if (emitted.diagnostics.length > 0) {
        printDiagnostics([{ ...result, diagnostics: emitted.diagnostics }]);
        process.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      const written = writeOutputs(opts.out, emitted.dir, emitted.files);
      for (const w of written) process.stdout.write(`wrote ${w}\n`);
      const { params, macs } = result.checked.totals;
      process.stderr.write(`${result.checked.model.name}: ${groupThousands(params)} params, ${groupThousands(macs)} MACs; ${counts([result])}\n`);
      process.exitCode = EXIT_OK;
    });

  return program;
}

function paramSummary(r: CheckResult): string {
  const params = r.checked?.model.params ?? [];
  return params.length ? ` (${params.map((p) => `${p.name}=${p.value}`).join(", ")})` : "";
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (e instanceof UsageError || e instanceof OverrideSyntaxError) {
      process.stderr.write(`alexc: ${e.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`alexc: internal error: ${(e as Error).message}\nThis is a bug in alexc ${VERSION}; please report it with the spec that caused it.\n`);
    return 70;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
