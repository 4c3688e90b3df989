import { Option, type Command } from "commander";
import { checkSpec, type CheckResult } from "../../check/check-spec.js";
import { DiagnosticBag } from "../../diagnostics/diagnostic.js";
import { formatShape, shapeDims } from "../../layers/kind.js";
import { OverrideSyntaxError } from "../../resolve/overrides.js";
import { decimalProblem, Rational } from "../../resolve/rational.js";
import { groupThousands } from "../../util/numbers.js";
import { countCombinations, firstError, MAX_COMBINATIONS, matrixAxes, runMatrix, type MatrixAxis } from "../../check/variants.js";
import { EXIT_DIAGNOSTICS, EXIT_OK, exitStatus, printDiagnostics, readSpec } from "./common.js";
import { visible } from "../../diagnostics/visible.js";
import { maxOf } from "../../util/numbers.js";

function collectAxis(value: string, previous: MatrixAxis[]): MatrixAxis[] {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(value);
  if (!m) throw new OverrideSyntaxError(`--set ${value}: expected name=v1,v2,…, e.g. --set width=0.25,0.5,1`);
  const items = m[2]!.split(",");
  // Counted before anything is parsed or built: `--set a=1,1,1,…` must not be a memory bomb.
  const others = previous.filter((a) => a.name !== m[1]);
  const total = countCombinations([...others.map((a) => a.values.length), items.length]);
  if (total > BigInt(MAX_COMBINATIONS))
    throw new OverrideSyntaxError(
      `--set ${m[1]}=…: ${groupThousands(total)} combinations, more than the limit of ${groupThousands(MAX_COMBINATIONS)}; check fewer values at a time`,
    );
  const values = items.map((v) => {
    const r = Rational.parseDecimal(v.trim());
    if (!(r instanceof Rational))
      throw new OverrideSyntaxError(
        `--set ${value}: '${v.trim()}' ${v.trim() === "" ? "is empty: two commas in a row, or one at an end" : decimalProblem(r)}`,
      );
    return r;
  });
  return [...others, { name: m[1]!, values }];
}

interface Row {
  label: Record<string, string>;
  result: CheckResult;
}

export function registerVariants(program: Command): void {
  program
    .command("variants")
    .description("check a grid of parameter values (or the spec's variants) and print one row per combination")
    .argument("<file>", ".anet spec file")
    .option(
      "-s, --set <name=v1,v2,...>",
      "values of one matrix axis (repeatable); default: the spec's matrix, else its variants",
      collectAxis,
      [] as MatrixAxis[],
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .addHelpText(
      "after",
      `
Examples:
  $ alexc variants specs/alexnet-table.anet --set width=0.25,0.5,1 --set num_classes=5,10,1000
  $ alexc variants specs/alexnet-table.anet             # the spec's matrix { … }
  $ alexc variants specs/alexnet.anet --format json      # base and each variant

Exit status: 0 when every row checks, 1 when any row has errors, 2 usage or I/O error.`,
    )
    .action((file: string, opts: { set: MatrixAxis[]; format: "text" | "json" }) => {
      const spec = checkSpec(file, readSpec(file));
      if (!spec.ast) {
        printDiagnostics(spec.results);
        process.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      const bag = new DiagnosticBag();
      const axes = opts.set.length > 0 ? opts.set : matrixAxes(spec.ast, spec.file, bag);
      // The matrix's own problems (E0121: too many combinations) are said, not only counted.
      if (bag.items.length > 0) printDiagnostics([{ file: spec.file, diagnostics: bag.items }]);
      const rows: Row[] =
        axes.length > 0
          ? runMatrix(spec.file, spec.ast, axes).map((m) => ({
              label: Object.fromEntries(m.overrides.map((o) => [o.name, o.value.toString()])),
              result: m.result,
            }))
          : spec.results.map((r) => ({ label: { variant: r.variant ?? "(base)" }, result: r }));
      if (opts.format === "json") process.stdout.write(JSON.stringify({ version: 1, file, rows: rows.map(jsonRow) }, null, 2) + "\n");
      else process.stdout.write(table(rows) + "\n");
      const failing = rows.filter((r) => firstError(r.result));
      if (opts.format === "text") process.stderr.write(`${rows.length - failing.length} of ${rows.length} check\n`);
      // Axes from --set are the command line; the spec's own matrix is the spec.
      process.exitCode =
        exitStatus(
          rows.map((r) => r.result),
          opts.set.map((a) => `matrix ${a.name}=`),
        ) || (failing.length > 0 || bag.hasErrors ? EXIT_DIAGNOSTICS : EXIT_OK);
    });
}

function jsonRow(row: Row): Record<string, unknown> {
  const c = row.result.checked;
  const error = firstError(row.result);
  const count = (n: bigint) => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());
  return {
    values: row.label,
    valid: !error,
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
    input: c ? shapeDims(c.input) : null,
    output: c?.complete ? shapeDims(c.output!) : null,
    params: c?.complete ? count(c.totals.params) : null,
    macs: c?.complete ? count(c.totals.macs) : null,
  };
}

function table(rows: Row[]): string {
  const keys = Object.keys(rows[0]?.label ?? {});
  const header = [...keys, "status", "input", "output", "params", "MACs"];
  const body = rows.map((r) => {
    const c = r.result.checked;
    const error = firstError(r.result);
    const ok = c?.complete && !error;
    return [
      ...keys.map((k) => r.label[k] ?? ""),
      error ? `${error.code} ${visible(error.message)}` : "ok",
      c ? formatShape(c.input) : "",
      ok ? formatShape(c.output!) : "",
      ok ? groupThousands(c.totals.params) : "",
      ok ? groupThousands(c.totals.macs) : "",
    ];
  });
  const all = [header, ...body];
  const widths = header.map((_, i) => maxOf(all.map((r) => r[i]!.length)));
  const right = new Set([header.length - 2, header.length - 1]);
  return all
    .map((r) =>
      r
        .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
