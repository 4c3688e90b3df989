/**
 * Semantic tokens from the lexer (grammar/tokens.ts), refined by the syntax tree where there is one:
 * a name is a layer kind where the tree says a layer starts, a parameter where one is declared.
 */
import { AnetLexer, keywords, type IToken } from "../../grammar/tokens.js";
import { layerKinds } from "../layers/index.js";
import type { SourceFile } from "../diagnostics/source.js";
import type { SpecNode } from "../syntax/ast.js";
import { layersOf } from "./syntax-walk.js";

export const TOKEN_TYPES = ["keyword", "number", "string", "comment", "operator", "function", "parameter", "property"] as const;
type TokenType = (typeof TOKEN_TYPES)[number];
const index = (t: TokenType): number => TOKEN_TYPES.indexOf(t);

const KEYWORDS = new Set(keywords.map((k) => k.name));
const PUNCTUATION = new Set(["LParen", "RParen", "LBracket", "RBracket", "LBrace", "RBrace", "Comma", "Semicolon", "Colon"]);

export interface Lexed {
  tokens: IToken[];
  comments: IToken[];
}

export function lex(text: string): Lexed {
  const r = AnetLexer.tokenize(text);
  return { tokens: r.tokens, comments: (r.groups["comments"] as IToken[] | undefined) ?? [] };
}

function classify(t: IToken, kindStarts: Set<number> | undefined, params: Set<string>): TokenType | undefined {
  const name = t.tokenType.name;
  if (KEYWORDS.has(name)) return "keyword";
  if (name === "NumberLiteral") return "number";
  if (name === "StringLiteral") return "string";
  if (name === "Identifier") {
    if (kindStarts ? kindStarts.has(t.startOffset) : layerKinds.has(t.image)) return "function";
    if (params.has(t.image)) return "parameter";
    return "property";
  }
  return PUNCTUATION.has(name) ? undefined : "operator";
}

/** LSP's relative encoding: Δline, Δstart (from the previous token on the line), length, type, modifiers. */
export function semanticTokens(file: SourceFile, lexed: Lexed, spec: SpecNode | undefined): number[] {
  const kindStarts = spec ? new Set(layersOf(spec).map(({ layer }) => layer.layerKindSpan.start)) : undefined;
  const params = new Set(spec ? spec.params.map((p) => p.name) : [...file.text.matchAll(/\bparam\s+([A-Za-z_]\w*)/g)].map((m) => m[1]!));
  const pieces: Array<{ start: number; length: number; type: number }> = [];
  for (const t of lexed.tokens) {
    const type = classify(t, kindStarts, params);
    if (type) pieces.push({ start: t.startOffset, length: t.image.length, type: index(type) });
  }
  for (const c of lexed.comments) {
    // A token may not span lines: a block comment is one token per line.
    let start = c.startOffset;
    for (const line of c.image.split(/(?<=\r\n|\n|\r)/)) {
      const text = line.replace(/\r?\n$|\r$/, "");
      if (text.length) pieces.push({ start, length: text.length, type: index("comment") });
      start += line.length;
    }
  }
  pieces.sort((a, b) => a.start - b.start);
  const data: number[] = [];
  let line = 0;
  let char = 0;
  for (const p of pieces) {
    const pos = file.position(p.start);
    const l = pos.line - 1;
    const c = pos.column - 1;
    data.push(l - line, l === line ? c - char : c, p.length, p.type, 0);
    line = l;
    char = c;
  }
  return data;
}
