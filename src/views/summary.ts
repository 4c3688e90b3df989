/**
 * What `alexc summary` prints: the fuller per-layer table (output, params, MACs, FLOPs, activations
 * per image, receptive field and jump), totals, and the memory a training step needs; and the
 * versioned JSON document with the same figures (docs/json-format.md).
 */
import type { ModelDetails } from "./analysis/details.js";
import { fieldCells, formatPair } from "./analysis/receptive-field.js";
import { BYTES_PER_VALUE, formatBytes, type TrainingMemory } from "./analysis/memory.js";
import { formatShape, shapeDims } from "../layers/kind.js";
import { groupThousands } from "../util/numbers.js";
import { maxOf } from "../util/numbers.js";
import { jsonSplit, paramSplit } from "./check-report.js";

/** Columns of text, numbers right-aligned, with a rule under the header and above the totals. */
export function textTable(header: string[], rows: string[][], numeric: ReadonlySet<number>, footer: string[][] = []): string {
  const all = [header, ...rows, ...footer];
  const widths = header.map((_, i) => maxOf(all.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]): string =>
    r
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  return [fmt(header), rule, ...rows.map(fmt), ...(footer.length ? [rule, ...footer.map(fmt)] : [])].join("\n");
}

const bytes = (values: bigint): string => formatBytes(values * BYTES_PER_VALUE);

function modelHeading(d: ModelDetails): string {
  const { model } = d.checked;
  const values = model.params.length ? ` (${model.params.map((p) => `${p.name}=${p.value}`).join(", ")})` : "";
  return `model ${model.name}${values}`;
}

export function summaryText(d: ModelDetails): string {
  const header = ["layer", "kind", "settings", "output", "params", "MACs", "FLOPs", "act/image", "RF", "jump"];
  const rows = [
    ["input", "", "", formatShape(d.checked.input), "", "", "", bytes(d.inputActivations), "1", "1"],
    ...d.layers.map((l) => [
      l.layer.name,
      l.layer.kind,
      l.layer.settings,
      formatShape(l.layer.output),
      groupThousands(l.layer.params),
      groupThousands(l.layer.macs),
      groupThousands(l.flops),
      bytes(l.activations),
      ...fieldCells(l.field),
    ]),
  ];
  const t = d.totals;
  const footer = [
    [
      "total",
      "",
      "",
      d.checked.output ? formatShape(d.checked.output) : "—",
      groupThousands(t.params),
      groupThousands(t.macs),
      groupThousands(t.flops),
      bytes(t.activationsPerImage),
      "",
      "",
    ],
  ];
  const out = [
    `${modelHeading(d)}: input ${formatShape(d.checked.input)} (C×H×W), float32`,
    "FLOPs = 2 × MACs (one multiply-add is two operations); act/image = the layer's output for one image;",
    "RF = receptive field and jump = effective stride, both in input pixels (H×W when they differ; varies: after adaptive pooling)",
    "",
    textTable(header, rows, new Set([4, 5, 6, 7, 8, 9]), footer),
    "",
  ];
  if (d.lastSpatial?.field.inputDependent) {
    const fixed = [...d.layers].reverse().find((l) => !l.field.global && !l.field.inputDependent && l.layer.output.rank === "chw");
    const before = fixed
      ? `; before it, ${fixed.layer.name} sees ${formatPair(fixed.field.size)} px, jump ${formatPair(fixed.field.jump)} px`
      : "";
    out.push(
      `receptive field of ${d.lastSpatial.layer.name} (${d.lastSpatial.layer.kind}, the last feature map): depends on the input size ` +
        `(adaptive pooling sizes its windows by the input)${before}`,
    );
  } else if (d.lastSpatial) {
    const f = d.lastSpatial.field;
    const input = d.checked.input.rank === "chw" ? [d.checked.input.h, d.checked.input.w] : [0, 0];
    const beyond =
      f.size[0] > input[0]! || f.size[1] > input[1]!
        ? ` (more than the ${input[0] === input[1] ? input[0] : `${input[0]}×${input[1]}`}-pixel input: the rest is padding)`
        : "";
    out.push(
      `receptive field of ${d.lastSpatial.layer.name} (${d.lastSpatial.layer.kind}, the last feature map): ${formatPair(f.size)} px${beyond}, ` +
        `jump ${formatPair(f.jump)} px, effective padding ${formatPair(f.padding)} px`,
    );
  }
  out.push(
    `parameter memory ${formatBytes(t.parameterBytes)} (${groupThousands(t.params)} × 4 B)${paramSplit(d.checked.totals)}`,
    "",
    memoryText(d.memory),
  );
  return out.join("\n");
}

