/**
 * `alexc report`: one self-contained HTML page (inline CSS and SVG, no script, no external request;
 * a Content-Security-Policy forbids any) with, per model, the diagram, the layer table, params and
 * MACs per layer, the valid-input chart, the training-memory estimate and the diagnostics. Given
 * more than one model (variants of a spec), it opens with a side-by-side comparison.
 *
 * Pure: entries in, text out. Rendering the diagram (WebAssembly Graphviz) is the caller's job.
 */
import type { CheckResult } from "../../check/check-spec.js";
import type { ModelDetails } from "../analysis/details.js";
import { fieldCells, formatPair } from "../analysis/receptive-field.js";
import { BYTES_PER_VALUE, formatBytes } from "../analysis/memory.js";
import { formatRanges, nearestValid, declaredSize, validExactSizes } from "../../check/valid-inputs.js";
import { formatShape } from "../../layers/kind.js";
import { groupThousands } from "../../util/numbers.js";
import { renderDiagnostic } from "../../diagnostics/render.js";
import { roleOf } from "../graph/model.js";
import { PALETTE } from "../graph/dot.js";
import { inlineSvg } from "../graph/svg-inline.js";
import { memoryRows } from "../summary.js";
import { barChart, inputStrip, INPUT_COLOURS, stackedBar } from "./charts.js";
import { esc } from "./escape.js";

export interface ReportEntry {
  /** How this model differs from the spec as written, e.g. "num_classes=5"; "" for the spec itself. */
  label: string;
  result: CheckResult;
  /** Present when the spec resolved and was checked (possibly not to the end). */
  details?: ModelDetails;
  /** The diagram as rendered SVG. */
  diagram?: string;
  /** Why there is no diagram, when the model is too large to draw. */
  diagramNote?: string;
}

export interface ReportMeta {
  version: string;
}

const n = (v: bigint): string => groupThousands(v);

function title(e: ReportEntry): string {
  const name = e.details?.checked.model.name ?? e.result.file.path;
  return e.label ? `${name} · ${e.label}` : name;
}

function variantTitle(e: ReportEntry): string {
  return `${title(e)}${e.label ? "" : " · as written"}`;
}

function counts(e: ReportEntry): { errors: number; warnings: number } {
  const ds = e.result.diagnostics;
  return {
    errors: ds.filter((d) => d.severity === "error").length,
    warnings: ds.filter((d) => d.severity === "warning" && d.acknowledged === undefined).length,
  };
}

function validText(d: ModelDetails): string {
  return d.inputs
    .map((scan) => {
      const axis = scan.axis === "both" ? "" : scan.axis === "h" ? "height " : "width ";
      return scan.validRanges.length ? `${axis}${formatRanges(scan.validRanges, scan.limit)}` : `${axis}none up to ${scan.limit}`;
    })
    .join("; ");
}

