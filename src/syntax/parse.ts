/**
 * Stage 1: text → tokens → CST → AST. Lexing and parsing both recover, so a file with several
 * syntax errors reports all of them in one run; the AST is built only from an error-free CST.
 */
import type { CstNode, IToken, IRecognitionException } from "chevrotain";
import { AnetLexer, StringLiteral, UnterminatedComment } from "../../grammar/tokens.js";
import { escapedByte } from "./read.js";
import { SourceFile } from "../diagnostics/source.js";
import { parser, BaseCstVisitor } from "../../grammar/parser.js";
import type {
  Arg,
  BinaryOp,
  BlockNode,
  BoundNode,
  BoundOp,
  Expr,
  LayerNode,
  SpecNode,
  Span,
  Value,
  AllowNode,
  SettingNode,
  SectionNode,
  ParamNode,
  InputNode,
  RecordEntry,
  VariantNode,
} from "./ast.js";
import { diag, type Diagnostic } from "../diagnostics/diagnostic.js";
import { maxOf, minOf } from "../util/numbers.js";

export interface ParseResult {
  ast?: SpecNode;
  diagnostics: Diagnostic[];
  /** Comment tokens, kept for tools that re-print the source. */
  comments: IToken[];
  /** Findings past the cap that were counted but not built (see capDiagnostics). */
  omitted?: number;
}

export function parse(text: string): ParseResult {
  const lines = new SourceFile("", text);
  const lineOf = (offset: number): number => lines.position(offset).line;
  const encoding = encodingProblems(text, lineOf);
  const diagnostics: Diagnostic[] = encoding.diagnostics;
  let omitted = encoding.omitted;
  // A file with more undecodable lines than are reported is binary: lexing it only adds noise.
  if (omitted > 0) return { diagnostics, comments: [], omitted };
  const lexed = AnetLexer.tokenize(text);
  for (const e of lexed.errors) {
    const ch = text.slice(e.offset, e.offset + e.length);
    if (escapedByte(ch.charCodeAt(0)) !== undefined || /^[\uD800-\uDFFF]/u.test(ch)) continue; // reported as E0004 above
    // Past the cap, findings are counted, not built: a megabyte of noise has 100,000 of them.
    if (diagnostics.length >= MAX_DIAGNOSTICS) {
      omitted++;
      continue;
    }
    const letter = /\p{L}/u.test(ch);
    diagnostics.push(
      diag(
        "E0001",
        { chars: describeChars(ch) },
        {
          span: { start: e.offset, end: e.offset + Math.max(1, e.length) },
          label: letter ? "names use ASCII letters, digits and _" : "not part of any .anet token",
          ...(letter ? { help: "write the name in ASCII, e.g. a transliteration; comments may use any characters" } : {}),
        },
      ),
    );
  }
  const keep = (d: Diagnostic): void => {
    if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(d);
    else omitted++;
  };
  const unterminated = (lexed.groups["unterminated"] as IToken[] | undefined) ?? [];
  for (const t of unterminated) keep(unterminatedDiagnostic(t));
  for (const t of lexed.tokens) if (t.tokenType === StringLiteral) for (const d of stringProblems(t)) keep(d);
  const tooDeep = nestingProblem(lexed.tokens);
  if (tooDeep) return { diagnostics: [...diagnostics, tooDeep], comments: [], omitted };
  parser.input = lexed.tokens;
  const cst = parser.spec();
  // A syntax error on a line that already has a lexical one, or after an unterminated comment
  // (which swallowed the rest of the file), is a consequence, not news.
  const lexicalLines = new Set(diagnostics.map((d) => lineOf(d.span!.start)));
  const swallowedFrom = unterminated.find((t) => t.tokenType === UnterminatedComment)?.startOffset ?? Infinity;
  // Recovery can cascade: after one error the rest of its line often fails too. Keep the first
  // error of each line, which is the one a person has to fix.
  let lastLine = -1;
  for (const e of parser.errors) {
    const d = syntaxDiagnostic(e, text, lineOf);
    const line = lineOf(d.span!.start);
    if (line !== lastLine && !lexicalLines.has(line) && d.span!.start < swallowedFrom) keep(d);
    lastLine = line;
  }
  const comments = (lexed.groups["comments"] as IToken[] | undefined) ?? [];
  if (diagnostics.length > 0) return { diagnostics, comments, omitted };
  return { ast: astBuilder.visit(cst) as SpecNode, diagnostics, comments, omitted };
}

