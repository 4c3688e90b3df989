import type { Command } from "commander";
import { visible } from "../diagnostics/visible.js";
import { relative, resolve, sep } from "node:path";
import { checkSpec, type CheckResult } from "../compiler.js";
import { groupThousands } from "../report.js";
import type { Override } from "../resolve.js";
import { collectOverride, counts, EXIT_DIAGNOSTICS, EXIT_OK, failed, printDiagnostics, readSpec, summary, UsageError } from "./common.js";

function collectName(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerCompile(program: Command): void {
  program
    .command("compile")
    .description("check a spec, then write its TensorFlow.js model and training program")
    .argument("<file>", ".anet spec file")
    .option("-o, --out <dir>", "output root; files go to <dir>/<model>/ (<dir>/<model>-<variant>/ for variants)", "generated")
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--variant <name>", "compile this variant instead of the base model (repeatable)", collectName, [] as string[])
    .option("--all-variants", "compile the base model and every variant")
    .option("--deny-warnings", "refuse to compile when warnings are not acknowledged")
    .option("--check", "write nothing; exit 1 naming every output file that is stale, edited, missing or extra")
    .addHelpText(
      "after",
      `
Examples:
  $ alexc compile specs/alexnet.anet               # writes generated/alexnet/{model,train,predict}.ts
  $ alexc compile specs/alexnet.anet -o out --set num_classes=5
  $ alexc compile specs/alexnet-table.anet --variant flowers   # generated/alexnet_table-flowers/
  $ alexc compile specs/alexnet-table.anet --all-variants
  $ alexc compile specs/alexnet.anet --check       # in CI: is generated/ up to date?
  $ npx tsx generated/alexnet/train.ts --data builtin --epochs 1   # train on the built-in drawn set

Nothing is written when any selected model has errors. Files are written atomically and
byte-for-byte deterministically, so committed output can be compared with a fresh compile.`,
    )
    .action(async (file: string, opts: { out: string; set: Override[]; variant: string[]; allVariants?: boolean; denyWarnings?: boolean; check?: boolean }) => {
      // Generated headers name the spec relative to the working directory: never an absolute path.
      const shown = relative(process.cwd(), resolve(file)).split(sep).join("/");
      const spec = checkSpec(shown, readSpec(file), { overrides: opts.set });
      const known = spec.ast?.variants.map((v) => v.name) ?? [];
      for (const v of opts.variant) if (spec.ast && !known.includes(v)) throw new UsageError(`${file}: no variant '${v}' (variants: ${known.join(", ") || "none"})`);
      const selected = spec.results.filter((r) => (opts.allVariants ? true : opts.variant.length ? opts.variant.includes(r.variant ?? "") : r.variant === undefined));
      printDiagnostics(spec.results.filter((r) => selected.includes(r) || r.variant === undefined));
      if (failed(selected, opts.denyWarnings === true) || selected.some((r) => !r.checked?.complete)) {
        process.stderr.write(`${summary(selected)}; nothing written\n`);
        process.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      // The emitter (handlebars) loads only when compiling, keeping `check` start-up small.
      const { emitModel } = await import("../emit.js");
      const { writeOutputs, checkOutputRoot } = await import("../write.js");
      if (!opts.check) checkOutputRoot(opts.out);
      const emitted = selected.map((r) => emitModel(r.checked!, r.file));
      const problems: CheckResult[] = emitted.filter((e) => e.diagnostics.length > 0).map((e) => ({ file: spec.file, diagnostics: e.diagnostics }));
      if (problems.length > 0) {
        printDiagnostics(problems);
        process.stderr.write("nothing written\n");
        process.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      if (opts.check) {
        const { findDrift, describeDrift } = await import("../drift.js");
        const drift = findDrift(opts.out, new Map(emitted.map((e) => [e.dir, e.files])), shown, opts.allVariants === true);
        for (const d of drift) process.stdout.write(describeDrift(d) + "\n");
        process.stderr.write(drift.length ? `${drift.length} file${drift.length === 1 ? "" : "s"} out of date: run alexc compile ${visible(file)}${opts.allVariants ? " --all-variants" : ""}\n` : `${visible(opts.out)}: up to date with ${visible(file)}\n`);
        process.exitCode = drift.length ? EXIT_DIAGNOSTICS : EXIT_OK;
        return;
      }
      for (const [i, e] of emitted.entries()) {
        for (const w of writeOutputs(opts.out, e.dir, e.files)) process.stdout.write(`wrote ${visible(w)}\n`);
        const c = selected[i]!.checked!;
        process.stderr.write(`${e.dir}: ${groupThousands(c.totals.params)} params, ${groupThousands(c.totals.macs)} MACs; ${counts([selected[i]!])}\n`);
      }
      process.exitCode = EXIT_OK;
    });
}