export function memoryRows(m: TrainingMemory): Array<[string, bigint, string]> {
  const slots =
    m.slots === undefined
      ? `${m.optimizer}: state not known to alexc, not counted`
      : `${m.optimizer}: ${m.slots} value${m.slots === 1 ? "" : "s"} per parameter`;
  return [
    ["weights", m.weights, "params × 4 B"],
    ["gradients", m.gradients, m.gradients === m.weights ? "one per weight" : "one per trained weight (no running statistics)"],
    ["optimizer state", m.optimizerState, slots],
    [
      "activations",
      m.activations,
      `${m.batch} × ${groupThousands(m.activationValues)} values: the input and every layer's output, kept for backward`,
    ],
    [
      "activation gradients",
      m.activationGradients,
      `${m.batch} × (input + output of ${m.peakLayer ?? "—"}), the largest pair in flight during backward`,
    ],
  ];
}

function memoryText(m: TrainingMemory): string {
  const rows = [...memoryRows(m).map(([what, value, how]) => [what, formatBytes(value), how]), ["total", formatBytes(m.total), ""]];
  const w0 = maxOf(rows.map((r) => r[0]!.length));
  const w1 = maxOf(rows.map((r) => r[1]!.length));
  return [
    `training memory at batch ${m.batch}, float32 (an estimate: formula and measured tfjs and PyTorch figures in docs/analysis.md)`,
    ...rows.map(([what, size, how]) => `  ${what!.padEnd(w0)}  ${size!.padStart(w1)}  ${how}`.trimEnd()),
  ].join("\n");
}

/** JSON numbers are exact only up to 2^53; larger counts are written as decimal strings. */
function count(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

const SUMMARY_FORMAT_VERSION = 1;

/** Errors and open warnings of a file, for JSON documents that leave the diagnostics to `check`. */
export interface DiagnosticCounts {
  errors: number;
  warnings: number;
}

function summaryJson(file: string, d: ModelDetails, diagnostics: DiagnosticCounts): Record<string, unknown> {
  const m = d.memory;
  return {
    file,
    model: d.checked.model.name,
    diagnostics,
    params: Object.fromEntries(d.checked.model.params.map((p) => [p.name, p.value.toNumber()])),
    input: shapeDims(d.checked.input),
    layers: d.layers.map((l) => ({
      name: l.layer.name,
      kind: l.layer.kind,
      ...(l.layer.block ? { block: l.layer.block } : {}),
      output: shapeDims(l.layer.output),
      params: count(l.layer.params),
      ...jsonSplit(l.layer.params, l.layer.nonTrainableParams),
      macs: count(l.layer.macs),
      flops: count(l.flops),
      activations: count(l.activations),
      receptiveField: l.field.global
        ? "global"
        : l.field.inputDependent
          ? "input-dependent"
          : { size: l.field.size, jump: l.field.jump, padding: l.field.padding },
    })),
    totals: {
      params: count(d.totals.params),
      ...jsonSplit(d.checked.totals.params, d.checked.totals.nonTrainableParams),
      macs: count(d.totals.macs),
      flops: count(d.totals.flops),
      activationsPerImage: count(d.totals.activationsPerImage),
      parameterBytes: count(d.totals.parameterBytes),
    },
    trainingMemory: {
      batch: m.batch,
      optimizer: m.optimizer,
      optimizerSlots: m.slots ?? null,
      weights: count(m.weights),
      gradients: count(m.gradients),
      optimizerState: count(m.optimizerState),
      activations: count(m.activations),
      activationGradients: count(m.activationGradients),
      total: count(m.total),
    },
  };
}

export function summaryDocument(entries: Array<{ file: string; analysis: ModelDetails; diagnostics: DiagnosticCounts }>): string {
  return (
    JSON.stringify(
      {
        version: SUMMARY_FORMAT_VERSION,
        flopsPerMac: 2,
        bytesPerValue: 4,
        files: entries.map((e) => summaryJson(e.file, e.analysis, e.diagnostics)),
      },
      null,
      2,
    ) + "\n"
  );
}