/**
 * Bytes that are not UTF-8 arrive as U+DC80+byte (src/syntax/read.ts); any other lone surrogate can only
 * come through the API. One diagnostic per line, so a binary file does not print thousands.
 */
function encodingProblems(text: string, lineOf: (offset: number) => number): { diagnostics: Diagnostic[]; omitted: number } {
  const out: Diagnostic[] = [];
  let omitted = 0;
  const lone = /[\uD800-\uDFFF]/gu;
  let lastLine = -1;
  for (let m = lone.exec(text); m; m = lone.exec(text)) {
    const line = lineOf(m.index);
    if (line === lastLine) continue;
    lastLine = line;
    if (out.length >= MAX_DIAGNOSTICS) {
      omitted++;
      continue;
    }
    const byte = escapedByte(m[0].charCodeAt(0));
    const what =
      byte === undefined
        ? `a lone surrogate U+${m[0].charCodeAt(0).toString(16).toUpperCase()}`
        : `byte 0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    out.push(
      diag(
        "E0004",
        { problem: what },
        {
          span: { start: m.index, end: m.index + 1 },
          label: "not UTF-8",
          help: "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`); alexc does not guess encodings, and fmt leaves such files alone",
        },
      ),
    );
  }
  return { diagnostics: out, omitted };
}

function unterminatedDiagnostic(t: IToken): Diagnostic {
  if (t.tokenType === UnterminatedComment) {
    return diag(
      "E0006",
      {},
      {
        span: { start: t.startOffset, end: t.startOffset + 2 },
        label: "the comment starts here and runs to the end of the file",
        help: "close it with */",
      },
    );
  }
  return diag(
    "E0160",
    {},
    {
      span: { start: t.startOffset, end: t.startOffset + 1 },
      label: "the string starts here",
      help: 'close it with " on the same line; strings cannot span lines',
    },
  );
}

/**
 * The string escape grammar: `\"`, `\\`, `\n` and `\t`, nothing else. Any other backslash (a
 * Windows path) and any raw control character (TAB included) is E0005 at that character, so
 * every string that parses has exactly one meaning and `unquote` cannot fail.
 */
const STRING_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["\\", "\\"],
  ["n", "\n"],
  ["t", "\t"],
]);

function stringProblems(t: IToken): Diagnostic[] {
  const out: Diagnostic[] = [];
  const image = t.image;
  for (let i = 1; i < image.length - 1; i++) {
    const c = image.charCodeAt(i);
    const at = { start: t.startOffset + i, end: t.startOffset + i + 1 };
    if (c === 0x5c) {
      const next = image[i + 1]!;
      if (!STRING_ESCAPES.has(next)) {
        out.push(
          diag(
            "E0005",
            { problem: `unknown escape '\\${describeEscape(next)}'` },
            {
              span: { start: at.start, end: at.end + 1 },
              label: 'strings know \\", \\\\, \\n and \\t',
              help: "write \\\\ for a backslash; in paths, / works on every system (C:/data)",
            },
          ),
        );
      }
      i++;
    } else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) {
      out.push(
        diag(
          "E0005",
          { problem: `a control character (${describeChars(image[i]!)}${c === 9 ? ", a tab" : ""})` },
          {
            span: at,
            label: "control characters are not allowed in strings",
            help: c === 9 ? "write \\t for a tab" : "remove it; write \\n or \\t for a line break or a tab",
          },
        ),
      );
    }
    if (out.length >= 10) break;
  }
  return out;
}

function describeEscape(ch: string): string {
  return /[\x21-\x7e]/.test(ch) ? ch : describeChars(ch);
}

/** The value of a string token; total, because `stringProblems` has already refused anything odd. */
export function unquote(image: string): string {
  const body = image.slice(1, image.endsWith('"') && image.length >= 2 ? -1 : undefined);
  return body.replace(/\\(.)/gsu, (_m, ch: string) => STRING_ESCAPES.get(ch) ?? ch);
}

