import type { Command } from "commander";
import { checkSource } from "../../check/check-spec.js";
import { details } from "../../views/analysis/details.js";
import { buildGraph } from "../../views/graph/model.js";
import { toDot } from "../../views/graph/dot.js";
import { OverrideSyntaxError, parseOverride } from "../../resolve/overrides.js";
import type { Override } from "../../resolve/resolve.js";
import { visible } from "../../diagnostics/visible.js";
import { VERSION } from "../../util/version.js";
import {
  collectOverride,
  counts,
  exitStatus,
  originsOf,
  positiveInteger,
  printDiagnostics,
  readSpec,
  UsageError,
  writeFileOrStdout,
} from "./common.js";

/** `--compare "num_classes=5,width=0.5"`: one more model to compare, as overrides on top of --set. */
function collectComparison(value: string, previous: Override[][]): Override[][] {
  try {
    return [
      ...previous,
      value
        .split(",")
        .map((part) => parseOverride(part))
        .map((o) => ({ ...o, origin: o.origin.replace(/^--set /, "--compare ") })),
    ];
  } catch (e) {
    if (!(e instanceof OverrideSyntaxError)) throw e;
    throw new UsageError(`--compare ${value}: expected name=value[,name=value…], e.g. --compare num_classes=5`);
  }
}

/**
 * `--variant NAME` means a `variant` block of the spec, as in `compile`. Before, report took
 * overrides here; that spelling now says where they went instead of being read as a name.
 */
function collectVariantName(value: string, previous: string[]): string[] {
  if (value.includes("="))
    throw new UsageError(
      `--variant takes the name of a variant in the spec (as in compile); to compare with overrides, use --compare ${value}`,
    );
  return [...previous, value];
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write one self-contained HTML page: diagram, layer table, charts, valid inputs, memory, diagnostics")
    .argument("<file>", ".anet spec file")
    .option("-o, --out <file>", "write the page to this file instead of standard output")
    .option("-b, --batch <n>", "batch size for the training-memory estimate (default: the spec's train batch)", positiveInteger)
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--variant <name>", "also report this variant of the spec, and compare (repeatable)", collectVariantName, [] as string[])
    .option(
      "--compare <name=value,...>",
      "also report the spec with these overrides, and compare (repeatable)",
      collectComparison,
      [] as Override[][],
    )
    .addHelpText(
      "after",
      `
Examples:
  $ alexc report specs/alexnet.anet -o report.html
  $ alexc report specs/alexnet-table.anet -o variants.html --variant flowers --variant cifar
  $ alexc report specs/alexnet.anet -o compare.html --compare num_classes=5 --compare num_classes=100

The page has no script and fetches nothing: it works offline and can be mailed or archived.
It is written even when the spec has errors (they are shown in it); the exit status is 1 then.
Exit status: 0 no errors, 1 errors, 2 usage or I/O error.`,
    )
    .action(async (file: string, opts: { out?: string; batch?: number; set: Override[]; variant: string[]; compare: Override[][] }) => {
      const text = readSpec(file);
      const runs: Array<{ label: string; overrides: Override[]; variant?: string }> = [
        { label: "", overrides: opts.set },
        ...opts.variant.map((v) => ({ label: `variant ${v}`, overrides: opts.set, variant: v })),
        ...opts.compare.map((v) => ({ label: v.map((o) => `${o.name}=${o.value}`).join(", "), overrides: [...opts.set, ...v] })),
      ];
      const { dotToSvg, tooLargeToDraw } = await import("../../views/graph/svg.js");
      const { buildReport } = await import("../../views/html/page.js");
      const entries = [];
      for (const run of runs) {
        const result = checkSource(file, text, {
          overrides: run.overrides,
          ...(run.variant !== undefined ? { variant: run.variant } : {}),
        });
        const analysed = result.checked ? details(result.checked, opts.batch) : undefined;
        const graph = result.checked ? buildGraph(result.checked) : undefined;
        const tooLarge = graph ? tooLargeToDraw(graph.nodes.length) : undefined;
        if (tooLarge) process.stderr.write(`${visible(file)}: ${tooLarge}: the report leaves it out\n`);
        const diagram = graph && !tooLarge ? await dotToSvg(toDot(graph)) : undefined;
        entries.push({
          label: run.label,
          result,
          ...(analysed ? { details: analysed } : {}),
          ...(diagram ? { diagram } : {}),
          ...(tooLarge ? { diagramNote: `Not drawn: ${tooLarge}. alexc graph --format dot writes it for a system Graphviz.` } : {}),
        });
      }
      printDiagnostics([entries[0]!.result]);
      for (const e of entries.slice(1)) {
        // A variant repeats the spec's warnings; only its errors are news.
        const errors = e.result.diagnostics.filter((d) => d.severity === "error");
        process.stderr.write(`${e.label.startsWith("variant ") ? "" : "with "}${e.label}: ${counts([e.result])}\n`);
        if (errors.length) printDiagnostics([{ ...e.result, diagnostics: errors }]);
      }
      writeFileOrStdout(opts.out, buildReport(entries, { version: VERSION }));
      process.exitCode = exitStatus(
        entries.map((e) => e.result),
        [...originsOf(opts.set), ...opts.compare.flat().map((o) => o.origin)],
      );
    });
}
