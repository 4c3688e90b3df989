/**
 * A static page that draws a document the way an editor shows it with the language server's
 * answers: semantic-token colours, inlay hints, diagnostics as squiggles with their message under
 * the line (as an "error lens" does), and one hover card. It holds no analysis of its own: every
 * decoration comes from the server's replies, so the screenshot shows what the server says.
 */
export interface PageInput {
  title: string;
  text: string;
  tokenTypes: string[];
  /** LSP's relative encoding. */
  tokens: number[];
  hints: Array<{ position: { line: number; character: number }; label: string }>;
  diagnostics: Array<{
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity: number;
    code: string;
    message: string;
  }>;
  hover?: { line: number; markdown: string };
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const COLOURS: Record<string, string> = {
  keyword: "#c586c0",
  number: "#b5cea8",
  string: "#ce9178",
  comment: "#6a9955",
  operator: "#d4d4d4",
  function: "#dcdcaa",
  parameter: "#9cdcfe",
  property: "#9cdcfe",
};

function markdownToHtml(md: string): string {
  const inline = (s: string): string =>
    esc(s)
      .replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>")
      .replace(/`([^`]+)`/g, "<code>$1</code>");
  const rows = md.split("\n").filter((l) => !/^\|[-| ]*\|$/.test(l) || /\w/.test(l));
  return rows
    .map((l) => {
      if (l.startsWith("|")) {
        const cells = l
          .split("|")
          .slice(1, -1)
          .map((c) => c.trim());
        return `<div class="row"><span>${inline(cells[0] ?? "")}</span><span>${inline(cells[1] ?? "")}</span></div>`;
      }
      return l.trim() === "" ? `<div class="gap"></div>` : `<div>${inline(l.replace(/ {2}$/, ""))}</div>`;
    })
    .join("");
}

export function editorPage(input: PageInput): string {
  const lines = input.text.split("\n");
  // Per character: a token type and the worst diagnostic severity covering it.
  const types: Array<Array<string | undefined>> = lines.map((l) => Array.from({ length: l.length }));
  let line = 0;
  let char = 0;
  for (let i = 0; i < input.tokens.length; i += 5) {
    const [dl, dc, len, type] = input.tokens.slice(i, i + 4) as [number, number, number, number];
    line += dl;
    char = dl === 0 ? char + dc : dc;
    for (let k = char; k < char + len && k < (types[line]?.length ?? 0); k++) types[line]![k] = input.tokenTypes[type];
  }
  const squiggle: Array<Array<number | undefined>> = lines.map((l) => Array.from({ length: l.length }));
  for (const d of input.diagnostics)
    for (let l = d.range.start.line; l <= d.range.end.line && l < lines.length; l++) {
      const from = l === d.range.start.line ? d.range.start.character : 0;
      const to = l === d.range.end.line ? d.range.end.character : lines[l]!.length;
      for (let k = from; k < to; k++) squiggle[l]![k] = Math.min(squiggle[l]![k] ?? 9, d.severity);
    }
  const body = lines.map((text, l) => {
    const hintsAt = new Map<number, string[]>();
    for (const h of input.hints.filter((h) => h.position.line === l))
      hintsAt.set(h.position.character, [...(hintsAt.get(h.position.character) ?? []), h.label]);
    let html = "";
    for (let k = 0; k <= text.length; k++) {
      for (const label of hintsAt.get(k) ?? []) html += `<span class="hint">${esc(label)}</span>`;
      if (k === text.length) break;
      const type = types[l]![k];
      const sev = squiggle[l]![k];
      const style = type ? ` style="color:${COLOURS[type] ?? "#d4d4d4"}"` : "";
      const cls = sev === 1 ? ' class="error"' : sev === 2 ? ' class="warning"' : "";
      html += `<span${style}${cls}>${esc(text[k]!)}</span>`;
    }
    const messages = input.diagnostics
      .filter((d) => d.range.start.line === l && d.severity <= 2)
      .map(
        (d) =>
          `<div class="lens ${d.severity === 1 ? "error" : "warning"}-text">${esc(`${d.code}: ${d.message.split("\n")[0]}`)}${d.message
            .split("\n")
            .slice(1)
            .map((m) => `<div class="more">${esc(m)}</div>`)
            .join("")}</div>`,
      )
      .join("");
    const hover = input.hover && input.hover.line === l ? `<div class="hover">${markdownToHtml(input.hover.markdown)}</div>` : "";
    return `<div class="line"><span class="no">${l + 1}</span><span class="code">${html || " "}</span></div>${messages}${hover}`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(input.title)}</title><style>
body { margin: 0; background: #1e1e1e; color: #d4d4d4; font: 14px/1.5 "DejaVu Sans Mono", monospace; }
header { background: #252526; color: #ccc; padding: 6px 16px; font-family: sans-serif; font-size: 13px; }
main { padding: 8px 0; position: relative; }
.line { white-space: pre; }
.no { display: inline-block; width: 48px; color: #858585; text-align: right; padding-right: 16px; }
.hint { background: #3a3d41; color: #b0b0b0; border-radius: 3px; padding: 0 4px; margin: 0 4px; font-size: 12px; }
.error { text-decoration: underline wavy #f14c4c; text-underline-offset: 3px; }
.warning { text-decoration: underline wavy #cca700; text-underline-offset: 3px; }
.lens { margin-left: 64px; padding: 2px 8px; font-size: 12px; white-space: pre-wrap; max-width: 1100px; }
.error-text { color: #f48771; background: #5a1d1d; }
.warning-text { color: #cca700; background: #352a05; }
.more { color: #c8c8c8; }
.hover { margin: 2px 0 6px 120px; width: 620px; background: #252526; border: 1px solid #454545; padding: 8px 12px; font: 13px/1.5 sans-serif; white-space: normal; }
.hover code { font-family: monospace; color: #dcdcaa; }
.hover .row { display: flex; } .hover .row span:first-child { width: 140px; color: #9cdcfe; }
.hover .gap { height: 6px; }
</style></head><body><header>${esc(input.title)}</header><main>${body.join("\n")}</main></body></html>`;
}