/**
 * Limits that keep every later stage's recursion far from the stack's end. Nesting counts brackets
 * and the right-recursive operators (unary minus, `**`), which recurse just as deeply: the fuzzer
 * found that chevrotain's error recovery overflows the stack at 130 to 250 levels, so the limit is
 * well below that; no network needs more than a handful.
 */
const MAX_NESTING = 64;
const MAX_OPERATORS = 1000;
/** Lexical and syntax errors built per file; more are only counted. Above the compiler's own cap. */
const MAX_DIAGNOSTICS = 200;

const OPEN = new Set(["LParen", "LBracket", "LBrace"]);
const CLOSE = new Set(["RParen", "RBracket", "RBrace"]);
const OPERATORS = new Set(["Plus", "Minus", "Star", "Slash", "Percent", "Power"]);
const OPERAND_ENDS = new Set(["NumberLiteral", "Identifier", "StringLiteral", "RParen", "RBracket"]);

/**
 * The parser, the AST builder, the evaluator and the printer all recurse on nesting; hostile or
 * generated input (10,000 parentheses, a 100,000-term sum, `------1`) must get a diagnostic, not
 * a stack overflow. Checked on the token stream before parsing.
 */
function nestingProblem(tokens: IToken[]): Diagnostic | undefined {
  let depth = 0;
  let operators = 0;
  let rightNested = 0;
  let previous: string | undefined;
  for (const t of tokens) {
    const name = t.tokenType.name;
    if (OPEN.has(name)) depth++;
    else if (CLOSE.has(name)) depth = Math.max(0, depth - 1);
    const continues = OPERATORS.has(name) || OPEN.has(name) || CLOSE.has(name) || name === "NumberLiteral" || name === "Identifier";
    operators = OPERATORS.has(name) ? operators + 1 : continues ? operators : 0;
    const unaryMinus = name === "Minus" && (previous === undefined || !OPERAND_ENDS.has(previous));
    rightNested = name === "Power" || unaryMinus ? rightNested + 1 : continues ? rightNested : 0;
    previous = name;
    if (depth + rightNested > MAX_NESTING) {
      return diag(
        "E0003",
        { construct: "brackets, unary minus and ** nested", limit: MAX_NESTING, unit: "deep" },
        {
          span: tokenSpan(t),
          label: `level ${depth + rightNested}`,
          help: "flatten the expression; no network needs this depth",
        },
      );
    }
    if (operators > MAX_OPERATORS) {
      return diag(
        "E0003",
        { construct: "an expression with", limit: MAX_OPERATORS, unit: "operators" },
        {
          span: tokenSpan(t),
          label: "too long",
          help: "split it into parameters",
        },
      );
    }
  }
  return undefined;
}

function describeChars(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(ch) ? `'${ch}' (${hex})` : hex;
}

function syntaxDiagnostic(e: IRecognitionException, text: string, lineOf: (offset: number) => number): Diagnostic {
  const token = e.token;
  const atEnd = token.tokenType?.name === "EOF" || Number.isNaN(token.startOffset);
  const previous = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
  const hasPrevious = previous !== undefined && !Number.isNaN(previous.startOffset) && previous.tokenType?.name !== "EOF";
  const name = token.tokenType?.name;
  const previousName = hasPrevious ? previous.tokenType.name : undefined;
  if (!atEnd && name === "Comma" && (previousName === "Comma" || previousName === "LParen" || previousName === "LBracket")) {
    return diag(
      "E0002",
      {
        expected: "an argument",
        actual: `found an empty one: ${previousName === "Comma" ? "two commas in a row" : `'${previous!.image}' is followed by a comma`}`,
      },
      {
        span: tokenSpan(token),
        label: "nothing before this comma",
        help: "remove the extra comma",
      },
    );
  }
  if (hasPrevious && !atEnd) {
    // Something missing at the end of a line (a ')' most often) is reported there, not at
    // whatever starts the next line.
    const end = previous.startOffset + previous.image.length;
    const lineBreak = /[\n\r]/.test(text.slice(end, token.startOffset));
    if (lineBreak) {
      const nextLine = lineOf(token.startOffset);
      const { expected, found } = expectedAndFound(e.message);
      return diag(
        "E0002",
        { expected, actual: `but the line ends (line ${nextLine} starts with ${found})` },
        {
          span: { start: end, end },
          label: "expected here",
        },
      );
    }
  }
  const span: Span = atEnd
    ? { start: text.length, end: text.length }
    : { start: token.startOffset, end: token.startOffset + Math.max(1, token.image.length) };
  const { expected, found } = expectedAndFound(e.message);
  return diag("E0002", { expected, actual: `found ${found}` }, { span, label: atEnd ? "file ends here" : "unexpected here" });
}

