/**
 * User-supplied text (spec contents, file names, names, strings) made safe for a terminal or a CI
 * log: control characters, which could recolour or clear the terminal (ESC), start a new line
 * (a file name with a newline becomes a GitHub `::error` command) or reorder the text (bidi
 * overrides), are shown as visible escapes such as `\x1b` and `\u{202e}` instead of acting.
 */
// C0 controls, DEL, C1 controls (NEL included), line/paragraph separators, bidi embeddings,
// overrides and isolates, and lone surrogates.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  // U+DC80..U+DCFF alone is a byte that was not UTF-8 (src/syntax/read.ts keeps it that way): show the byte.
  const byte = code >= 0xdc80 && code <= 0xdcff ? code - 0xdc00 : code;
  return byte <= 0xff ? `\\x${byte.toString(16).padStart(2, "0")}` : `\\u{${byte.toString(16)}}`;
}

export function visible(s: string): string {
  return s.replace(UNSAFE, escape);
}

/** As visible(), but a TAB becomes one space, so a source line keeps one column per character. */
function visibleSourceLine(s: string): string {
  return visible(s.replace(/\t/g, " "));
}

/**
 * A source line as shown under a diagnostic, with the caret's 1-based column and width moved to
 * match: an escaped control character is several columns wide (`\x1b`), so the caret stays under
 * the text it marks.
 */
export function visibleLine(line: string, column: number, width: number): { text: string; column: number; width: number } {
  const before = visibleSourceLine(line.slice(0, column - 1)).length;
  const under = visibleSourceLine(line.slice(column - 1, column - 1 + width)).length;
  return { text: visibleSourceLine(line), column: before + 1, width: Math.max(1, under) };
}

/** As visible(), line by line: for text whose line breaks are alexc's own (commander's messages). */
export function visibleLines(s: string): string {
  return s.split("\n").map(visible).join("\n");
}
