/**
 * The `init { … }` and `train { … }` sections: weight initialisation and training settings. Each
 * setting's value is a name (`zeros`, `cross_entropy`) or a call with named arguments
 * (`kaiming_normal(mode=fan_out, nonlinearity=relu)`, `adam(lr=0.0002)`), checked against the
 * tables below so a typo is an error with a suggestion, not a surprise at training time.
 */
import type { Expr, SectionNode, Span, Value } from "./ast.js";
import { didYouMean, type DiagnosticBag } from "./diagnostics/diagnostic.js";
import { evaluate, type Scope } from "./eval.js";
import { Rational } from "./rational.js";

/** A function-like setting value, e.g. adam(lr=0.0002), after checking its arguments. */
export interface Choice {
  fn: string;
  args: Record<string, number | string>;
}

export interface InitSettings {
  conv: Choice;
  dense: Choice;
  bias: Choice;
}

export interface TrainSettings {
  optimizer: Choice;
  loss: Choice;
  batch: number;
  epochs: number;
}

type ArgKind = { type: "number"; default: number; min?: number } | { type: "symbol"; default: string; values: string[] };

/** Each function a setting may name, with its arguments (all optional, with PyTorch's defaults). */
type FunctionTable = Record<string, Record<string, ArgKind>>;

const nonlinearity: ArgKind = { type: "symbol", default: "leaky_relu", values: ["relu", "leaky_relu", "linear", "tanh", "sigmoid"] };
const kaiming = { mode: { type: "symbol", default: "fan_in", values: ["fan_in", "fan_out"] }, nonlinearity, a: { type: "number", default: 0 } } satisfies Record<string, ArgKind>;

export const initFunctions: FunctionTable = {
  kaiming_normal: kaiming,
  kaiming_uniform: kaiming,
  xavier_normal: { gain: { type: "number", default: 1, min: 0 } },
  xavier_uniform: { gain: { type: "number", default: 1, min: 0 } },
  normal: { mean: { type: "number", default: 0 }, std: { type: "number", default: 1, min: 0 } },
  uniform: { a: { type: "number", default: 0 }, b: { type: "number", default: 1 } },
  constant: { value: { type: "number", default: 0 } },
  zeros: {},
  ones: {},
  /** nn.Conv2d / nn.Linear's own reset_parameters: U(±1/sqrt(fan_in)) for weights and biases. */
  pytorch_default: {},
};

export const optimizers: FunctionTable = {
  sgd: { lr: { type: "number", default: 0.01, min: 0 }, momentum: { type: "number", default: 0, min: 0 } },
  adam: {
    lr: { type: "number", default: 0.001, min: 0 },
    beta1: { type: "number", default: 0.9, min: 0 },
    beta2: { type: "number", default: 0.999, min: 0 },
    eps: { type: "number", default: 1e-8, min: 0 },
  },
  rmsprop: { lr: { type: "number", default: 0.01, min: 0 }, alpha: { type: "number", default: 0.99, min: 0 }, momentum: { type: "number", default: 0, min: 0 }, eps: { type: "number", default: 1e-8, min: 0 } },
};

export const losses: FunctionTable = {
  /** Softmax cross-entropy on logits, PyTorch's nn.CrossEntropyLoss. */
  cross_entropy: { label_smoothing: { type: "number", default: 0, min: 0 } },
};

