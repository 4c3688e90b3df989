/**
 * `alexc fmt`: one canonical layout for .anet, printed from the AST with every comment kept.
 *
 * Layout: two-space indents, one statement per line, at most one blank line kept where the source
 * had any, `name=value` arguments, `*` `/` `%` `**` tight and `+` `-` spaced (PEP 8's "x*2 - 1"),
 * dimensions `3x224x224` tight when all numbers, minimal parentheses. Comments stay where they
 * were relative to the statements: on their own line (re-indented) or trailing one (two spaces
 * after the code). Printing is idempotent: fmt(fmt(x)) = fmt(x), which tests check on every spec.
 */
import type { IToken } from "chevrotain";
import type {
  AllowNode,
  Arg,
  BlockNode,
  BoundNode,
  Expr,
  InputNode,
  LayerNode,
  ParamNode,
  SectionNode,
  SettingNode,
  SpecNode,
  Span,
  Value,
  VariantNode,
} from "./ast.js";
import { parse } from "./parse.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

const INDENT = "  ";

export interface FormatResult {
  /** Absent when the file does not parse: formatting needs a syntax tree. */
  text?: string;
  diagnostics: Diagnostic[];
}

export function formatSource(source: string): FormatResult {
  const parsed = parse(source);
  if (!parsed.ast) return { diagnostics: parsed.diagnostics };
  return { text: new Printer(source, parsed.comments).spec(parsed.ast), diagnostics: [] };
}

// ---------------------------------------------------------------------------------------------
// Values and expressions

const PRECEDENCE: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2, "%": 2, negate: 3, "**": 4 };

function precedence(e: Expr): number {
  if (e.kind === "binary") return PRECEDENCE[e.op]!;
  if (e.kind === "negate") return PRECEDENCE["negate"]!;
  return 5;
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case "number":
      return e.text;
    case "string":
      return JSON.stringify(e.value);
    case "name":
      return e.name;
    case "call":
      return `${e.callee}(${e.args.map(printArg).join(", ")})`;
    case "negate":
      return `-${wrap(e.operand, precedence(e.operand) < PRECEDENCE["negate"]! + 1 && e.operand.kind !== "negate")}`;
    case "binary": {
      const p = PRECEDENCE[e.op]!;
      // Right-associative `**` groups on the right; the others on the left. The other side keeps
      // parentheses at equal precedence, so the printed text parses back to the same tree.
      const left = e.op === "**" ? precedence(e.left) <= p : precedence(e.left) < p;
      const right = e.op === "**" ? precedence(e.right) < PRECEDENCE["negate"]! : precedence(e.right) <= p;
      const op = p === 1 ? ` ${e.op} ` : e.op;
      return `${wrap(e.left, left)}${op}${wrap(e.right, right)}`;
    }
  }
}

function wrap(e: Expr, parens: boolean): string {
  return parens ? `(${printExpr(e)})` : printExpr(e);
}

function printValue(v: Value): string {
  switch (v.kind) {
    case "dims":
      return v.items.every((i) => i.kind === "number") ? v.items.map(printExpr).join("x") : v.items.map(printExpr).join(" x ");
    case "arrow":
      return `${printExpr(v.from)} -> ${printExpr(v.to)}`;
    case "list":
      return `[${v.items.map(printValue).join(", ")}]`;
    case "record":
      return `{${v.entries.map((e) => `${e.key}: ${printValue(e.value)}`).join(", ")}}`;
    default:
      return printExpr(v);
  }
}

function printArg(a: Arg): string {
  return a.name === undefined ? printValue(a.value) : `${a.name}=${printValue(a.value)}`;
}

function printBound(b: BoundNode): string {
  return `${b.op} ${printExpr(b.limit)}`;
}

function printAllow(a: AllowNode): string {
  return `allow ${a.code} ${JSON.stringify(a.reason)}`;
}

function printLayer(l: LayerNode): string {
  const head = `${l.name !== undefined ? `${l.name}: ` : ""}${l.layerKind}${l.args.length ? `(${l.args.map(printArg).join(", ")})` : ""}`;
  return [head, ...l.allows.map(printAllow)].join(" ");
}

function printParam(p: ParamNode): string {
  const bounds = p.bounds.length ? ` where ${p.bounds.map(printBound).join(", ")}` : "";
  return `param ${p.name}${p.type !== undefined ? `: ${p.type}` : ""} = ${printExpr(p.value)}${bounds}`;
}

// ---------------------------------------------------------------------------------------------
// Statements and comments

