/** Spans (UTF-16 offsets, as LSP counts characters) to LSP ranges and back, through the file's line table. */
import type { Position, Range } from "vscode-languageserver";
import type { SourceFile, Span } from "../diagnostics/source.js";

export function toPosition(file: SourceFile, offset: number): Position {
  const p = file.position(offset);
  return { line: p.line - 1, character: p.column - 1 };
}

export function toRange(file: SourceFile, span: Span): Range {
  return { start: toPosition(file, span.start), end: toPosition(file, span.end) };
}

export function toOffset(file: SourceFile, p: Position): number {
  const start = file.lineStarts[p.line];
  if (start === undefined) return file.text.length;
  const next = file.lineStarts[p.line + 1] ?? file.text.length;
  return Math.min(start + p.character, next);
}
