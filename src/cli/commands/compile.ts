import type { Command } from "commander";
import { visible } from "../../diagnostics/visible.js";
import { join, relative, resolve, sep } from "node:path";
import { groupThousands } from "../../util/numbers.js";
import type { Override } from "../../resolve/resolve.js";
import { allFindings } from "../../check/check-spec.js";
import {
  collectOverride,
  counts,
  deniedWarnings,
  exitStatus,
  expandSpecs,
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
    .description("check specs, then write each model's TensorFlow.js model and training program")
    .argument("<files...>", ".anet files, directories (every .anet below) or glob patterns")
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
  $ alexc compile specs/ --all-variants --check    # every spec below specs/, in one run
  $ alexc compile specs/alexnet.anet --target pytorch -o out   # out/alexnet/{model,train,predict}.py, README.md
  $ torchrun --standalone --nproc_per_node 2 out/alexnet/train.py --data builtin --epochs 1
  $ npx tsx generated/alexnet/train.ts --data builtin --epochs 1   # train on the built-in drawn set

Nothing is written when any selected model of any file has errors. Files are written atomically and
byte-for-byte deterministically, so committed output can be compared with a fresh compile.`,
    )
    .action(
      async (
        args: string[],
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
        // The emitter (handlebars) loads only when compiling, keeping `check` start-up small.
        const { compile } = await import("../../compile.js");
        const variants = opts.allVariants ? "all" : opts.variant.length ? opts.variant : undefined;
        const units = expandSpecs(args).map((file) => {
          // Generated headers name the spec relative to the working directory: never an absolute path.
          const shown = relative(process.cwd(), resolve(file)).split(sep).join("/");
          const result = compile(shown, readSpec(file), {
            overrides: opts.set,
            ...(variants ? { variants } : {}),
            denyWarnings: opts.denyWarnings === true,
            target,
          });
          const known = result.spec.ast?.variants.map((v) => v.name) ?? [];
          for (const v of result.unknownVariants)
            throw new UsageError(`${file}: no variant '${v}' (variants: ${known.join(", ") || "none"})`);
          return { file, shown, result };
        });
        for (const { result } of units)
          printDiagnostics(result.spec.results.filter((r) => result.selected.includes(r) || r.variant === undefined));
        // Nothing is written unless every selected model of every file compiles.
        if (units.some((u) => !u.result.outputs)) {
          // Counted with what each variant shares with the base (printed once, on the base).
          const judged = units.flatMap((u) => u.result.selected.map((r) => ({ ...r, diagnostics: allFindings(r) })));
          process.stderr.write(`${summary(judged)}; nothing written${deniedWarnings(judged, opts.denyWarnings === true)}\n`);
          process.exitCode = exitStatus(judged, originsOf(opts.set), opts.denyWarnings === true) || EXIT_DIAGNOSTICS;
          return;
        }
        refuseSharedFolders(units, opts.out);
        const { findDrift, describeDrift, fixedByCompile } = await import("../../emit/drift.js");
        if (opts.check) {
          let drifted = false;
          for (const { file, shown, result } of units) {
            const drift = findDrift(opts.out, result.files, shown, opts.allVariants === true, target);
            for (const d of drift) process.stdout.write(describeDrift(d) + "\n");
            process.stderr.write(
              driftAdvice(drift.filter(fixedByCompile).length, drift.filter((d) => !fixedByCompile(d)).length, file, opts),
            );
            drifted ||= drift.length > 0;
          }
          process.exitCode = drifted ? EXIT_DIAGNOSTICS : EXIT_OK;
          return;
        }
        const { writeOutputs, checkOutputRoot, removeOutputs } = await import("../../emit/write.js");
        checkOutputRoot(opts.out);
        for (const { shown, result } of units) {
          for (const o of result.outputs!) {
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
        }
        process.exitCode = EXIT_OK;
      },
    );
}

/** Two specs that name the same model would write one folder in turn: refused before anything is written. */
function refuseSharedFolders(units: Array<{ file: string; result: { outputs?: Array<{ dir: string }> } }>, out: string): void {
  const writer = new Map<string, string>();
  for (const { file, result } of units)
    for (const { dir } of result.outputs ?? []) {
      const other = writer.get(dir);
      if (other !== undefined && other !== file)
        throw new UsageError(
          `${other} and ${file} both compile to ${visible(join(out, dir))}/: give one of the models another name, or compile them to different -o folders`,
        );
      writer.set(dir, file);
    }
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
