/**
 * Text rendering of diagnostics, rustc-style: headline with code, file:line:col, the source line
 * with a caret under the offending text, then the derivation (notes) and the fix (help).
 */
import type { SourceFile } from "./source.js";
import type { Diagnostic } from "./diagnostic.js";
import { visible, visibleLine } from "./visible.js";

export interface Style {
  error(s: string): string;
  warning(s: string): string;
  note(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const ansi = (open: string) => (s: string) => `\u001b[${open}m${s}\u001b[0m`;
const colour: Style = { error: ansi("1;31"), warning: ansi("1;33"), note: ansi("1;36"), bold: ansi("1"), dim: ansi("2") };
const plain: Style = { error: (s) => s, warning: (s) => s, note: (s) => s, bold: (s) => s, dim: (s) => s };

/** NO_COLOR (any value) turns colour off, FORCE_COLOR (not "0") turns it on, else colour on a TTY. */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return plain;
  if (env["FORCE_COLOR"] !== undefined) return env["FORCE_COLOR"] === "0" ? plain : colour;
  return stream.isTTY ? colour : plain;
}

/** Every piece of a diagnostic can carry user text (names, strings, file names): shown visibly, never acted on. */
export function renderDiagnostic(d: Diagnostic, file: SourceFile | undefined, style: Style = plain): string {
  const path = file ? visible(file.path) : "";
  const sev = d.acknowledged !== undefined ? "warning (acknowledged)" : d.severity;
  const paint = d.severity === "error" ? style.error : style.warning;
  const where = d.variant !== undefined ? `[${visible(d.variant)}] ` : "";
  const lines = [`${paint(`${sev}[${d.code}]`)}${style.bold(`: ${where}${visible(shortened(d.message))}`)}`];
  if (file && d.span) {
    const start = file.position(d.span.start);
    const end = file.position(Math.max(d.span.start, d.span.end - 1));
    const gutter = String(end.line).length;
    const pad = " ".repeat(gutter);
    lines.push(`${pad}${style.note("-->")} ${path}:${start.line}:${start.column}`);
    lines.push(`${pad} ${style.note("|")}`);
    const raw = file.lineText(start.line);
    // Multi-line spans are underlined to the end of their first line.
    const rawWidth = end.line === start.line ? Math.max(1, end.column - start.column + 1) : Math.max(1, raw.length - start.column + 1);
    // First the window around the span (a line can be megabytes), then control characters made visible.
    const cut = excerpt(raw, start.column, rawWidth);
    const { text, column, width } = visibleLine(cut.text, cut.column, cut.width);
    lines.push(`${style.note(String(start.line).padStart(gutter))} ${style.note("|")} ${text}`);
    const caret = `${" ".repeat(column - 1)}${"^".repeat(width)}`;
    lines.push(`${pad} ${style.note("|")} ${paint(caret)}${d.label ? ` ${paint(visible(d.label))}` : ""}`);
    for (const r of d.related) {
      const p = file.position(r.span.start);
      lines.push(`${pad} ${style.note("|")} ${style.dim(`${visible(r.message)}: ${path}:${p.line}:${p.column}`)}`);
    }
  } else if (file) {
    lines.push(`  ${style.note("-->")} ${path}`);
    for (const r of d.related) {
      const p = file.position(r.span.start);
      lines.push(`  ${style.note("|")} ${style.dim(`${visible(r.message)}: ${path}:${p.line}:${p.column}`)}`);
    }
  }
  const gutter = file && d.span ? " ".repeat(String(file.position(d.span.end).line).length) : " ";
  for (const n of d.notes) lines.push(`${gutter} ${style.note("=")} ${style.bold("note")}: ${visible(n)}`);
  if (d.help) lines.push(`${gutter} ${style.note("=")} ${style.bold("help")}: ${visible(d.help)}`);
  if (d.acknowledged !== undefined) lines.push(`${gutter} ${style.note("=")} ${style.bold("allowed")}: ${visible(d.acknowledged)}`);
  return lines.join("\n");
}

/** A headline quoting user text (a 100,000-character name) is cut in the middle. */
function shortened(message: string): string {
  return message.length <= 400 ? message : `${message.slice(0, 300)} … ${message.slice(-80)} (${message.length} characters)`;
}

/** Source lines longer than this are shown as a window around the caret. */
const MAX_LINE_SHOWN = 160;

/**
 * A long line (minified or binary input: one "line" can be megabytes) cut to a window around the
 * span, with … where text was left out; the caret's column and width follow the cut.
 */
function excerpt(line: string, column: number, width: number): { text: string; column: number; width: number } {
  // A TAB is shown as one space so the caret stays under its column.
  line = line.replace(/\t/g, " ");
  if (line.length <= MAX_LINE_SHOWN) return { text: line, column, width };
  const from = Math.max(0, Math.min(column - 1 - 40, line.length - MAX_LINE_SHOWN));
  const to = Math.min(line.length, from + MAX_LINE_SHOWN);
  const head = from > 0 ? "…" : "";
  const shownColumn = column - from + head.length;
  return {
    text: `${head}${line.slice(from, to)}${to < line.length ? "…" : ""}`,
    column: shownColumn,
    width: Math.max(1, Math.min(width, to - (column - 1))),
  };
}
