/**
 * The .anet syntax tree. Every node carries the span of source it came from, so any later stage can
 * point a diagnostic at exactly the text that caused it.
 */

import type { Span } from "../diagnostics/source.js";
export type { Span };

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "**";

export type Expr =
  | { kind: "number"; value: number; text: string; span: Span }
  | { kind: "string"; value: string; span: Span }
  | { kind: "name"; name: string; span: Span }
  | { kind: "call"; callee: string; calleeSpan: Span; args: Arg[]; span: Span }
  | { kind: "negate"; operand: Expr; span: Span }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; span: Span };

export type Value =
  | Expr
  /** `3x224x224`, `11x11` */
  | { kind: "dims"; items: Expr[]; span: Span }
  /** `128*6*6 -> 2048` */
  | { kind: "arrow"; from: Expr; to: Expr; span: Span }
  /** `[1, 2]` */
  | { kind: "list"; items: Value[]; span: Span }
  /** `{h: [1, 2], w: 1}` */
  | { kind: "record"; entries: RecordEntry[]; span: Span };

export interface RecordEntry {
  key: string;
  keySpan: Span;
  value: Value;
}

export interface Arg {
  /** Absent for positional arguments. */
  name?: string;
  nameSpan?: Span;
  value: Value;
  span: Span;
}

export interface AllowNode {
  code: string;
  codeSpan: Span;
  reason: string;
  span: Span;
}

export interface LayerNode {
  kind: "layer";
  name?: string;
  nameSpan?: Span;
  layerKind: string;
  layerKindSpan: Span;
  args: Arg[];
  allows: AllowNode[];
  /** The layer itself, from its name to its closing parenthesis: what diagnostics underline. */
  headSpan: Span;
  /** Including trailing `allow` clauses. */
  span: Span;
}

export interface BlockNode {
  kind: "block";
  name: string;
  nameSpan: Span;
  layers: LayerNode[];
  span: Span;
}

export type BoundOp = ">=" | ">" | "<=" | "<";

export interface BoundNode {
  op: BoundOp;
  limit: Expr;
  span: Span;
}

export interface ParamNode {
  name: string;
  nameSpan: Span;
  type?: string;
  typeSpan?: Span;
  value: Expr;
  bounds: BoundNode[];
  span: Span;
}

/** `variant flowers { num_classes = 5 }`: parameter values and optionally another input. */
export interface VariantNode {
  name: string;
  nameSpan: Span;
  settings: SettingNode[];
  inputs: InputNode[];
  span: Span;
}

export interface SettingNode {
  name: string;
  nameSpan: Span;
  value: Value;
  span: Span;
}

export interface SectionNode {
  name: string;
  nameSpan: Span;
  settings: SettingNode[];
  span: Span;
}

export interface InputNode {
  value: Value;
  span: Span;
}

export interface SpecNode {
  name: string;
  nameSpan: Span;
  params: ParamNode[];
  inputs: InputNode[];
  /** Blocks and top-level layers in source order: the network is their concatenation. */
  body: Array<BlockNode | LayerNode>;
  sections: SectionNode[];
  variants: VariantNode[];
  span: Span;
}
