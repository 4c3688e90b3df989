/**
 * Expression evaluation, exactly, on rationals (src/resolve/rational.ts). Sizes must come out as whole
 * numbers, which the callers check. Every failure is a diagnostic at the offending sub-expression,
 * and evaluation goes on with `undefined` so later errors are still found.
 */
import type { BinaryOp, Expr, Span } from "../syntax/ast.js";
import { didYouMean, renameFix, type DiagnosticBag } from "../diagnostics/diagnostic.js";
import { decimalProblem, Rational } from "./rational.js";

/** A literal as quoted in a message: a 4,000-digit number is shown by its ends. */
function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 20)}…${text.slice(-12)} (${text.length} characters)` : text;
}

export interface Binding {
  value: Rational;
  span?: Span;
}

export type Scope = ReadonlyMap<string, Binding>;

/** Results larger than this many bits are refused: sizes never need them, and they cost time. */
const MAX_BITS = 4096;

type MathFn = (...args: Rational[]) => Rational;

/**
 * MobileNet's `_make_divisible(v, divisor)`: the nearest multiple of `divisor` (at least `divisor`),
 * rounded up when rounding down would lose more than 10%. Also what YOLO's width_multiple needs.
 */
function makeDivisible(v: Rational, divisor: Rational): Rational {
  const half = divisor.div(Rational.int(2));
  let result = v.add(half).div(divisor).floor().mul(divisor);
  if (result.cmp(divisor) < 0) result = divisor;
  if (result.cmp(v.mul(Rational.of(9n, 10n))) < 0) result = result.add(divisor);
  return result;
}

/** Functions expressions may call. Kept small and total on their domain. */
const functions: ReadonlyMap<string, { arity: number; fn: MathFn; doc: string }> = new Map<
  string,
  { arity: number; fn: MathFn; doc: string }
>([
  ["floor", { arity: 1, fn: (x) => x.floor(), doc: "round down" }],
  ["ceil", { arity: 1, fn: (x) => x.ceil(), doc: "round up" }],
  ["round", { arity: 1, fn: (x) => x.round(), doc: "round half away from zero" }],
  ["make_divisible", { arity: 2, fn: makeDivisible, doc: "MobileNet's rule: nearest multiple of d, never more than 10% down" }],
  ["min", { arity: 2, fn: (a, b) => (a.cmp(b) <= 0 ? a : b), doc: "the smaller" }],
  ["max", { arity: 2, fn: (a, b) => (a.cmp(b) >= 0 ? a : b), doc: "the larger" }],
]);

export function evaluate(expr: Expr, scope: Scope, bag: DiagnosticBag, source: (s: Span) => string): Rational | undefined {
  switch (expr.kind) {
    case "number": {
      const value = Rational.parseDecimal(expr.text);
      if (value instanceof Rational) return value;
      bag.add(
        "E0123",
        { quantity: `the number ${shorten(expr.text)}`, beyond: decimalProblem(value) },
        {
          span: expr.span,
          label: value === "too-many-digits" ? "too many digits" : "exponent out of range",
        },
      );
      return undefined;
    }
    case "string":
      bag.add("E0106", { what: "arithmetic", expected: "numbers, not strings" }, { span: expr.span, label: "a string" });
      return undefined;
    case "name": {
      const bound = scope.get(expr.name);
      if (bound) return bound.value;
      const guess = didYouMean(expr.name, scope.keys());
      bag.add(
        "E0101",
        { name: expr.name },
        {
          span: expr.span,
          label: "not a declared parameter",
          ...(guess ? { help: `did you mean '${guess}'?` } : { help: `declare it: param ${expr.name}: int = …` }),
          ...renameFix(expr.span, guess),
        },
      );
      return undefined;
    }
    case "call": {
      const f = functions.get(expr.callee);
      if (!f) {
        const guess = didYouMean(expr.callee, functions.keys());
        bag.add(
          "E0115",
          { name: expr.callee },
          {
            span: expr.calleeSpan,
            label: `expressions offer ${[...functions.keys()].join(", ")}`,
            ...(guess ? { help: `did you mean '${guess}'?` } : {}),
            ...renameFix(expr.calleeSpan, guess),
          },
        );
        return undefined;
      }
      if (expr.args.length !== f.arity || expr.args.some((a) => a.name !== undefined || isCompound(a.value.kind))) {
        bag.add("E0119", { function: expr.callee, arity: `${f.arity} number${f.arity === 1 ? "" : "s"}` }, { span: expr.span });
        return undefined;
      }
      const values = expr.args.map((a) => evaluate(a.value as Expr, scope, bag, source));
      if (values.some((v) => v === undefined)) return undefined;
      if (expr.callee === "make_divisible" && values[1]!.cmp(Rational.int(0)) <= 0) {
        bag.add("E0111", { what: "make_divisible's divisor", range: "above 0", value: `${values[1]}` }, { span: expr.args[1]!.span });
        return undefined;
      }
      return f.fn(...(values as Rational[]));
    }
    case "negate": {
      const v = evaluate(expr.operand, scope, bag, source);
      return v?.neg();
    }
    case "binary": {
      const l = evaluate(expr.left, scope, bag, source);
      const r = evaluate(expr.right, scope, bag, source);
      if (l === undefined || r === undefined) return undefined;
      if ((expr.op === "/" || expr.op === "%") && r.isZero) {
        bag.add(
          "E0109",
          { operation: expr.op === "/" ? "division" : "remainder" },
          {
            span: expr.span,
            label: `${source(expr.right.span)} is 0`,
          },
        );
        return undefined;
      }
      if (expr.op === "**" && !r.isInteger) {
        bag.add("E0110", { what: "the exponent", value: `${r}` }, { span: expr.right.span });
        return undefined;
      }
      if (expr.op === "**" && (r.num > 4096n || r.num < -4096n || l.bits * Math.abs(Number(r.num)) > MAX_BITS * 2)) {
        bag.add(
          "E0123",
          { quantity: source(expr.span), beyond: "is too large to compute" },
          { span: expr.span, label: "more than 4096 bits" },
        );
        return undefined;
      }
      if (expr.op === "**" && l.isZero && r.num < 0n) {
        bag.add("E0109", { operation: "zero to a negative power divides" }, { span: expr.span });
        return undefined;
      }
      const result = apply(expr.op, l, r);
      if (result.bits > MAX_BITS) {
        bag.add(
          "E0123",
          { quantity: source(expr.span), beyond: "is too large to compute" },
          { span: expr.span, label: "more than 4096 bits" },
        );
        return undefined;
      }
      return result;
    }
  }
}

function isCompound(kind: string): boolean {
  return kind === "dims" || kind === "arrow" || kind === "list" || kind === "record";
}

function apply(op: BinaryOp, l: Rational, r: Rational): Rational {
  switch (op) {
    case "+":
      return l.add(r);
    case "-":
      return l.sub(r);
    case "*":
      return l.mul(r);
    case "/":
      return l.div(r);
    case "%":
      return l.mod(r);
    case "**":
      return l.pow(r.num);
  }
}

/** How to turn a non-integer into a size, each rounding shown with its result. */
export function roundingHelp(source: string, value: Rational): string {
  const options = [
    `round(${source}) = ${value.round()}`,
    `floor(${source}) = ${value.floor()}`,
    `ceil(${source}) = ${value.ceil()}`,
    `make_divisible(${source}, 8) = ${makeDivisible(value, Rational.int(8))}`,
  ];
  return `round explicitly: ${options.join(", ")}`;
}