const defaults = {
  init: { conv: { fn: "pytorch_default", args: {} }, dense: { fn: "pytorch_default", args: {} }, bias: { fn: "pytorch_default", args: {} } } as InitSettings,
  train: { optimizer: { fn: "adam", args: { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }, loss: { fn: "cross_entropy", args: { label_smoothing: 0 } }, batch: 32, epochs: 10 } as TrainSettings,
};

const sectionKeys: Record<string, Record<string, FunctionTable | "count">> = {
  init: { conv: initFunctions, dense: initFunctions, bias: initFunctions },
  train: { optimizer: optimizers, loss: losses, batch: "count", epochs: "count" },
};

export function readSections(sections: SectionNode[], scope: Scope, bag: DiagnosticBag, text: (s: Span) => string): { init: InitSettings; train: TrainSettings } {
  const out = { init: { ...defaults.init }, train: { ...defaults.train } };
  const seen = new Map<string, Span>();
  for (const section of sections) {
    // The matrix section lists parameter values to check in combination (src/variants.ts).
    if (section.name === "matrix") continue;
    const keys = sectionKeys[section.name];
    if (!keys) {
      const guess = didYouMean(section.name, [...Object.keys(sectionKeys), "matrix"]);
      bag.add("E0113", `unknown section '${section.name}'`, { span: section.nameSpan, help: guess ? `did you mean '${guess}'?` : "sections: init, train, matrix" });
      continue;
    }
    if (seen.has(section.name)) {
      bag.add("E0113", `section '${section.name}' appears twice`, { span: section.nameSpan, related: [{ span: seen.get(section.name)!, message: "first here" }] });
      continue;
    }
    seen.set(section.name, section.nameSpan);
    const target = out[section.name as "init" | "train"] as unknown as Record<string, unknown>;
    const given = new Set<string>();
    for (const s of section.settings) {
      const table = keys[s.name];
      if (!table) {
        const guess = didYouMean(s.name, Object.keys(keys));
        bag.add("E0113", `${section.name} has no setting '${s.name}'`, { span: s.nameSpan, help: guess ? `did you mean '${guess}'?` : `${section.name} settings: ${Object.keys(keys).join(", ")}` });
        continue;
      }
      if (given.has(s.name)) {
        bag.add("E0108", `'${s.name}' is set twice`, { span: s.nameSpan });
        continue;
      }
      given.add(s.name);
      const value = table === "count" ? readCount(s.value, scope, bag, text, `${section.name}.${s.name}`) : readChoice(s.value, table, scope, bag, text, `${section.name}.${s.name}`);
      if (value !== undefined) target[s.name] = value;
    }
  }
  return out;
}

function readCount(v: Value, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string): number | undefined {
  if (v.kind === "dims" || v.kind === "arrow" || v.kind === "list" || v.kind === "record") {
    bag.add("E0106", `${what} takes one whole number`, { span: v.span });
    return undefined;
  }
  const n = evaluate(v, scope, bag, text);
  if (n === undefined) return undefined;
  if (!n.isInteger || n.cmp(Rational.int(1)) < 0 || n.cmp(Rational.int(2 ** 31)) > 0) {
    bag.add(n.isInteger ? "E0111" : "E0110", `${what} must be a whole number from 1 to 2^31, got ${n}`, { span: v.span });
    return undefined;
  }
  return n.toNumber();
}

function readChoice(v: Value, table: FunctionTable, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string): Choice | undefined {
  const head = v.kind === "name" ? { name: v.name, span: v.span, args: [] } : v.kind === "call" ? { name: v.callee, span: v.calleeSpan, args: v.args } : undefined;
  if (!head) {
    bag.add("E0106", `${what} takes one of ${Object.keys(table).join(", ")}`, { span: v.span });
    return undefined;
  }
  const spec = table[head.name];
  if (!spec) {
    const guess = didYouMean(head.name, Object.keys(table));
    bag.add("E0113", `${what}: unknown choice '${head.name}'`, { span: head.span, help: guess ? `did you mean '${guess}'?` : `choices: ${Object.keys(table).join(", ")}` });
    return undefined;
  }
  const args: Record<string, number | string> = {};
  for (const [k, kind] of Object.entries(spec)) args[k] = kind.default;
  const names = Object.keys(spec);
  let ok = true;
  head.args.forEach((arg, i) => {
    const name = arg.name ?? names[i];
    const kind = name === undefined ? undefined : spec[name];
    if (!kind || name === undefined) {
      const guess = arg.name ? didYouMean(arg.name, names) : undefined;
      bag.add("E0104", `${head.name} has no argument ${arg.name ? `'${arg.name}'` : `at position ${i + 1}`}`, {
        span: arg.nameSpan ?? arg.span,
        help: guess ? `did you mean '${guess}'?` : names.length ? `${head.name} takes ${names.join(", ")}` : `${head.name} takes no arguments`,
      });
      ok = false;
      return;
    }
    if (!isPlain(arg.value)) {
      bag.add("E0106", `${head.name}: ${name} takes one value`, { span: arg.value.span });
      ok = false;
      return;
    }
    const value = arg.value;
    if (kind.type === "symbol") {
      const sym = value.kind === "name" ? value.name : undefined;
      if (sym === undefined || !kind.values.includes(sym)) {
        bag.add("E0106", `${head.name}: ${name} must be one of ${kind.values.join(", ")}`, { span: value.span });
        ok = false;
      } else args[name] = sym;
      return;
    }
    const n = evaluate(value, scope, bag, text);
    if (n === undefined) ok = false;
    else if (kind.min !== undefined && n.cmp(Rational.fromNumber(kind.min)) < 0) {
      bag.add("E0111", `${head.name}: ${name} must be ≥ ${kind.min}, got ${n}`, { span: value.span });
      ok = false;
    } else args[name] = n.toNumber();
  });
  return ok ? { fn: head.name, args } : undefined;
}

function isPlain(v: Value): v is Expr {
  return v.kind !== "dims" && v.kind !== "arrow" && v.kind !== "list" && v.kind !== "record";
}
