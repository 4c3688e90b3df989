/**
 * Inline SVG charts for the HTML report: horizontal bars (params and MACs per layer), the valid-input
 * strip, and the training-memory stack. Plain SVG, no script, so the page works offline and prints.
 */
import type { InputScan } from "../../check/valid-inputs.js";
import { esc } from "./escape.js";

export interface Bar {
  label: string;
  value: bigint;
  /** Text shown after the bar, e.g. "9,439,232 (56.8%)". */
  text: string;
  colour: string;
}

const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`;

/** One row per bar, the longest bar filling the plot; values are bigint, so scaled with care. */
export function barChart(title: string, bars: Bar[]): string {
  const row = 20;
  const labelWidth = Math.min(220, 8 + 7 * Math.max(4, ...bars.map((b) => b.label.length)));
  const plot = 420;
  const textWidth = 170;
  const width = labelWidth + plot + textWidth;
  const height = bars.length * row + 8;
  const max = bars.reduce((m, b) => (b.value > m ? b.value : m), 0n);
  const parts = [
    `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" ${FONT} font-size="12">`,
  ];
  for (const [i, b] of bars.entries()) {
    const y = 4 + i * row;
    // Millionths of the plot width: exact enough for drawing, and safe for counts beyond 2^53.
    const w = max > 0n ? (Number((b.value * 1_000_000n) / max) / 1_000_000) * plot : 0;
    parts.push(
      `<text x="${labelWidth - 6}" y="${y + 13}" text-anchor="end" fill="#374151">${esc(b.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 2}" width="${Math.max(w, b.value > 0n ? 1 : 0).toFixed(1)}" height="${row - 6}" rx="2" fill="${b.colour}"><title>${esc(`${b.label}: ${b.text}`)}</title></rect>`,
      `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 13}" fill="#111827">${esc(b.text)}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}

export const INPUT_COLOURS = { empty: "#fecaca", mismatch: "#fde68a", valid: "#86efac", exact: "#166534", declared: "#1d4ed8" };

/**
 * Input sizes 1…N as a strip: too small (some output empty), fits but a declared dense does not
 * match, valid; dark ticks where a size is valid and divides exactly; a marker at the spec's size.
 */
export function inputStrip(title: string, scan: InputScan, declared: number, upTo: number): string {
  const left = 10;
  const plot = 760;
  const width = left + plot + 20;
  const height = 74;
  const x = (s: number): number => left + ((s - 1) / upTo) * plot;
  const category = (s: number): keyof typeof INPUT_COLOURS =>
    scan.smallestFit === undefined || s < scan.smallestFit
      ? "empty"
      : scan.validRanges.some(([a, b]) => s >= a && s <= b)
        ? "valid"
        : "mismatch";
  const parts = [
    `<svg class="chart input-strip" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" ${FONT} font-size="11">`,
  ];
  // Runs of one category become one rectangle each.
  let start = 1;
  for (let s = 2; s <= upTo + 1; s++) {
    if (s <= upTo && category(s) === category(start)) continue;
    const c = category(start);
    const label =
      c === "empty"
        ? "some layer's output is empty"
        : c === "valid"
          ? "valid"
          : "every output non-empty, but a declared dense in-features does not match";
    parts.push(
      `<rect x="${x(start).toFixed(2)}" y="18" width="${(x(s) - x(start)).toFixed(2)}" height="26" fill="${INPUT_COLOURS[c]}"><title>${start === s - 1 ? start : `${start}–${s - 1}`}: ${esc(label)}</title></rect>`,
    );
    start = s;
  }
  const valid = new Set<number>();
  for (const [a, b] of scan.validRanges) for (let s = a; s <= Math.min(b, upTo); s++) valid.add(s);
  for (const s of scan.exactSizes) {
    if (s > upTo) break;
    const good = valid.has(s);
    parts.push(
      `<rect x="${(x(s) - 0.75).toFixed(2)}" y="${good ? 14 : 30}" width="1.5" height="${good ? 34 : 14}" fill="${good ? INPUT_COLOURS.exact : "#6b7280"}"><title>${s}: ${good ? "valid, and every window divides exactly" : "every window divides exactly"}</title></rect>`,
    );
  }
  const step = upTo <= 128 ? 16 : upTo <= 640 ? 64 : upTo <= 1280 ? 128 : 256;
  for (let s = step; s <= upTo; s += step)
    parts.push(
      `<line x1="${x(s).toFixed(2)}" y1="44" x2="${x(s).toFixed(2)}" y2="49" stroke="#6b7280"/><text x="${x(s).toFixed(2)}" y="60" text-anchor="middle" fill="#4b5563">${s}</text>`,
    );
  if (declared <= upTo) {
    const d = x(declared).toFixed(2);
    parts.push(
      `<path d="M${d},16 l-5,-9 h10 z" fill="${INPUT_COLOURS.declared}"><title>declared ${declared}</title></path><text x="${d}" y="72" text-anchor="middle" fill="${INPUT_COLOURS.declared}" font-weight="600">${declared}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}

/** A single stacked bar: the parts of the training-memory estimate. */
export function stackedBar(title: string, parts: Array<{ label: string; value: bigint; colour: string }>): string {
  const width = 760;
  const total = parts.reduce((t, p) => t + p.value, 0n);
  const out = [
    `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} 30" width="${width}" height="30" xmlns="http://www.w3.org/2000/svg" ${FONT} font-size="11">`,
  ];
  let at = 0;
  for (const p of parts) {
    const w = total > 0n ? (Number((p.value * 1_000_000n) / total) / 1_000_000) * width : 0;
    if (w > 0)
      out.push(
        `<rect x="${at.toFixed(2)}" y="4" width="${w.toFixed(2)}" height="22" fill="${p.colour}"><title>${esc(p.label)}</title></rect>`,
      );
    at += w;
  }
  out.push("</svg>");
  return out.join("");
}
