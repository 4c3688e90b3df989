/**
 * Parameters: typed declarations with defaults and bounds, and the assignments that change them —
 * a variant's settings, then `--set` overrides (the later wins). Defaults are evaluated in order, so
 * a default that uses an earlier parameter sees its assigned value.
 */
import type { BoundOp, Expr, ParamNode, Span, SpecNode } from "../syntax/ast.js";
import { didYouMean, type DiagnosticBag } from "../diagnostics/diagnostic.js";
import { evaluate, roundingHelp, type Binding, type Scope } from "./eval.js";
import { Rational } from "./rational.js";

export type ParamType = "int" | "float";

export interface ResolvedParam {
  name: string;
  type: ParamType;
  value: Rational;
  bounds: Array<{ op: BoundOp; limit: Rational }>;
  span: Span;
  /** Who set the value, when not the default: `--set width=0.5`, `variant cifar`. */
  setBy?: string;
}

/** A value for a parameter from outside its declaration: a variant setting or `--set`. */
export interface Assignment {
  name: string;
  /** Either an exact value (--set) or an expression (a variant's `width = 0.5`). */
  value: Rational | Expr;
  origin: string;
  /** Where it was written, when in a spec: diagnostics point there. */
  nameSpan?: Span;
}

const TYPES: readonly ParamType[] = ["int", "float"];

export function resolveParams(
  spec: SpecNode,
  assignments: Assignment[],
  bag: DiagnosticBag,
  text: (s: Span) => string,
): { params: ResolvedParam[]; scope: Scope } {
  const params: ResolvedParam[] = [];
  const scope = new Map<string, Binding>();
  const declared = new Map<string, ParamNode>();
  for (const p of spec.params) {
    const first = declared.get(p.name);
    if (first) {
      bag.add(
        "E0102",
        { name: p.name },
        {
          span: p.nameSpan,
          label: "declared again here",
          related: [{ span: first.nameSpan, message: "first declared here" }],
        },
      );
      continue;
    }
    declared.set(p.name, p);
  }
  for (const a of assignments) {
    if (declared.has(a.name)) continue;
    const guess = didYouMean(a.name, declared.keys());
    const known = declared.size > 0 ? `the spec declares ${[...declared.keys()].join(", ")}` : "the spec declares no parameters";
    bag.add(
      "E0114",
      { origin: a.origin, kind: "parameter", name: a.name },
      {
        span: a.nameSpan,
        notes: [known],
        ...(guess ? { help: `did you mean '${guess}'?` } : {}),
      },
    );
  }
  for (const p of declared.values()) {
    if (p.type !== undefined && !TYPES.includes(p.type as ParamType)) {
      bag.add("E0118", { type: p.type }, { span: p.typeSpan, label: "expected int or float" });
      continue;
    }
    const resolved = resolveOne(p, assignments.filter((a) => a.name === p.name).at(-1), scope, bag, text);
    if (!resolved) continue;
    params.push(resolved);
    scope.set(p.name, { value: resolved.value, span: p.nameSpan });
  }
  return { params, scope };
}

function resolveOne(
  p: ParamNode,
  assigned: Assignment | undefined,
  scope: Scope,
  bag: DiagnosticBag,
  text: (s: Span) => string,
): ResolvedParam | undefined {
  const byDefault = evaluate(p.value, scope, bag, text);
  if (byDefault === undefined) return undefined;
  const type: ParamType =
    (p.type as ParamType | undefined) ??
    (byDefault.isInteger && !(p.value.kind === "number" && /[.eE]/.test(p.value.text)) ? "int" : "float");
  if (type === "int" && !byDefault.isInteger) {
    bag.add(
      "E0110",
      { what: `the default of int parameter '${p.name}'`, value: `${byDefault}` },
      {
        span: p.value.span,
        label: `${text(p.value.span)} = ${byDefault}`,
        help: roundingHelp(text(p.value.span), byDefault),
      },
    );
    return undefined;
  }
  // After a bad assignment the parameter keeps its default, so its uses do not cascade into
  // "unknown name" errors.
  let value = byDefault;
  if (assigned) {
    const v = assigned.value instanceof Rational ? assigned.value : evaluate(assigned.value, scope, bag, text);
    if (v !== undefined && type === "int" && !v.isInteger) {
      // From a spec's variant or the command line alike: the command line's has no span (see cli/commands/common.ts).
      bag.add(
        "E0110",
        { what: `${assigned.origin}: int parameter '${p.name}'`, value: `${v}` },
        {
          span: assigned.nameSpan,
          related: [{ span: p.nameSpan, message: `'${p.name}' is declared here` }],
        },
      );
    } else if (v !== undefined) value = v;
  }
  const bounds: ResolvedParam["bounds"] = [];
  for (const b of p.bounds) {
    const limit = evaluate(b.limit, scope, bag, text);
    if (limit === undefined) continue;
    bounds.push({ op: b.op, limit });
    if (!holds(value, b.op, limit)) {
      const source = assigned ? `${assigned.origin} gives ${value}` : `the default is ${value}`;
      bag.add(
        "E0161",
        { name: p.name, op: b.op, limit: `${limit}`, source },
        {
          span: assigned ? assigned.nameSpan : p.value.span,
          related: [{ span: b.span, message: `the bound is declared here` }],
        },
      );
    }
  }
  const resolved: ResolvedParam = { name: p.name, type, value, bounds, span: p.nameSpan };
  if (assigned) resolved.setBy = assigned.origin;
  return resolved;
}

function holds(v: Rational, op: BoundOp, limit: Rational): boolean {
  const c = v.cmp(limit);
  return op === ">=" ? c >= 0 : op === ">" ? c > 0 : op === "<=" ? c <= 0 : c < 0;
}

export function formatParams(params: ResolvedParam[]): string {
  return params.map((p) => `${p.name}=${p.value}`).join(", ");
}