/** grammar/messages.ts words every syntax error "expected …, found …"; E0002's template rejoins the parts. */
function expectedAndFound(message: string): { expected: string; found: string } {
  const m = /^expected (.*), found (.+)$/s.exec(message);
  // A message chevrotain wrote itself (none is known to reach here) is kept whole.
  return m ? { expected: m[1]!, found: m[2]! } : { expected: "valid .anet", found: message };
}

// ---------------------------------------------------------------------------------------------
// CST → AST

type Ctx = Record<string, Array<CstNode | IToken> | undefined>;

function tokenSpan(t: IToken): Span {
  // Offsets only (no line tracking, for speed): the end comes from the image.
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

function tok(ctx: Ctx, key: string, index = 0): IToken {
  return ctx[key]![index] as IToken;
}

function node(ctx: Ctx, key: string, index = 0): CstNode {
  return ctx[key]![index] as CstNode;
}

function nodes(ctx: Ctx, key: string): CstNode[] {
  return (ctx[key] ?? []) as CstNode[];
}

function tokens(ctx: Ctx, key: string): IToken[] {
  return (ctx[key] ?? []) as IToken[];
}

function numberValue(image: string): number {
  return Number(image.replace(/_/g, ""));
}

/** Operators and operands of a left-associative chain, in source order. */
function foldLeft(operands: Expr[], ops: IToken[]): Expr {
  let result = operands[0]!;
  ops.forEach((op, i) => {
    const right = operands[i + 1]!;
    result = { kind: "binary", op: op.image as BinaryOp, left: result, right, span: { start: result.span.start, end: right.span.end } };
  });
  return result;
}

/** Tokens of two alternatives land in separate arrays; merge them back into source order. */
function inOrder(...groups: IToken[][]): IToken[] {
  return groups.flat().sort((a, b) => a.startOffset - b.startOffset);
}

class AstBuilder extends BaseCstVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  spec(ctx: Ctx, _node: unknown, _self?: CstNode): SpecNode {
    const name = tok(ctx, "name");
    const spec: SpecNode = {
      name: name.image,
      nameSpan: tokenSpan(name),
      params: [],
      inputs: [],
      body: [],
      sections: [],
      variants: [],
      span: { start: 0, end: 0 },
    };
    for (const m of nodes(ctx, "member")) this.visit(m, spec);
    spec.span = spanOfTokens(ctx);
    return spec;
  }

  member(ctx: Ctx, spec: SpecNode): void {
    if (ctx["paramDecl"]) spec.params.push(this.visit(node(ctx, "paramDecl")) as ParamNode);
    else if (ctx["inputDecl"]) spec.inputs.push(this.visit(node(ctx, "inputDecl")) as InputNode);
    else if (ctx["blockDecl"]) spec.body.push(this.visit(node(ctx, "blockDecl")) as BlockNode);
    else if (ctx["variantDecl"]) spec.variants.push(this.visit(node(ctx, "variantDecl")) as VariantNode);
    else if (ctx["section"]) spec.sections.push(this.visit(node(ctx, "section")) as SectionNode);
    else if (ctx["layer"]) spec.body.push(this.visit(node(ctx, "layer")) as LayerNode);
  }

  paramDecl(ctx: Ctx): ParamNode {
    const name = tok(ctx, "name");
    const type = ctx["type"] ? tok(ctx, "type") : undefined;
    const value = this.visit(node(ctx, "value")) as Expr;
    const bounds = nodes(ctx, "bound").map((b) => this.visit(b) as BoundNode);
    const end = bounds.length > 0 ? bounds[bounds.length - 1]!.span.end : value.span.end;
    const p: ParamNode = {
      name: name.image,
      nameSpan: tokenSpan(name),
      value,
      bounds,
      span: { start: tok(ctx, "Param").startOffset, end },
    };
    if (type) {
      p.type = type.image;
      p.typeSpan = tokenSpan(type);
    }
    return p;
  }

  bound(ctx: Ctx): BoundNode {
    const op = tok(ctx, "op");
    const limit = this.visit(node(ctx, "limit")) as Expr;
    const normal: Record<string, BoundOp> = { "≥": ">=", "≤": "<=" };
    return { op: normal[op.image] ?? (op.image as BoundOp), limit, span: { start: op.startOffset, end: limit.span.end } };
  }

  variantDecl(ctx: Ctx): VariantNode {
    const name = tok(ctx, "name");
    return {
      name: name.image,
      nameSpan: tokenSpan(name),
      settings: nodes(ctx, "setting").map((s) => this.visit(s) as SettingNode),
      inputs: nodes(ctx, "inputDecl").map((i) => this.visit(i) as InputNode),
      span: { start: tok(ctx, "Variant").startOffset, end: tok(ctx, "RBrace").startOffset + 1 },
    };
  }

  inputDecl(ctx: Ctx): InputNode {
    const value = this.visit(node(ctx, "value")) as Value;
    return { value, span: { start: tok(ctx, "Input").startOffset, end: value.span.end } };
  }

  blockDecl(ctx: Ctx): BlockNode {
    const name = tok(ctx, "name");
    return {
      kind: "block",
      name: name.image,
      nameSpan: tokenSpan(name),
      layers: nodes(ctx, "layer").map((l) => this.visit(l) as LayerNode),
      span: { start: tok(ctx, "Block").startOffset, end: tok(ctx, "RBrace").startOffset + 1 },
    };
  }

  section(ctx: Ctx): SectionNode {
    const name = tok(ctx, "name");
    return {
      name: name.image,
      nameSpan: tokenSpan(name),
      settings: nodes(ctx, "setting").map((s) => this.visit(s) as SettingNode),
      span: { start: name.startOffset, end: tok(ctx, "RBrace").startOffset + 1 },
    };
  }

  setting(ctx: Ctx): SettingNode {
    const name = tok(ctx, "name");
    const value = this.visit(node(ctx, "value")) as Value;
    return { name: name.image, nameSpan: tokenSpan(name), value, span: { start: name.startOffset, end: value.span.end } };
  }

  layer(ctx: Ctx, _param: unknown): LayerNode {
    const kind = tok(ctx, "kind");
    const name = ctx["name"] ? tok(ctx, "name") : undefined;
    const args = ctx["argList"] ? (this.visit(node(ctx, "argList")) as Arg[]) : [];
    const allows = nodes(ctx, "allowClause").map((a) => this.visit(a) as AllowNode);
    const start = name ? name.startOffset : kind.startOffset;
    const closing = ctx["RParen"] ? tok(ctx, "RParen").startOffset + 1 : kind.startOffset + kind.image.length;
    const end = allows.length > 0 ? allows[allows.length - 1]!.span.end : closing;
    const layer: LayerNode = {
      kind: "layer",
      layerKind: kind.image,
      layerKindSpan: tokenSpan(kind),
      args,
      allows,
      headSpan: { start, end: closing },
      span: { start, end },
    };
    if (name) {
      layer.name = name.image;
      layer.nameSpan = tokenSpan(name);
    }
    return layer;
  }

  allowClause(ctx: Ctx): AllowNode {
    const code = tok(ctx, "code");
    const reason = tok(ctx, "reason");
    return {
      code: code.image,
      codeSpan: tokenSpan(code),
      reason: unquote(reason.image),
      span: { start: tok(ctx, "Allow").startOffset, end: tokenSpan(reason).end },
    };
  }

  argList(ctx: Ctx): Arg[] {
    return nodes(ctx, "arg").map((a) => this.visit(a) as Arg);
  }

  arg(ctx: Ctx): Arg {
    const value = this.visit(node(ctx, "value")) as Value;
    if (!ctx["name"]) return { value, span: value.span };
    const name = tok(ctx, "name");
    return { name: name.image, nameSpan: tokenSpan(name), value, span: { start: name.startOffset, end: value.span.end } };
  }

  value(ctx: Ctx): Value {
    if (ctx["list"]) return this.visit(node(ctx, "list")) as Value;
    if (ctx["record"]) return this.visit(node(ctx, "record")) as Value;
    const first = this.visit(node(ctx, "first")) as Expr;
    if (ctx["dims"]) {
      const items = [first, ...nodes(ctx, "dims").map((d) => this.visit(d) as Expr)];
      return { kind: "dims", items, span: { start: first.span.start, end: items[items.length - 1]!.span.end } };
    }
    if (ctx["to"]) {
      const to = this.visit(node(ctx, "to")) as Expr;
      return { kind: "arrow", from: first, to, span: { start: first.span.start, end: to.span.end } };
    }
    return first;
  }

  list(ctx: Ctx): Value {
    return {
      kind: "list",
      items: nodes(ctx, "value").map((v) => this.visit(v) as Value),
      span: { start: tok(ctx, "LBracket").startOffset, end: tok(ctx, "RBracket").startOffset + 1 },
    };
  }

  record(ctx: Ctx): Value {
    const keys = tokens(ctx, "key");
    const values = nodes(ctx, "value");
    const entries: RecordEntry[] = keys.map((k, i) => ({ key: k.image, keySpan: tokenSpan(k), value: this.visit(values[i]!) as Value }));
    return { kind: "record", entries, span: { start: tok(ctx, "LBrace").startOffset, end: tok(ctx, "RBrace").startOffset + 1 } };
  }

  expression(ctx: Ctx): Expr {
    return foldLeft(
      nodes(ctx, "operands").map((o) => this.visit(o) as Expr),
      inOrder(tokens(ctx, "ops")),
    );
  }

  term(ctx: Ctx): Expr {
    return foldLeft(
      nodes(ctx, "operands").map((o) => this.visit(o) as Expr),
      inOrder(tokens(ctx, "ops")),
    );
  }

  unary(ctx: Ctx, _p: unknown): Expr {
    if (ctx["power"]) return this.visit(node(ctx, "power")) as Expr;
    const operand = this.visit(node(ctx, "unary")) as Expr;
    return { kind: "negate", operand, span: { start: tok(ctx, "Minus").startOffset, end: operand.span.end } };
  }

  power(ctx: Ctx): Expr {
    const base = this.visit(node(ctx, "base")) as Expr;
    if (!ctx["exponent"]) return base;
    const exponent = this.visit(node(ctx, "exponent")) as Expr;
    return { kind: "binary", op: "**", left: base, right: exponent, span: { start: base.span.start, end: exponent.span.end } };
  }

  primary(ctx: Ctx): Expr {
    if (ctx["NumberLiteral"]) {
      const t = tok(ctx, "NumberLiteral");
      return { kind: "number", value: numberValue(t.image), text: t.image, span: tokenSpan(t) };
    }
    if (ctx["StringLiteral"]) {
      const t = tok(ctx, "StringLiteral");
      return { kind: "string", value: unquote(t.image), span: tokenSpan(t) };
    }
    if (ctx["Identifier"]) {
      const t = tok(ctx, "Identifier");
      if (!ctx["LParen"]) return { kind: "name", name: t.image, span: tokenSpan(t) };
      const args = ctx["argList"] ? (this.visit(node(ctx, "argList")) as Arg[]) : [];
      return {
        kind: "call",
        callee: t.image,
        calleeSpan: tokenSpan(t),
        args,
        span: { start: t.startOffset, end: tok(ctx, "RParen").startOffset + 1 },
      };
    }
    const inner = this.visit(node(ctx, "expression")) as Expr;
    // Parentheses widen the span so a caret underlines `(a + b)` as written.
    return { ...inner, span: { start: tok(ctx, "LParen").startOffset, end: tok(ctx, "RParen").startOffset + 1 } };
  }
}

function spanOfTokens(ctx: Ctx): Span {
  const all = Object.values(ctx)
    .flat()
    .filter((x): x is IToken => !!x && "startOffset" in x && "image" in x);
  const starts = all.map((t) => t.startOffset);
  const ends = all.map((t) => t.startOffset + t.image.length);
  return { start: minOf(starts), end: maxOf(ends) };
}

const astBuilder = new AstBuilder();
