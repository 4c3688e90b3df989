/**
 * Hover: on a layer its kind's docs, input → output, params, MACs and receptive field; on a
 * parameter its value in the shown model and where it is used; on an `allow` clause's warning name
 * the catalogue's explanation.
 */
import type { Hover } from "vscode-languageserver";
import { allowableByName, catalogue, type CatalogueEntry, type Code } from "../diagnostics/catalogue.js";
import { explanations } from "../diagnostics/explanations.js";
import { formatShape } from "../layers/kind.js";
import { layerKinds } from "../layers/index.js";
import { groupThousands } from "../util/numbers.js";
import type { LayerNode } from "../syntax/ast.js";
import type { Analysis } from "./analysis.js";
import { toRange } from "./positions.js";
import { contains, layerAt, layersOf, paramAt } from "./syntax-walk.js";

const markdown = (value: string): Hover["contents"] => ({ kind: "markdown", value });

export function hover(a: Analysis, offset: number): Hover | undefined {
  const code = codeAt(a.file.text, offset);
  if (code) return code;
  if (!a.ast) return undefined;
  for (const { layer } of layersOf(a.ast))
    for (const allow of layer.allows)
      if (contains(allow.codeSpan, offset)) {
        const entry = allowableByName.get(allow.code);
        return entry ? explain(entry) : undefined;
      }
  const param = paramAt(a.ast, offset);
  if (param)
    return paramHover(
      a,
      param.name,
      param.sites.map((s) => s.span),
    );
  const at = layerAt(a.ast, offset);
  if (at) return layerHover(a, at.layer);
  return undefined;
}

function paramHover(a: Analysis, name: string, spans: Array<{ start: number; end: number }>): Hover {
  const resolved = a.shown?.checked?.model.params.find((p) => p.name === name);
  const decl = a.ast!.params.find((p) => p.name === name)!;
  const where = a.variant !== undefined ? ` in variant ${a.variant}` : "";
  const value = resolved
    ? `= ${resolved.value.toString()}${where}${resolved.setBy ? ` (set by ${resolved.setBy})` : ""}`
    : "(no value: the spec does not resolve)";
  const lines = [...new Set(spans.map((s) => a.file.position(s.start).line))].filter(
    (l) => l !== a.file.position(decl.nameSpan.start).line,
  );
  return {
    contents: markdown(
      [
        `**param ${name}**${decl.type ? `: ${decl.type}` : ""} ${value}`,
        "",
        lines.length ? `used on line${lines.length === 1 ? "" : "s"} ${lines.join(", ")}` : "not used",
      ].join("\n"),
    ),
  };
}

function layerHover(a: Analysis, node: LayerNode): Hover | undefined {
  const kind = layerKinds.get(node.layerKind);
  const range = toRange(a.file, node.headSpan);
  if (!kind) return undefined;
  const head = `**${node.layerKind}** — ${kind.doc}  \nPyTorch ${kind.docs.pytorch}`;
  const checked = a.layers.get(node);
  if (!checked) return { contents: markdown(`${head}\n\nNo shape: the check did not reach this layer (see the errors above it).`), range };
  const { layer, field } = checked;
  const rf = field.global ? "the whole input" : `${pair(field.size)} (jump ${pair(field.jump)})`;
  const rows = [
    `\`${formatShape(layer.input)} → ${formatShape(layer.output)}\`${a.variant !== undefined ? ` (variant ${a.variant})` : ""}`,
    "",
    `| | |`,
    `|---|---|`,
    `| layer | ${layer.name} |`,
    `| params | ${groupThousands(layer.params)} |`,
    `| MACs | ${groupThousands(layer.macs)} |`,
    `| receptive field | ${rf} |`,
  ];
  return { contents: markdown(`${head}\n\n${rows.join("\n")}`), range };
}

const pair = (p: [number, number]): string => `${p[0]}×${p[1]}`;

function explain(entry: CatalogueEntry): Hover {
  const x = explanations[entry.code as Code];
  return { contents: markdown(`**${entry.code} ${entry.name}** (${entry.severity}): ${entry.title}\n\n${x.meaning}\n\n*Fix:* ${x.fix}`) };
}

/** A diagnostic code written in the text (a comment citing `E0201`): its explanation. */
function codeAt(text: string, offset: number): Hover | undefined {
  const before = /[A-Z0-9]*$/.exec(text.slice(Math.max(0, offset - 5), offset))![0];
  const after = /^[A-Z0-9]*/.exec(text.slice(offset, offset + 5))![0];
  const entry = catalogue.get(before + after);
  return entry ? explain(entry) : undefined;
}
