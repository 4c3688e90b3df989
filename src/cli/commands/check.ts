import { Option, type Command } from "commander";
import { visible } from "../../diagnostics/visible.js";
import { formatShape } from "../../layers/kind.js";
import { formatParams } from "../../resolve/params.js";
import { layerTable } from "../../views/check-report.js";
import { groupThousands } from "../../util/numbers.js";
import type { SpecReport } from "../../check/variants.js";
import { FORMATS, formatReports, type Format } from "../../views/formats/index.js";
import type { Override } from "../../resolve/resolve.js";
import { allResults, firstError } from "../../check/variants.js";
import { compareWithLock, LOCK_FILE } from "../../views/lock.js";
import { readLockFile } from "./lock.js";
import {
  checkFile,
  deniedWarnings,
  exitStatus,
  originsOf,
  expandSpecs,
  UsageError,
  collectOverride,
  printDiagnostics,
  specSummary,
} from "./common.js";

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("check every layer's shape, for the base model, every variant and every matrix combination")
    .argument("[files...]", ".anet files, directories (every .anet below) or glob patterns", ["specs"])
    .addOption(new Option("-f, --format <format>", "output format (docs/ci.md)").choices([...FORMATS]).default("text"))
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .option("--deny-warnings", "fail (exit 1) on warnings not acknowledged with `allow`")
    .option("--locked", `fail when a model's input, output, params or MACs differ from the lock file`)
    .option("--lock <file>", "the lock file for --locked", LOCK_FILE)
    .addHelpText(
      "after",
      `
Examples:
  $ alexc check specs/alexnet.anet
  $ alexc check specs/alexnet.anet --set num_classes=5
  $ alexc check specs/*.anet --format json --deny-warnings
  $ alexc check specs/ --format github          # annotations on a GitHub pull request
  $ alexc check specs/ --format sarif > alexc.sarif
  $ alexc check specs/ --locked                 # sizes must match anet.lock.json (alexc lock)

Exit status: 0 no errors, 1 errors (or warnings with --deny-warnings), 2 usage or I/O error.`,
    )
    .action((files: string[], opts: { format: Format; set: Override[]; denyWarnings?: boolean; locked?: boolean; lock: string }) => {
      if (opts.locked && opts.set.length > 0)
        throw new UsageError("--locked compares the specs as written: it cannot be combined with --set");
      const lock = opts.locked ? readLockFile(opts.lock) : undefined;
      const reports = expandSpecs(files).map((f) => {
        const report = checkFile(f, opts.set);
        const base = report.results[0]!;
        if (lock) base.diagnostics.push(...compareWithLock(f, report.ast, report.results, lock, opts.lock));
        return report;
      });
      if (opts.format === "text") printText(reports, opts.denyWarnings === true);
      else process.stdout.write(formatReports(opts.format, reports, opts.denyWarnings === true));
      process.exitCode = exitStatus(allResults(reports), originsOf(opts.set), opts.denyWarnings === true);
    });
}

function printText(reports: SpecReport[], denyWarnings: boolean): void {
  for (const report of reports) {
    const [base, ...variants] = report.results;
    if (!base?.checked) continue;
    if (reports.length > 1) process.stdout.write(`${visible(base.file.path)}\n`);
    const params = base.checked.model.params;
    process.stdout.write(
      `model ${base.checked.model.name}${params.length ? ` (${formatParams(params)})` : ""}\n${layerTable(base.checked)}\n`,
    );
    for (const v of variants) {
      const c = v.checked;
      const set = c ? c.model.params.filter((p) => p.setBy === `variant ${v.variant}`) : [];
      const shape = c?.complete
        ? `${formatShape(c.input)} -> ${formatShape(c.output!)}, params ${groupThousands(c.totals.params)}, MACs ${groupThousands(c.totals.macs)}`
        : "does not check (see below)";
      process.stdout.write(`variant ${v.variant}${set.length ? ` (${formatParams(set)})` : ""}: ${shape}\n`);
    }
    const failing = report.matrix.filter((m) => firstError(m.result));
    if (report.matrix.length)
      process.stdout.write(
        `matrix: ${report.matrix.length - failing.length} of ${report.matrix.length} combinations check${failing.length ? `; failing: ${failing.map((m) => m.label).join("; ")}` : ""}\n`,
      );
    process.stdout.write("\n");
  }
  printDiagnostics(allResults(reports));
  process.stderr.write(specSummary(reports) + deniedWarnings(allResults(reports), denyWarnings) + "\n");
}
