/**
 * metrics.svg: loss and accuracy per epoch, training and validation, side by side. Plain SVG text
 * (no dependency, opens in any browser, diffable), redrawn after every epoch. The x axis spans the
 * planned epochs, so the picture grows in place instead of rescaling.
 */
import type { EpochRecord } from "./metrics.js";

const PANEL = { width: 380, height: 250, left: 56, right: 16, top: 40, bottom: 44 };
const COLOURS = { train: "#1f77b4", val: "#d62728" };

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (v: number): string => String(Math.round(v * 100) / 100);

/** A round step (1, 2 or 5 × 10^k) giving about `count` intervals over [0, span]. */
function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

interface Series {
  label: string;
  colour: string;
  dashed: boolean;
  points: Array<[number, number]>;
}

/** Legend in the corner the curves usually leave free: top right for loss (falls), bottom right for accuracy (rises). */
function panel(
  x0: number,
  title: string,
  yMax: number,
  yFormat: (v: number) => string,
  epochs: number,
  series: Series[],
  legendAtBottom: boolean,
): string {
  const w = PANEL.width - PANEL.left - PANEL.right;
  const h = PANEL.height - PANEL.top - PANEL.bottom;
  const sx = (e: number): number => x0 + PANEL.left + (epochs <= 1 ? w / 2 : ((e - 1) / (epochs - 1)) * w);
  const sy = (v: number): number => PANEL.top + h - (Math.min(Math.max(v, 0), yMax) / yMax) * h;
  const out: string[] = [];
  out.push(`<text x="${num(x0 + PANEL.left + w / 2)}" y="24" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${num(x0 + PANEL.left)}" y="${PANEL.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  const yStep = niceStep(yMax, 5);
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    out.push(
      `<line x1="${num(x0 + PANEL.left)}" x2="${num(x0 + PANEL.left + w)}" y1="${num(sy(v))}" y2="${num(sy(v))}" stroke="#e5e5e5"/>`,
    );
    out.push(`<text x="${num(x0 + PANEL.left - 6)}" y="${num(sy(v) + 4)}" text-anchor="end" font-size="11">${esc(yFormat(v))}</text>`);
  }
  const xStep = Math.max(1, Math.ceil(niceStep(Math.max(1, epochs - 1), 8)));
  for (let e = 1; e <= epochs; e += xStep) {
    out.push(`<text x="${num(sx(e))}" y="${PANEL.top + h + 16}" text-anchor="middle" font-size="11">${e}</text>`);
  }
  out.push(`<text x="${num(x0 + PANEL.left + w / 2)}" y="${PANEL.height - 10}" text-anchor="middle" font-size="12">epoch</text>`);
  const legendTop = legendAtBottom ? PANEL.top + h - 8 - series.length * 16 : PANEL.top + 6;
  if (series.some((s) => s.points.length > 0)) {
    out.push(
      `<rect x="${num(x0 + PANEL.left + w - 98)}" y="${legendTop}" width="92" height="${series.length * 16 + 4}" fill="white" fill-opacity="0.85"/>`,
    );
  }
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : "";
    const path = s.points.map(([e, v], k) => `${k === 0 ? "M" : "L"}${num(sx(e))} ${num(sy(v))}`).join(" ");
    out.push(`<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    for (const [e, v] of s.points) out.push(`<circle cx="${num(sx(e))}" cy="${num(sy(v))}" r="3" fill="${s.colour}"/>`);
    const ly = legendTop + 14 + i * 16;
    const lx = x0 + PANEL.left + w - 92;
    out.push(`<line x1="${num(lx)}" x2="${num(lx + 22)}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${num(lx + 28)}" y="${ly}" font-size="11">${esc(s.label)}</text>`);
  });
  return out.join("\n");
}

/** The whole picture for `history`, `epochs` being the planned number of epochs. */
export function plotSvg(title: string, history: EpochRecord[], epochs: number): string {
  const span = Math.max(epochs, ...history.map((r) => r.epoch), 1);
  const pick = (f: (r: EpochRecord) => number | undefined): Array<[number, number]> =>
    history.flatMap((r) => {
      const v = f(r);
      return v === undefined || !Number.isFinite(v) ? [] : [[r.epoch, v] as [number, number]];
    });
  const trainLoss = pick((r) => r.trainLoss);
  const valLoss = pick((r) => r.valLoss);
  const lossMax = Math.max(...[...trainLoss, ...valLoss].map(([, v]) => v), 0.1);
  const lossTop = Math.ceil(lossMax / niceStep(lossMax, 5)) * niceStep(lossMax, 5);
  const series = (train: Array<[number, number]>, val: Array<[number, number]>): Series[] => [
    { label: "training", colour: COLOURS.train, dashed: false, points: train },
    { label: "validation", colour: COLOURS.val, dashed: true, points: val },
  ];
  const width = PANEL.width * 2;
  const body = [
    panel(0, "loss", lossTop, (v) => String(+v.toPrecision(3)), span, series(trainLoss, valLoss), false),
    panel(
      PANEL.width,
      "accuracy",
      100,
      (v) => `${Math.round(v)}%`,
      span,
      series(
        pick((r) => r.trainAccuracy * 100),
        pick((r) => (r.valAccuracy === undefined ? undefined : r.valAccuracy * 100)),
      ),
      true,
    ),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL.height + 20}" viewBox="0 0 ${width} ${PANEL.height + 20}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<g transform="translate(0 10)">`,
    ...body,
    `</g>`,
    `<text x="${width - 8}" y="${PANEL.height + 14}" text-anchor="end" font-size="11" fill="#555">${esc(title)}</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
