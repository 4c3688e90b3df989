/**
 * The TextMate grammar of .anet for editors (editors/vscode/syntaxes/anet.tmLanguage.json, written by
 * `npm run textmate`), generated from the lexer's token list so the two cannot drift: every token
 * has a scope here or is named as having none, and a test fails when the committed file is stale.
 * Layer kinds are not keywords (see tokens.ts): any name before `(` is a call, and the language
 * server's semantic tokens say which calls are layers.
 */
import type { TokenType } from "chevrotain";
import { allTokens, keywords } from "./tokens.js";

/** The scope of each token, by name; null for tokens that have none (white space, punctuation). */
const SCOPES: Record<string, string | null> = {
  WhiteSpace: null,
  LineComment: "comment.line.anet",
  BlockComment: "comment.block.anet",
  UnterminatedComment: "comment.block.anet",
  Arrow: "keyword.operator.arrow.anet",
  GreaterEq: "keyword.operator.comparison.anet",
  LessEq: "keyword.operator.comparison.anet",
  Greater: "keyword.operator.comparison.anet",
  Less: "keyword.operator.comparison.anet",
  Power: "keyword.operator.arithmetic.anet",
  Star: "keyword.operator.arithmetic.anet",
  Slash: "keyword.operator.arithmetic.anet",
  Percent: "keyword.operator.arithmetic.anet",
  Plus: "keyword.operator.arithmetic.anet",
  Minus: "keyword.operator.arithmetic.anet",
  LParen: null,
  RParen: null,
  LBracket: null,
  RBracket: null,
  LBrace: null,
  RBrace: null,
  Comma: "punctuation.separator.anet",
  Semicolon: "punctuation.terminator.anet",
  Colon: "punctuation.separator.anet",
  Equals: "keyword.operator.assignment.anet",
  StringLiteral: "string.quoted.double.anet",
  UnterminatedString: "string.quoted.double.anet",
  NumberLiteral: "constant.numeric.anet",
  Cross: "keyword.operator.dimension.anet",
  Identifier: "variable.other.anet",
};
const KEYWORD_SCOPE = "keyword.control.anet";

function source(t: TokenType): string {
  const p = t.PATTERN;
  if (p instanceof RegExp) return p.source;
  throw new Error(`token ${t.name} has no regular expression`);
}

const byName = (name: string): TokenType => allTokens.find((t) => t.name === name)!;

/** The grammar as a JSON object; throws when a token has no scope decided above. */
export function textMateGrammar(): Record<string, unknown> {
  const keywordNames = new Set(keywords.map((k) => k.name));
  const undecided = allTokens.filter((t) => !keywordNames.has(t.name) && !(t.name in SCOPES)).map((t) => t.name);
  if (undecided.length) throw new Error(`grammar/textmate.ts: no scope for token ${undecided.join(", ")}`);
  const words = keywords.map(source).join("|");
  const operators = allTokens.filter((t) => SCOPES[t.name]?.startsWith("keyword.operator.") && t.name !== "Cross");
  return {
    $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
    name: "anet",
    scopeName: "source.anet",
    fileTypes: ["anet"],
    comment: "Generated from grammar/tokens.ts by npm run textmate: do not edit.",
    patterns: [
      { include: "#comments" },
      { include: "#strings" },
      { include: "#declarations" },
      { include: "#keywords" },
      { include: "#calls" },
      { include: "#dimensions" },
      { include: "#numbers" },
      { include: "#operators" },
      { include: "#names" },
    ],
    repository: {
      comments: {
        patterns: [
          { name: SCOPES["LineComment"], match: source(byName("LineComment")) },
          { name: SCOPES["BlockComment"], begin: "/\\*", end: "\\*/" },
        ],
      },
      strings: { name: SCOPES["StringLiteral"], match: source(byName("StringLiteral")) },
      declarations: {
        patterns: [
          {
            match: "\\b(model|block|variant)\\s+([A-Za-z_][A-Za-z0-9_]*)",
            captures: { "1": { name: KEYWORD_SCOPE }, "2": { name: "entity.name.type.anet" } },
          },
          {
            match: "\\b(param)\\s+([A-Za-z_][A-Za-z0-9_]*)",
            captures: { "1": { name: KEYWORD_SCOPE }, "2": { name: "variable.parameter.anet" } },
          },
          {
            match: "\\b(allow)\\s+([A-Za-z_][A-Za-z0-9_]*)",
            captures: { "1": { name: KEYWORD_SCOPE }, "2": { name: "constant.other.warning.anet" } },
          },
        ],
      },
      keywords: { name: KEYWORD_SCOPE, match: `\\b(?:${words})\\b` },
      calls: { match: "\\b([A-Za-z_][A-Za-z0-9_]*)\\s*(?=\\()", captures: { "1": { name: "entity.name.function.anet" } } },
      // `3x224x224`: the lexer's Cross matcher, as far as a regular expression can say it.
      dimensions: { match: "(?<=[0-9)])\\s*([x×])(?=\\s*[0-9A-Za-z_(])", captures: { "1": { name: SCOPES["Cross"] } } },
      numbers: { name: SCOPES["NumberLiteral"], match: `(?<![A-Za-z_0-9])${source(byName("NumberLiteral"))}` },
      operators: { patterns: operators.map((t) => ({ name: SCOPES[t.name], match: source(t) })) },
      names: { name: SCOPES["Identifier"], match: source(byName("Identifier")) },
    },
  };
}

export function textMateGrammarJson(): string {
  return `${JSON.stringify(textMateGrammar(), null, 2)}\n`;
}
