import { Option, type Command } from "commander";
import { checkSource } from "../../check/check-spec.js";
import { buildGraph } from "../../views/graph/model.js";
import { toDot } from "../../views/graph/dot.js";
import { toMermaid } from "../../views/graph/mermaid.js";
import type { Override } from "../../resolve/resolve.js";
import {
  collectOverride,
  exitStatus,
  originsOf,
  EXIT_DIAGNOSTICS,
  EXIT_OK,
  failed,
  printDiagnostics,
  readSpec,
  summary,
  UsageError,
  writeFileOrStdout,
} from "./common.js";

type Format = "dot" | "mermaid" | "svg";

export function registerGraph(program: Command): void {
  program
    .command("graph")
    .description("draw the network: DOT, Mermaid, or SVG rendered in-process (no Graphviz install needed)")
    .argument("<file>", ".anet spec file")
    .addOption(new Option("-f, --format <format>", "diagram format").choices(["dot", "mermaid", "svg"]).default("dot"))
    .option("-o, --out <file>", "write to this file instead of standard output")
    .option("-s, --set <name=value>", "override a parameter (repeatable)", collectOverride, [] as Override[])
    .addHelpText(
      "after",
      `
Examples:
  $ alexc graph specs/alexnet.anet --format svg -o alexnet.svg
  $ alexc graph specs/alexnet.anet --format mermaid >> DESIGN.md
  $ alexc graph specs/alexnet.anet | dot -Tpng -o alexnet.png

Blocks are drawn as clusters, layers as nodes with their settings, edges with the shape that flows
along them (C×H×W); a grouped convolution is drawn as its parallel groups.
Nothing is written when the check finds errors.
Exit status: 0 no errors, 1 errors, 2 usage or I/O error.`,
    )
    .action(async (file: string, opts: { format: Format; out?: string; set: Override[] }) => {
      const result = checkSource(file, readSpec(file), { overrides: opts.set });
      printDiagnostics([result]);
      if (failed([result], false) || !result.checked) {
        process.stderr.write(`${summary([result])}; nothing written\n`);
        process.exitCode = exitStatus([result], originsOf(opts.set)) || EXIT_DIAGNOSTICS;
        return;
      }
      const graph = buildGraph(result.checked);
      let text: string;
      if (opts.format === "mermaid") text = toMermaid(graph);
      else if (opts.format === "dot") text = toDot(graph);
      else {
        const { dotToSvg, tooLargeToDraw } = await import("../../views/graph/svg.js");
        const tooLarge = tooLargeToDraw(graph.nodes.length);
        if (tooLarge)
          throw new UsageError(
            `${file}: ${tooLarge}; write DOT instead and render it with a system Graphviz: alexc graph ${file} --format dot | dot -Tsvg -o graph.svg`,
          );
        text = await dotToSvg(toDot(graph));
      }
      writeFileOrStdout(opts.out, text);
      process.exitCode = EXIT_OK;
    });
}
