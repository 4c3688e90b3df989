import type { Command } from "commander";
import { visible } from "../../diagnostics/visible.js";
import { relative, resolve, sep } from "node:path";
import { groupThousands } from "../../util/numbers.js";
import type { Override } from "../../resolve/resolve.js";
import { allFindings } from "../../check/check-spec.js";
import {
  collectOverride,
  counts,
  deniedWarnings,
  exitStatus,
  originsOf,
  EXIT_DIAGNOSTICS,
  EXIT_OK,
  printDiagnostics,
  readSpec,
  summary,
  UsageError,
} from "./common.js";

function collectName(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerCompile(program: Command): void {
  program
    .command("compile")
    .description("check a spec, then write its TensorFlow.js model and training program")
    .argument("<file>", ".anet spec file")
    .option(
      "-o, --out <dir>",
      "output root; files go to <dir>/<model>/ (<dir>/<model>-<variant>/ for variants) (default: generated, generated-pytorch)",
    )
    .option("--target <target>", "tfjs (TensorFlow.js TypeScript) or pytorch (model.py, train.py for torchrun, predict.py)", "tfjs")
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--variant <name>", "compile this variant instead of the base model (repeatable)", collectName, [] as string[])
    .option("--all-variants", "compile the base model and every variant")
    .option("--deny-warnings", "refuse to compile when warnings are not acknowledged")
    .option("--check", "write nothing; exit 1 naming every output file that is stale, edited, missing, obsolete or extra")
    .addHelpText(
      "after",
      `
Examples:
  $ alexc compile specs/alexnet.anet               # writes generated/alexnet/{model,train,predict}.ts
  $ alexc compile specs/alexnet.anet -o out --set num_classes=5
  $ alexc compile specs/alexnet-table.anet --variant flowers   # generated/alexnet_table-flowers/
  $ alexc compile specs/alexnet-table.anet --all-variants
  $ alexc compile specs/alexnet.anet --check       # in CI: is generated/ up to date?
  $ alexc compile specs/alexnet.anet --target pytorch -o out   # out/alexnet/{model,train,predict}.py, README.md
  $ torchrun --standalone --nproc_per_node 2 out/alexnet/train.py --data builtin --epochs 1
  $ npx tsx generated/alexnet/train.ts --data builtin --epochs 1   # train on the built-in drawn set

Nothing is written when any selected model has errors. Files are written atomically and
byte-for-byte deterministically, so committed output can be compared with a fresh compile.`,
    )
    .action(
      async (
        file: string,
        given: {
          out?: string;
          target: string;
          set: Override[];
          variant: string[];
          allVariants?: boolean;
          denyWarnings?: boolean;
          check?: boolean;
        },
      ) => {
        if (given.target !== "tfjs" && given.target !== "pytorch")
          throw new UsageError(`--target ${given.target}: write tfjs (the default) or pytorch`);
        const target = given.target;
        // Each target has its own default root: a compile removes its own target's obsolete files, never the other's.
        const opts = { ...given, out: given.out ?? (target === "pytorch" ? "generated-pytorch" : "generated") };
        // Generated headers name the spec relative to the working directory: never an absolute path.
        const shown = relative(process.cwd(), resolve(file)).split(sep).join("/");
        // The emitter (handlebars) loads only when compiling, keeping `check` start-up small.
        const { compile } = await import("../../compile.js");
        const variants = opts.allVariants ? "all" : opts.variant.length ? opts.variant : undefined;
        const result = compile(shown, readSpec(file), {
          overrides: opts.set,
          ...(variants ? { variants } : {}),
          denyWarnings: opts.denyWarnings === true,
          target,
        });
        const { spec, selected } = result;
        const known = spec.ast?.variants.map((v) => v.name) ?? [];
        for (const v of result.unknownVariants)
          throw new UsageError(`${file}: no variant '${v}' (variants: ${known.join(", ") || "none"})`);
        printDiagnostics(spec.results.filter((r) => selected.includes(r) || r.variant === undefined));
        if (!result.outputs) {
          // Counted with what each variant shares with the base (printed once, on the base).
          const judged = selected.map((r) => ({ ...r, diagnostics: allFindings(r) }));
          process.stderr.write(`${summary(judged)}; nothing written${deniedWarnings(judged, opts.denyWarnings === true)}\n`);
          process.exitCode = exitStatus(judged, originsOf(opts.set), opts.denyWarnings === true) || EXIT_DIAGNOSTICS;
          return;
        }
        const { findDrift, describeDrift, fixedByCompile } = await import("../../emit/drift.js");
        if (opts.check) {
          const drift = findDrift(opts.out, result.files, shown, opts.allVariants === true, target);
          for (const d of drift) process.stdout.write(describeDrift(d) + "\n");
          process.stderr.write(
            driftAdvice(drift.filter(fixedByCompile).length, drift.filter((d) => !fixedByCompile(d)).length, file, opts),
          );
          process.exitCode = drift.length ? EXIT_DIAGNOSTICS : EXIT_OK;
          return;
        }
        const { writeOutputs, checkOutputRoot, removeOutputs } = await import("../../emit/write.js");
        checkOutputRoot(opts.out);
        for (const o of result.outputs) {
          for (const w of writeOutputs(opts.out, o.dir, o.files)) process.stdout.write(`wrote ${visible(w)}\n`);
          const c = o.result.checked;
          process.stderr.write(
            `${o.dir}: ${groupThousands(c.totals.params)} params, ${groupThousands(c.totals.macs)} MACs; ${counts([o.result])}\n`,
          );
        }
        // After the new files are in place, so a kill in between leaves an extra file, never a missing one.
        const obsolete = findDrift(opts.out, result.files, shown, opts.allVariants === true, target).flatMap((d) =>
          d.kind === "obsolete" ? (d.remove ?? []) : [],
        );
        for (const r of removeOutputs(opts.out, obsolete)) process.stdout.write(`removed ${visible(r)}\n`);
        process.exitCode = EXIT_OK;
      },
    );
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;

/** A word the shell passes through unchanged, else single-quoted, so the advice can be pasted as is. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** The compile that resolves what --check found: the same spec, output folder, overrides and variants. */
function compileCommand(
  file: string,
  opts: { out: string; target: string; set: Override[]; variant: string[]; allVariants?: boolean },
): string {
  const pytorch = opts.target === "pytorch";
  const args = [
    file,
    ...(pytorch ? ["--target", "pytorch"] : []),
    ...(opts.out !== (pytorch ? "generated-pytorch" : "generated") ? ["-o", opts.out] : []),
    ...opts.set.flatMap((o) => ["--set", o.origin.replace(/^--set /, "")]),
  ];
  const variants = opts.allVariants ? ["--all-variants"] : opts.variant.flatMap((v) => ["--variant", v]);
  return ["alexc", "compile", ...[...args, ...variants].map(shellWord)].join(" ");
}

function driftAdvice(
  fixable: number,
  extra: number,
  file: string,
  opts: { out: string; target: string; set: Override[]; variant: string[]; allVariants?: boolean },
): string {
  if (fixable + extra === 0) return `${visible(opts.out)}: up to date with ${visible(file)}\n`;
  const lines = [];
  if (fixable) lines.push(`${plural(fixable, "file")} out of date: run ${visible(compileCommand(file, opts))}`);
  if (extra)
    lines.push(
      `${plural(extra, "extra file")} in the output folder: move ${extra === 1 ? "it" : "them"} elsewhere (alexc never deletes files it did not write)`,
    );
  return lines.join("\n") + "\n";
}
