/**
 * The .anet lexicon.
 *
 * Order matters: chevrotain tries patterns in array order and takes the first match, so
 *  1. trivia (whitespace, comments) come first and are skipped;
 *  2. multi-character operators come before their one-character prefixes (`->` before `-`,
 *     `>=` before `>`, `**` before `*`; `//` starts a comment, so there is no `//` operator);
 *  3. numbers come before identifiers; `Cross` (the `x` in `3x224x224`) is a custom matcher placed
 *     before `Identifier` so that it wins only where a dimension separator can stand;
 *  4. keywords come before `Identifier` and name it as their `longer_alt`, so `inputs` or `models`
 *     stay identifiers while `input` and `model` are keywords.
 *
 * Layer kinds (`conv`, `relu`, …) are deliberately *not* keywords: they are looked up in the layer
 * table (src/layers/), so a new layer kind never touches the grammar.
 */
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";

const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
const LineComment = createToken({ name: "LineComment", pattern: /(?:\/\/|#)[^\n\r]*/, group: "comments" });
const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: "comments", line_breaks: true });
/**
 * Unterminated comments and strings are tokens of their own (in the "unterminated" group, which
 * the parser never sees) so they are reported as what they are, where they start, instead of as a
 * stray '/' or '"'. Each comes right after the complete form it would otherwise shadow.
 */
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: "unterminated",
  line_breaks: true,
});

export const Arrow = createToken({ name: "Arrow", pattern: /->|→/, label: "'->'" });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=|≥/, label: "'>='" });
export const LessEq = createToken({ name: "LessEq", pattern: /<=|≤/, label: "'<='" });
export const Greater = createToken({ name: "Greater", pattern: />/, label: "'>'" });
export const Less = createToken({ name: "Less", pattern: /</, label: "'<'" });
export const Power = createToken({ name: "Power", pattern: /\*\*/, label: "'**'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: "Percent", pattern: /%/, label: "'%'" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "'-'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /]/, label: "']'" });
export const LBrace = createToken({ name: "LBrace", pattern: /{/, label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: /}/, label: "'}'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "';'" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });

export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\n\r]|\\.)*"/, label: "a string" });
const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\n\r]|\\.)*\\?/, group: "unterminated" });
// Decimal only: 48, 0.5, 2e-4, 1_000. A leading sign is the unary minus operator.
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /(?:\d[\d_]*(?:\.\d[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/,
  label: "a number",
});

/**
 * `x` (or `×`) between dimensions. A custom matcher because `x` is also a fine name: it separates
 * dimensions only right after an operand on the same line (a number, a name or `)`), and, when
 * written with spaces (`3 x size`), only when an operand follows.
 */
function matchCross(text: string, offset: number, matched: IToken[]): RegExpExecArray | null {
  const ch = text[offset];
  if (ch !== "x" && ch !== "×") return null;
  const last = matched[matched.length - 1];
  if (!last || !OPERAND_ENDS.has(last.tokenType.name)) return null;
  const between = text.slice(last.startOffset + last.image.length, offset);
  if (ch === "×") return /^[ \t]*$/.test(between) ? execResult("×") : null;
  if (between === "") return last.tokenType.name === "Identifier" ? null : execResult("x");
  if (!/^[ \t]+$/.test(between)) return null;
  const after = text.slice(offset + 1);
  return /^[ \t]+[0-9(A-Za-z_]/.test(after) && !/^[ \t]+[A-Za-z_]\w*[ \t]*[:=]/.test(after) ? execResult("x") : null;
}

const OPERAND_ENDS = new Set(["NumberLiteral", "Identifier", "RParen"]);

function execResult(match: string): RegExpExecArray {
  const result = [match] as unknown as RegExpExecArray;
  return result;
}

export const Cross = createToken({
  name: "Cross",
  pattern: { exec: matchCross },
  start_chars_hint: ["x", "×"],
  line_breaks: false,
  label: "'x'",
});

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: "a name" });

function keyword(word: string): TokenType {
  return createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    label: `'${word}'`,
  });
}
export const Model = keyword("model");
export const Param = keyword("param");
export const Input = keyword("input");
export const Block = keyword("block");
export const Allow = keyword("allow");
export const Variant = keyword("variant");
export const Where = keyword("where");

export const keywords: TokenType[] = [Model, Param, Input, Block, Allow, Variant, Where];

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  Arrow,
  GreaterEq,
  LessEq,
  Greater,
  Less,
  Power,
  Star,
  Slash,
  Percent,
  Plus,
  Minus,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Semicolon,
  Colon,
  Equals,
  StringLiteral,
  UnterminatedString,
  NumberLiteral,
  Cross,
  ...keywords,
  Identifier,
];

/**
 * Pattern validations cost a sixth of chevrotain's start-up and can only fail when this file
 * changes: the shipped lexer skips them, and a test builds a validating one (`makeLexer(true)`).
 */
export function makeLexer(validate = false): Lexer {
  return new Lexer(allTokens, { positionTracking: "onlyOffset", ensureOptimizations: false, skipValidations: !validate });
}

export const AnetLexer = makeLexer();

export type { IToken };