type Item = { kind: "line"; span: Span; text: string } | { kind: "group"; span: Span; open: string; children: Item[]; closeAt: number };

class Printer {
  private out: string[] = [];
  private next = 0;
  /** Offset up to which the source has been printed, for blank-line detection. */
  private cursor = 0;

  constructor(
    private readonly source: string,
    private readonly comments: IToken[],
  ) {}

  spec(ast: SpecNode): string {
    const members: Item[] = [
      ...ast.params.map((p) => line(p.span, printParam(p))),
      ...ast.inputs.map((i) => inputLine(i)),
      ...ast.body.map((b) => (b.kind === "block" ? blockItem(b) : line(b.span, printLayer(b)))),
      ...ast.variants.map(variantItem),
      ...ast.sections.map(sectionItem),
    ].sort((a, b) => a.span.start - b.span.start);
    const root: Item = { kind: "group", span: ast.span, open: `model ${ast.name} {`, children: members, closeAt: ast.span.end - 1 };
    this.leading(root.span.start, 0);
    this.item(root, 0);
    this.leading(this.source.length + 1, 0);
    return this.out.join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
  }

  private item(item: Item, depth: number): void {
    const pad = INDENT.repeat(depth);
    if (item.kind === "line") {
      this.out.push(pad + item.text + this.trailing(item.span.end));
      this.cursor = Math.max(this.cursor, item.span.end);
      return;
    }
    // The group's opening line keeps comments written on it, e.g. `block features {  // …`.
    const brace = this.source.indexOf("{", item.span.start);
    this.out.push(pad + item.open + this.trailing(brace + 1));
    this.cursor = brace + 1;
    for (const child of item.children) {
      this.leading(child.span.start, depth + 1);
      this.item(child, depth + 1);
    }
    this.leading(item.closeAt, depth + 1);
    const last = this.out[this.out.length - 1]!;
    if (item.children.length === 0 && last === pad + item.open) this.out[this.out.length - 1] = `${last}}`;
    else this.out.push(`${pad}}`);
    this.cursor = item.closeAt + 1;
    this.out[this.out.length - 1] += this.trailing(item.closeAt + 1);
  }

  /** Own-line comments before `offset`, with a blank line wherever the source had one. */
  private leading(offset: number, depth: number): void {
    while (this.next < this.comments.length && this.comments[this.next]!.startOffset < offset) {
      const c = this.comments[this.next++]!;
      this.blankLineBefore(c.startOffset);
      this.out.push(INDENT.repeat(depth) + c.image.trimEnd());
      this.cursor = c.startOffset + c.image.length;
    }
    if (offset <= this.source.length) this.blankLineBefore(offset);
  }

  private blankLineBefore(offset: number): void {
    const gap = this.source.slice(this.cursor, offset);
    if (this.out.length > 0 && (gap.match(/\n/g)?.length ?? 0) >= 2 && this.out[this.out.length - 1] !== "") this.out.push("");
  }

  /** Comments inside the statement or after it on the same line are printed at its end. */
  private trailing(end: number): string {
    const parts: string[] = [];
    while (this.next < this.comments.length) {
      const c = this.comments[this.next]!;
      const sameLine = c.startOffset < end || !/\n/.test(this.source.slice(end, c.startOffset));
      if (!sameLine) break;
      parts.push(c.image.trimEnd());
      this.next++;
      this.cursor = Math.max(this.cursor, c.startOffset + c.image.length);
    }
    return parts.length ? `  ${parts.join(" ")}` : "";
  }
}

function line(span: Span, text: string): Item {
  return { kind: "line", span, text };
}

function inputLine(i: InputNode): Item {
  return line(i.span, `input ${printValue(i.value)}`);
}

function settingLine(s: SettingNode): Item {
  return line(s.span, `${s.name} = ${printValue(s.value)}`);
}

function blockItem(b: BlockNode): Item {
  return {
    kind: "group",
    span: b.span,
    open: `block ${b.name} {`,
    children: b.layers.map((l) => line(l.span, printLayer(l))),
    closeAt: b.span.end - 1,
  };
}

function variantItem(v: VariantNode): Item {
  const children = [...v.inputs.map(inputLine), ...v.settings.map(settingLine)].sort((a, b) => a.span.start - b.span.start);
  return { kind: "group", span: v.span, open: `variant ${v.name} {`, children, closeAt: v.span.end - 1 };
}

function sectionItem(s: SectionNode): Item {
  return { kind: "group", span: s.span, open: `${s.name} {`, children: s.settings.map(settingLine), closeAt: s.span.end - 1 };
}