function facts(e: ReportEntry): string {
  const d = e.details;
  const c = counts(e);
  const rows: Array<[string, string]> = [["file", esc(e.result.file.path)]];
  if (d) {
    const m = d.checked.model;
    if (m.params.length) rows.push(["parameters", esc(m.params.map((p) => `${p.name}=${p.value}`).join(", "))]);
    rows.push(
      ["input → output", `${esc(formatShape(d.checked.input))} → ${d.checked.output ? esc(formatShape(d.checked.output)) : "—"}`],
      ["params", `${n(d.totals.params)} <span class="dim">(${formatBytes(d.totals.parameterBytes)} float32)</span>`],
      ["MACs / FLOPs", `${n(d.totals.macs)} / ${n(d.totals.flops)} <span class="dim">per image, FLOPs = 2 × MACs</span>`],
      [
        "training memory",
        `${formatBytes(d.memory.total)} <span class="dim">at batch ${d.memory.batch}, ${esc(d.memory.optimizer)} (estimate)</span>`,
      ],
    );
    if (d.lastSpatial)
      rows.push([
        "receptive field",
        d.lastSpatial.field.inputDependent
          ? `depends on the input size <span class="dim">(adaptive pooling, at ${esc(d.lastSpatial.layer.name)})</span>`
          : `${formatPair(d.lastSpatial.field.size)} px, jump ${formatPair(d.lastSpatial.field.jump)} px <span class="dim">at ${esc(d.lastSpatial.layer.name)}</span>`,
      ]);
    rows.push(["valid inputs", esc(validText(d))]);
  }
  rows.push([
    "diagnostics",
    `<span class="${c.errors ? "bad" : "good"}">${c.errors} error${c.errors === 1 ? "" : "s"}</span>, ${c.warnings} warning${c.warnings === 1 ? "" : "s"}`,
  ]);
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>`;
}

function swatch(colour: string): string {
  return `<span class="swatch" style="background:${colour}"></span>`;
}

function layerTable(d: ModelDetails): string {
  const head = ["layer", "kind", "settings", "output", "params", "MACs", "FLOPs", "act/image", "RF", "jump"];
  const num = new Set([4, 5, 6, 7, 8, 9]);
  const cell = (v: string, i: number): string => `<td${num.has(i) ? ' class="num"' : ""}>${v}</td>`;
  const rows = [
    ["input", "", "", esc(formatShape(d.checked.input)), "", "", "", formatBytes(d.inputActivations * BYTES_PER_VALUE), "1", "1"],
    ...d.layers.map((l) => [
      `${swatch(PALETTE[roleOf(l.layer)].stroke)}${esc(l.layer.name)}`,
      esc(l.layer.kind),
      esc(l.layer.settings),
      esc(formatShape(l.layer.output)),
      n(l.layer.params),
      n(l.layer.macs),
      n(l.flops),
      formatBytes(l.activations * BYTES_PER_VALUE),
      ...fieldCells(l.field),
    ]),
  ];
  const t = d.totals;
  const total = [
    "total",
    "",
    "",
    d.checked.output ? esc(formatShape(d.checked.output)) : "—",
    n(t.params),
    n(t.macs),
    n(t.flops),
    formatBytes(t.activationsPerImage * BYTES_PER_VALUE),
    "",
    "",
  ];
  return (
    `<table class="layers"><thead><tr>${head.map((h, i) => `<th${num.has(i) ? ' class="num"' : ""}>${h}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("")}</tbody>` +
    `<tfoot><tr>${total.map(cell).join("")}</tr></tfoot></table>`
  );
}

function perLayerBars(d: ModelDetails, what: "params" | "macs"): string {
  const total = what === "params" ? d.totals.params : d.totals.macs;
  const bars = d.layers
    .filter((l) => l.layer[what] > 0n)
    .map((l) => {
      const v = l.layer[what];
      const share = total > 0n ? Number((v * 10000n) / total) / 100 : 0;
      return { label: l.layer.name, value: v, text: `${n(v)} (${share.toFixed(1)}%)`, colour: PALETTE[roleOf(l.layer)].stroke };
    });
  if (!bars.length) return `<p class="dim">No layer has ${what === "params" ? "parameters" : "multiply-adds"}.</p>`;
  return barChart(what === "params" ? "parameters per layer" : "MACs per layer", bars);
}

function inputsSection(d: ModelDetails): string {
  const parts: string[] = [];
  for (const scan of d.inputs) {
    const declared = declaredSize(d.checked.model, scan.axis);
    const lastValid = scan.validRanges.at(-1)?.[1] ?? 0;
    const interesting = Math.max(2 * declared, lastValid < scan.limit ? lastValid + 32 : 0, 128);
    const upTo = Math.min(scan.limit, Math.ceil(interesting / 64) * 64);
    const noun = scan.axis === "both" ? "input size (square)" : scan.axis === "h" ? "input height" : "input width";
    const exact = validExactSizes(scan);
    const nearest = nearestValid(scan.validRanges, declared);
    const lines = [
      `smallest ${noun} with every output non-empty: <b>${scan.smallestFit ?? "none"}</b>`,
      `valid: <b>${esc(scan.validRanges.length ? formatRanges(scan.validRanges, scan.limit) : `none up to ${scan.limit}`)}</b>`,
      `valid and dividing exactly at every window: <b>${exact.length ? esc(exact.length > 12 ? `${exact.slice(0, 12).join(", ")}, …` : exact.join(", ")) : "none"}</b>`,
    ];
    if (nearest !== undefined && nearest !== declared)
      lines.push(`the declared ${declared} is not valid; the nearest valid size is <b>${nearest}</b>`);
    parts.push(
      `<h4>${noun}, 1–${upTo}</h4>${inputStrip(`valid ${noun}s`, scan, declared, upTo)}<ul class="plain">${lines.map((l) => `<li>${l}</li>`).join("")}</ul>`,
    );
  }
  const legend = [
    [INPUT_COLOURS.empty, "some layer's output is empty"],
    [INPUT_COLOURS.mismatch, "a declared dense in-features does not match"],
    [INPUT_COLOURS.valid, "valid"],
    [INPUT_COLOURS.exact, "valid and exact (nothing dropped)"],
    [INPUT_COLOURS.declared, "the spec's input"],
  ];
  return `<p class="legend">${legend.map(([c, t]) => `${swatch(c!)}${t}`).join(" ")}</p>${parts.join("")}`;
}

const MEMORY_COLOURS = ["#2563eb", "#60a5fa", "#93c5fd", "#ea580c", "#fdba74"];

function memorySection(d: ModelDetails): string {
  const rows = memoryRows(d.memory);
  const bar = stackedBar(
    "training memory",
    rows.map(([what, value], i) => ({ label: `${what}: ${formatBytes(value)}`, value, colour: MEMORY_COLOURS[i]! })),
  );
  const table = rows
    .map(
      ([what, value, how], i) =>
        `<tr><td>${swatch(MEMORY_COLOURS[i]!)}${what}</td><td class="num">${formatBytes(value)}</td><td class="dim">${esc(how)}</td></tr>`,
    )
    .join("");
  return (
    `${bar}<table class="memory"><tbody>${table}</tbody><tfoot><tr><td>total</td><td class="num">${formatBytes(d.memory.total)}</td><td></td></tr></tfoot></table>` +
    `<p class="dim">Batch ${d.memory.batch}, float32. An estimate of what one training step keeps alive; frameworks differ (tfjs keeps more optimizer temporaries, PyTorch frees activations earlier): see docs/analysis.md in alexc for the formula and measurements.</p>`
  );
}

function diagnosticsSection(e: ReportEntry): string {
  if (!e.result.diagnostics.length) return `<p class="good">No diagnostics.</p>`;
  return e.result.diagnostics
    .map(
      (d) =>
        `<pre class="diagnostic ${d.acknowledged !== undefined ? "acknowledged" : d.severity}">${esc(renderDiagnostic(d, e.result.file))}</pre>`,
    )
    .join("");
}

function modelSection(e: ReportEntry, index: number, all: ReportEntry[]): string {
  const d = e.details;
  // With one model the page header already names it.
  const body: string[] = [all.length > 1 ? `<h2>${esc(variantTitle(e))}</h2>` : "", facts(e)];
  if (d) {
    const diagram = e.diagram
      ? `<figure class="diagram">${inlineSvg(e.diagram, `m${index}-`)}</figure>`
      : e.diagramNote
        ? `<p class="dim">${esc(e.diagramNote)}</p>`
        : "";
    body.push(
      `<div class="network"><div class="diagram-column"><h3>Diagram</h3>${diagram}</div>`,
      `<div class="detail-column"><h3>Layers</h3><div class="scroll">${layerTable(d)}</div>`,
      `<p class="dim">FLOPs = 2 × MACs. act/image: the layer's output for one image, float32. RF: receptive field and jump (effective stride) in input pixels.</p>`,
      `<h3>Parameters per layer</h3>${perLayerBars(d, "params")}`,
      `<h3>MACs per layer</h3>${perLayerBars(d, "macs")}`,
      `<h3>Valid input sizes</h3>${inputsSection(d)}`,
      `<h3>Training memory</h3>${memorySection(d)}</div></div>`,
    );
  }
  body.push(`<h3>Diagnostics</h3>${diagnosticsSection(e)}`);
  return `<section class="model" id="model-${index}">${body.join("")}</section>`;
}

function comparison(entries: ReportEntry[]): string {
  const metric = (label: string, value: (d: ModelDetails, e: ReportEntry) => string): string =>
    `<tr><th>${label}</th>${entries.map((e) => `<td class="num">${e.details ? value(e.details, e) : "—"}</td>`).join("")}</tr>`;
  const head = `<tr><th></th>${entries.map((e, i) => `<th class="num"><a href="#model-${i}">${esc(e.label || "as written")}</a></th>`).join("")}</tr>`;
  const rows = [
    metric("output", (d) => (d.checked.output ? esc(formatShape(d.checked.output)) : "—")),
    metric("params", (d) => n(d.totals.params)),
    metric("MACs", (d) => n(d.totals.macs)),
    metric("FLOPs", (d) => n(d.totals.flops)),
    metric("parameter memory", (d) => formatBytes(d.totals.parameterBytes)),
    metric("training memory", (d) => `${formatBytes(d.memory.total)} <span class="dim">(batch ${d.memory.batch})</span>`),
    metric("receptive field", (d) =>
      d.lastSpatial
        ? d.lastSpatial.field.inputDependent
          ? "varies"
          : `${formatPair(d.lastSpatial.field.size)} / ${formatPair(d.lastSpatial.field.jump)}`
        : "—",
    ),
    metric("valid inputs", (d) => esc(validText(d))),
  ];
  // Counted even for a variant that did not resolve (its row above is all dashes).
  rows.push(
    `<tr><th>errors / warnings</th>${entries.map((e) => `<td class="num">${counts(e).errors} / ${counts(e).warnings}</td>`).join("")}</tr>`,
  );
  // Per layer: params where any variant differs, so a change of one layer stands out.
  const analysed = entries.filter((e) => e.details);
  const names = [...new Set(analysed.flatMap((e) => e.details!.layers.map((l) => l.layer.name)))];
  const differing = names.filter((name) => {
    const values = analysed.map((e) => {
      const l = e.details?.layers.find((x) => x.layer.name === name);
      return l ? `${formatShape(l.layer.output)} ${l.layer.params}` : "";
    });
    return new Set(values).size > 1;
  });
  const layerRows = differing.map(
    (name) =>
      `<tr><th>${esc(name)}</th>${entries
        .map((e) => {
          const l = e.details?.layers.find((x) => x.layer.name === name);
          return `<td class="num">${l ? `${esc(formatShape(l.layer.output))} · ${n(l.layer.params)} params` : "—"}</td>`;
        })
        .join("")}</tr>`,
  );
  return (
    `<section class="comparison"><h2>Comparison</h2><table class="compare"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>` +
    (analysed.length > 1 && layerRows.length
      ? `<h3>Layers that differ</h3><table class="compare"><thead>${head}</thead><tbody>${layerRows.join("")}</tbody></table>`
      : "") +
    `</section>`
  );
}

const STYLE = `
:root { color-scheme: light; --ink: #111827; --dim: #6b7280; --rule: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
header { padding: 18px 28px 10px; border-bottom: 1px solid var(--rule); }
header h1 { margin: 0; font-size: 22px; }
header p { margin: 4px 0 0; color: var(--dim); }
main { padding: 0 28px 40px; }
h2 { font-size: 19px; margin: 26px 0 8px; }
h3 { font-size: 15px; margin: 20px 0 8px; }
h4 { font-size: 13px; margin: 12px 0 4px; color: #374151; }
.dim { color: var(--dim); }
.good { color: #15803d; }
.bad { color: #b91c1c; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 8px 0 0; }
dl.facts dt { color: var(--dim); }
dl.facts dd { margin: 0; }
.network { display: grid; grid-template-columns: minmax(220px, 290px) minmax(0, 1fr); gap: 24px; align-items: start; }
.scroll { overflow-x: auto; }
figure.diagram { margin: 0; }
figure.diagram svg { width: 100%; height: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 7px; text-align: left; white-space: nowrap; }
thead th { border-bottom: 2px solid var(--rule); font-weight: 600; }
tbody tr:nth-child(even) { background: #f9fafb; }
tfoot td { border-top: 2px solid var(--rule); font-weight: 600; }
.num { text-align: right; }
table.layers { font-size: 13px; }
.swatch { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
svg.chart { display: block; max-width: 100%; height: auto; }
ul.plain { margin: 6px 0 0; padding-left: 18px; }
p.legend { font-size: 12px; color: #374151; }
p.legend .swatch { margin-left: 10px; }
pre.diagnostic { background: #f9fafb; border-left: 4px solid #9ca3af; padding: 8px 12px; overflow-x: auto; font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre.diagnostic.error { border-color: #dc2626; }
pre.diagnostic.warning { border-color: #d97706; }
pre.diagnostic.acknowledged { border-color: #9ca3af; }
table.compare th { text-align: left; }
section.model + section.model, section.comparison + section.model { border-top: 1px solid var(--rule); margin-top: 26px; }
@media (max-width: 900px) { .network { grid-template-columns: 1fr; } }
`;

export function buildReport(entries: ReportEntry[], meta: ReportMeta): string {
  const first = entries[0];
  const name = first ? title({ ...first, label: "" }) : "alexc report";
  const files = [...new Set(entries.map((e) => e.result.file.path))].join(", ");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    // Nothing may be fetched: the page must look the same offline, from a file, in a mail attachment.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="alexc ${esc(meta.version)}">`,
    `<title>${esc(name)} · alexc report</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    `<header><h1>${esc(name)}</h1><p>${esc(files)} · alexc ${esc(meta.version)}${entries.length > 1 ? ` · ${entries.length} variants` : ""}</p></header>`,
    "<main>",
    entries.length > 1 ? comparison(entries) : "",
    ...entries.map((e, i) => modelSection(e, i, entries)),
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
