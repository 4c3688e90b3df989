import type { Command } from "commander";
import { checkSource, errorCount } from "../compiler.js";
import { details } from "../analysis/details.js";
import { buildGraph } from "../graph/model.js";
import { toDot } from "../graph/dot.js";
import { OverrideSyntaxError, parseOverride } from "../overrides.js";
import type { Override } from "../resolve.js";
import { VERSION } from "../version.js";
import { collectOverride, counts, EXIT_DIAGNOSTICS, EXIT_OK, positiveInteger, printDiagnostics, readSpec, UsageError, writeFileOrStdout } from "./common.js";

/** `--variant "num_classes=5,width=0.5"`: one more model to compare, as overrides on top of --set. */
function collectVariant(value: string, previous: Override[][]): Override[][] {
  try {
    return [...previous, value.split(",").map((part) => parseOverride(part)).map((o) => ({ ...o, origin: o.origin.replace(/^--set /, "--variant ") }))];
  } catch (e) {
    if (!(e instanceof OverrideSyntaxError)) throw e;
    throw new UsageError(`--variant ${value}: expected name=value[,name=value…], e.g. --variant num_classes=5`);
  }
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write one self-contained HTML page: diagram, layer table, charts, valid inputs, memory, diagnostics")
    .argument("<file>", ".anet spec file")
    .option("-o, --out <file>", "write the page to this file instead of standard output")
    .option("-b, --batch <n>", "batch size for the training-memory estimate (default: the spec's train batch)", positiveInteger)
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--variant <name=value,...>", "also report the spec with these overrides, and compare (repeatable)", collectVariant, [] as Override[][])
    .addHelpText(
      "after",
      `
Examples:
  $ alexc report specs/alexnet.anet -o report.html
  $ alexc report specs/alexnet.anet -o compare.html --variant num_classes=5 --variant num_classes=100

The page has no script and fetches nothing: it works offline and can be mailed or archived.
It is written even when the spec has errors (they are shown in it); the exit status is 1 then.
Exit status: 0 no errors, 1 errors, 2 usage or I/O error.`,
    )
    .action(async (file: string, opts: { out?: string; batch?: number; set: Override[]; variant: Override[][] }) => {
      const text = readSpec(file);
      const runs = [{ label: "", overrides: opts.set }, ...opts.variant.map((v) => ({ label: v.map((o) => `${o.name}=${o.value}`).join(", "), overrides: [...opts.set, ...v] }))];
      const { dotToSvg, tooLargeToDraw } = await import("../graph/svg.js");
      const { buildReport } = await import("../html/report.js");
      const entries = [];
      for (const run of runs) {
        const result = checkSource(file, text, { overrides: run.overrides });
        const analysed = result.checked ? details(result.checked, opts.batch) : undefined;
        const graph = result.checked ? buildGraph(result.checked) : undefined;
        const tooLarge = graph ? tooLargeToDraw(graph.nodes.length) : undefined;
        if (tooLarge) process.stderr.write(`${file}: ${tooLarge}: the report leaves it out\n`);
        const diagram = graph && !tooLarge ? await dotToSvg(toDot(graph)) : undefined;
        entries.push({ label: run.label, result, ...(analysed ? { details: analysed } : {}), ...(diagram ? { diagram } : {}), ...(tooLarge ? { diagramNote: `Not drawn: ${tooLarge}. alexc graph --format dot writes it for a system Graphviz.` } : {}) });
      }
      printDiagnostics([entries[0]!.result]);
      for (const e of entries.slice(1)) {
        // A variant repeats the spec's warnings; only its errors are news.
        const errors = e.result.diagnostics.filter((d) => d.severity === "error");
        process.stderr.write(`variant ${e.label}: ${counts([e.result])}\n`);
        if (errors.length) printDiagnostics([{ ...e.result, diagnostics: errors }]);
      }
      writeFileOrStdout(opts.out, buildReport(entries, { version: VERSION }));
      process.exitCode = entries.some((e) => errorCount(e.result.diagnostics) > 0) ? EXIT_DIAGNOSTICS : EXIT_OK;
    });
}
