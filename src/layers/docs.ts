/**
 * docs/language.md's layer table, generated from the layer table (npm run docs), so the docs list
 * every kind with the arguments and defaults the resolver actually uses.
 */
import type { ArgSpec } from "./kind.js";
import { layerKinds } from "./index.js";

const LAYER_TABLE_START = "<!-- layer table: generated from src/layers by npm run docs -->";
const LAYER_TABLE_END = "<!-- end of layer table -->";

/** A default as written in a spec: `1` for [1, 1], `0` for no padding. */
function formatDefault(value: unknown): string {
  if (Array.isArray(value)) {
    const flat = value.flat(2) as unknown[];
    return flat.every((v) => v === flat[0])
      ? String(flat[0])
      : value.map((v) => (Array.isArray(v) ? `[${v.join(", ")}]` : String(v))).join("x");
  }
  return String(value);
}

function describeArg(a: ArgSpec): string {
  if (a.default === undefined) return a.position === undefined ? `\`${a.name}\` (optional: ${a.doc})` : `\`${a.name}\` (${a.doc})`;
  const shown = a.defaultText ?? (typeof a.default === "function" ? "computed" : formatDefault(a.default));
  return `\`${a.name}\` = ${shown}`;
}

function layerTableMarkdown(): string {
  const rows = [...layerKinds.values()].map(
    (k) => `| \`${k.kind}\` | ${k.args.length ? k.args.map(describeArg).join(", ") : "—"} | ${k.docs.pytorch} |`,
  );
  // One line per kind from its `doc` and PyTorch module, as `alexc` describes it.
  const lines = [...layerKinds.values()].map((k) => `- \`${k.kind}\` (PyTorch \`nn.${k.pytorch}\`): ${k.doc}`);
  return [LAYER_TABLE_START, "| kind | arguments | PyTorch |", "|---|---|---|", ...rows, "", ...lines, LAYER_TABLE_END].join("\n");
}

/** docs/language.md with its layer table replaced by the generated one. */
export function withLayerTable(markdown: string): string {
  const start = markdown.indexOf(LAYER_TABLE_START);
  const end = markdown.indexOf(LAYER_TABLE_END);
  if (start < 0 || end < start) throw new Error("docs/language.md has no layer table markers");
  return markdown.slice(0, start) + layerTableMarkdown() + markdown.slice(end + LAYER_TABLE_END.length);
}
