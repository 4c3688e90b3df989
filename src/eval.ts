/**
 * Expression evaluation. Numbers are IEEE doubles; sizes must come out as whole numbers, which the
 * caller checks with `expectInteger`. Every failure is a diagnostic at the offending sub-expression,
 * and evaluation goes on with `undefined` so later errors are still found.
 */
import type { BinaryOp, Expr, Span } from "./ast.js";
import { didYouMean, type DiagnosticBag } from "./diagnostics/diagnostic.js";

export interface Binding {
  value: number;
  span?: Span;
}

export type Scope = ReadonlyMap<string, Binding>;

type MathFn = (...args: number[]) => number;

/** Functions expressions may call. Kept small and total: every one is defined on all finite inputs. */
export const functions: ReadonlyMap<string, { arity: number; fn: MathFn }> = new Map<string, { arity: number; fn: MathFn }>([
  ["floor", { arity: 1, fn: Math.floor }],
  ["ceil", { arity: 1, fn: Math.ceil }],
  ["round", { arity: 1, fn: (x) => Math.sign(x) * Math.round(Math.abs(x)) }],
  ["min", { arity: 2, fn: Math.min }],
  ["max", { arity: 2, fn: Math.max }],
]);

export function evaluate(expr: Expr, scope: Scope, bag: DiagnosticBag, source: (s: Span) => string): number | undefined {
  switch (expr.kind) {
    case "number":
      if (!Number.isFinite(expr.value)) {
        bag.add("E0111", `the number ${expr.text} is too large`, { span: expr.span, label: "not a finite number" });
        return undefined;
      }
      return expr.value;
    case "string":
      bag.add("E0106", "a string cannot stand where a number is expected", { span: expr.span, label: "a string" });
      return undefined;
    case "name": {
      const bound = scope.get(expr.name);
      if (bound) return bound.value;
      const guess = didYouMean(expr.name, scope.keys());
      bag.add("E0101", `unknown name '${expr.name}'`, {
        span: expr.span,
        label: "not a declared parameter",
        ...(guess ? { help: `did you mean '${guess}'?` } : { help: `declare it: param ${expr.name}: int = …` }),
      });
      return undefined;
    }
    case "call": {
      const f = functions.get(expr.callee);
      if (!f) {
        const guess = didYouMean(expr.callee, functions.keys());
        bag.add("E0115", `unknown function '${expr.callee}'`, {
          span: expr.calleeSpan,
          label: `expressions offer ${[...functions.keys()].join(", ")}`,
          ...(guess ? { help: `did you mean '${guess}'?` } : {}),
        });
        return undefined;
      }
      if (expr.args.length !== f.arity || expr.args.some((a) => a.name !== undefined || isCompound(a.value.kind))) {
        bag.add("E0106", `${expr.callee} takes ${f.arity} number${f.arity === 1 ? "" : "s"}`, { span: expr.span });
        return undefined;
      }
      const values = expr.args.map((a) => evaluate(a.value as Expr, scope, bag, source));
      if (values.some((v) => v === undefined)) return undefined;
      return f.fn(...(values as number[]));
    }
    case "negate": {
      const v = evaluate(expr.operand, scope, bag, source);
      return v === undefined ? undefined : -v;
    }
    case "binary": {
      const l = evaluate(expr.left, scope, bag, source);
      const r = evaluate(expr.right, scope, bag, source);
      if (l === undefined || r === undefined) return undefined;
      if ((expr.op === "/" || expr.op === "%") && r === 0) {
        bag.add("E0109", `${expr.op === "/" ? "division" : "remainder"} by zero`, {
          span: expr.span,
          label: `${source(expr.right.span)} is 0`,
        });
        return undefined;
      }
      const result = apply(expr.op, l, r);
      if (!Number.isFinite(result)) {
        bag.add("E0111", `${source(expr.span)} is too large to compute`, { span: expr.span, label: "overflows a 64-bit float" });
        return undefined;
      }
      return result;
    }
  }
}

function isCompound(kind: string): boolean {
  return kind === "dims" || kind === "arrow" || kind === "list" || kind === "record";
}

function apply(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      return l / r;
    case "%":
      return l - r * Math.floor(l / r);
    case "**":
      return l ** r;
  }
  return NaN;
}

/** True when the expression is more than a bare literal, so a derivation `128*6*6 = 4608` is worth printing. */
export function isComputed(expr: Expr): boolean {
  return expr.kind !== "number";
}
