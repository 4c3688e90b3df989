/** Half-open range of UTF-16 offsets into the source text. */
export interface Span {
  start: number;
  end: number;
}

/** A source file with a line table, so offsets in spans become 1-based line:column on demand. */
export interface Position {
  line: number;
  column: number;
}

export class SourceFile {
  readonly lineStarts: number[];

  constructor(
    /** As the user named it (kept relative so output never embeds absolute paths). */
    readonly path: string,
    readonly text: string,
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.lineStarts.push(i + 1);
      else if (ch === 13 && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - this.lineStarts[lo]! + 1 };
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, "");
  }

  slice(span: { start: number; end: number }): string {
    return this.text.slice(span.start, span.end);
  }
}
