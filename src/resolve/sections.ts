/**
 * The `init { … }`, `train { … }` and `data { … }` sections: weight initialisation, training
 * settings and image preprocessing. Each setting's value is a name (`zeros`, `cross_entropy`) or a
 * call with named arguments (`kaiming_normal(mode=fan_out, nonlinearity=relu)`, `adam(lr=0.0002)`),
 * checked against the tables below so a typo is an error with a suggestion, not a surprise at
 * training time. `data`'s `mean` and `std` take one number or one per input channel.
 */
import type { Expr, SectionNode, Span, Value } from "../syntax/ast.js";
import { didYouMean, type DiagnosticBag } from "../diagnostics/diagnostic.js";
import { evaluate, type Scope } from "./eval.js";
import { Rational } from "./rational.js";
import { LOSSES, OPTIMIZERS, TRAINING_DEFAULTS, type HyperParameter } from "../runtime/training-table.js";

/** A function-like setting value, e.g. adam(lr=0.0002), after checking its arguments. */
export interface Choice {
  fn: string;
  args: Record<string, number | string | [number, number]>;
}

export interface InitSettings {
  conv: Choice;
  dense: Choice;
  bias: Choice;
  /** A normalisation layer's scale γ (nn.BatchNorm2d's weight; PyTorch: ones). */
  norm_weight: Choice;
  /** A normalisation layer's shift β (its bias; PyTorch: zeros). */
  norm_bias: Choice;
}

export interface TrainSettings {
  optimizer: Choice;
  loss: Choice;
  batch: number;
  epochs: number;
}

/**
 * Preprocessing of the generated trainer (torchvision's names and defaults): `train` is the random
 * geometry of training images, `val` the fixed one of validation and prediction images, `flip`
 * the training-time mirror, `mean`/`std` the normalisation `(pixel / 255 − mean) / std`, one value
 * per input channel (a single value is repeated).
 */
export interface DataSettings {
  train: Choice;
  val: Choice;
  flip: Choice;
  mean: number[];
  std: number[];
}

type ArgKind =
  | { type: "number"; default: number; min?: number; max?: number; above?: number }
  | { type: "symbol"; default: string; values: string[] }
  /** `[low, high]`, as torchvision's `scale=(0.08, 1.0)`. */
  | { type: "range"; default: [number, number]; above: number; max?: number };

/** Each function a setting may name, with its arguments (all optional, with PyTorch's defaults). */
type FunctionTable = Record<string, Record<string, ArgKind>>;

/**
 * torch.nn.init.calculate_gain, by nonlinearity name. These are torch.nn.init's names for the `init`
 * section's `nonlinearity=` argument, not layer kinds (some are spelled alike); this table is their one list.
 */
export const TORCH_INIT_GAINS = {
  linear: () => 1,
  sigmoid: () => 1,
  tanh: () => 5 / 3,
  relu: () => Math.SQRT2,
  leaky_relu: (negativeSlope: number) => Math.sqrt(2 / (1 + negativeSlope * negativeSlope)),
} satisfies Record<string, (negativeSlope: number) => number>;

// torch.nn.init's default (kaiming's nonlinearity), and its list of names from the gain table.
const nonlinearity: ArgKind = { type: "symbol", default: "leaky_relu", values: Object.keys(TORCH_INIT_GAINS) };
const kaiming = {
  mode: { type: "symbol", default: "fan_in", values: ["fan_in", "fan_out"] },
  nonlinearity,
  a: { type: "number", default: 0 },
} satisfies Record<string, ArgKind>;

const initFunctions: FunctionTable = {
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

/**
 * A normalisation layer's weight and bias are vectors with no fan-in or fan-out (torch.nn.init's
 * kaiming and xavier reject them), so they take the fan-free choices only.
 */
const normInitFunctions: FunctionTable = Object.fromEntries(
  (["normal", "uniform", "constant", "zeros", "ones"] as const).map((fn) => [fn, initFunctions[fn]!]),
);

/** A shared table's hyper-parameters as numeric arguments (src/runtime/training-table.ts is their one definition). */
function numericArgs(table: Record<string, { args: Record<string, HyperParameter> }>): FunctionTable {
  return Object.fromEntries(
    Object.entries(table).map(([fn, { args }]) => [
      fn,
      Object.fromEntries(Object.entries(args).map(([k, p]) => [k, { type: "number", ...p } satisfies ArgKind])),
    ]),
  );
}

export const optimizers: FunctionTable = numericArgs(OPTIMIZERS);

export const losses: FunctionTable = numericArgs(LOSSES);

/** A call with every argument at its table default. */
function defaultChoice(table: FunctionTable, fn: string): Choice {
  return { fn, args: Object.fromEntries(Object.entries(table[fn]!).map(([k, a]) => [k, a.default])) };
}

/** Training-image geometry, resized to the input's H×W afterwards. */
const trainTransforms: FunctionTable = {
  /** torchvision RandomResizedCrop: a random area fraction in `scale` and aspect ratio in `ratio`. */
  random_resized_crop: {
    scale: { type: "range", default: [0.08, 1], above: 0, max: 1 },
    ratio: { type: "range", default: [3 / 4, 4 / 3], above: 0 },
  },
  /** The whole image, stretched (torchvision Resize((H, W))): no augmentation. */
  resize: {},
};

/** Validation and prediction geometry. */
const evalTransforms: FunctionTable = {
  resize: {},
  /** Resize(size / fraction) then CenterCrop(size), e.g. 256 → 224 for fraction 0.875. */
  center_crop: { fraction: { type: "number", default: 0.875, above: 0, max: 1 } },
};

const flips: FunctionTable = { horizontal: {}, none: {} };

const defaults = {
  init: {
    conv: { fn: "pytorch_default", args: {} },
    dense: { fn: "pytorch_default", args: {} },
    bias: { fn: "pytorch_default", args: {} },
    // nn.BatchNorm2d's reset_parameters: weight 1, bias 0.
    norm_weight: { fn: "ones", args: {} },
    norm_bias: { fn: "zeros", args: {} },
  } as InitSettings,
  train: {
    optimizer: defaultChoice(optimizers, TRAINING_DEFAULTS.optimizer),
    loss: defaultChoice(losses, TRAINING_DEFAULTS.loss),
    batch: TRAINING_DEFAULTS.batch,
    epochs: TRAINING_DEFAULTS.epochs,
  } as TrainSettings,
  // The seed series' transforms: RandomResizedCrop + RandomHorizontalFlip, Resize, Normalize(0.5, 0.5).
  data: {
    train: { fn: "random_resized_crop", args: { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] } },
    val: { fn: "resize", args: {} },
    flip: { fn: "horizontal", args: {} },
    mean: [0.5],
    std: [0.5],
  } as DataSettings,
};

type SettingKind = FunctionTable | "count" | "mean" | "std";

export const sectionKeys: Record<string, Record<string, SettingKind>> = {
  init: { conv: initFunctions, dense: initFunctions, bias: initFunctions, norm_weight: normInitFunctions, norm_bias: normInitFunctions },
  train: { optimizer: optimizers, loss: losses, batch: "count", epochs: "count" },
  data: { train: trainTransforms, val: evalTransforms, flip: flips, mean: "mean", std: "std" },
};

export interface Sections {
  init: InitSettings;
  train: TrainSettings;
  data: DataSettings;
}

/** `input` is the model's resolved input (absent when it has errors): per-channel values are checked against its channels. */
export function readSections(
  sections: SectionNode[],
  scope: Scope,
  bag: DiagnosticBag,
  text: (s: Span) => string,
  input?: { c: number; span: Span },
): Sections {
  const out: Sections = { init: { ...defaults.init }, train: { ...defaults.train }, data: { ...defaults.data } };
  const seen = new Map<string, Span>();
  for (const section of sections) {
    // The matrix section lists parameter values to check in combination (src/check/variants.ts).
    if (section.name === "matrix") continue;
    const keys = sectionKeys[section.name];
    if (!keys) {
      const guess = didYouMean(section.name, [...Object.keys(sectionKeys), "matrix"]);
      bag.add(
        "E0113",
        { place: "the spec", what: "section", name: section.name },
        {
          span: section.nameSpan,
          help: guess ? `did you mean '${guess}'?` : "sections: init, train, matrix",
        },
      );
      continue;
    }
    if (seen.has(section.name)) {
      bag.add(
        "E0166",
        { name: section.name },
        {
          span: section.nameSpan,
          related: [{ span: seen.get(section.name)!, message: "first here" }],
        },
      );
      continue;
    }
    seen.set(section.name, section.nameSpan);
    const target = out[section.name as keyof Sections] as unknown as Record<string, unknown>;
    const given = new Set<string>();
    for (const s of section.settings) {
      const table = keys[s.name];
      if (!table) {
        const guess = didYouMean(s.name, Object.keys(keys));
        bag.add(
          "E0113",
          { place: section.name, what: "setting", name: s.name },
          {
            span: s.nameSpan,
            help: guess ? `did you mean '${guess}'?` : `${section.name} settings: ${Object.keys(keys).join(", ")}`,
          },
        );
        continue;
      }
      if (given.has(s.name)) {
        bag.add("E0108", { name: s.name }, { span: s.nameSpan });
        continue;
      }
      given.add(s.name);
      const what = `${section.name}.${s.name}`;
      const value =
        table === "count"
          ? readCount(s.value, scope, bag, text, what)
          : table === "mean" || table === "std"
            ? readPerChannel(s.value, scope, bag, text, what, input, table === "std")
            : readChoice(s.value, table, scope, bag, text, what);
      if (value !== undefined) target[s.name] = value;
    }
  }
  // One value stands for every channel, as in Normalize((0.5,), (0.5,)).
  const channels = input?.c ?? 1;
  for (const key of ["mean", "std"] as const)
    if (out.data[key].length === 1) out.data[key] = Array.from({ length: channels }, () => out.data[key][0]!);
  return out;
}

/** `mean = 0.5` or `mean = [0.485, 0.456, 0.406]`: one value, or one per input channel. */
function readPerChannel(
  v: Value,
  scope: Scope,
  bag: DiagnosticBag,
  text: (s: Span) => string,
  what: string,
  input: { c: number; span: Span } | undefined,
  positive: boolean,
): number[] | undefined {
  const items = v.kind === "list" ? v.items : [v];
  if (v.kind === "list" && input && items.length !== 1 && items.length !== input.c) {
    bag.add(
      "E0120",
      { what, count: items.length, channels: `${input.c} channel${input.c === 1 ? "" : "s"}` },
      {
        span: v.span,
        label: `${items.length} values`,
        related: [{ span: input.span, message: `${input.c} channel${input.c === 1 ? "" : "s"} here` }],
        help: `give one value for every channel, or ${input.c} values in channel order`,
      },
    );
    return undefined;
  }
  const values: number[] = [];
  for (const item of items) {
    if (!isPlain(item)) {
      bag.add("E0106", { what, expected: "a number or a list of numbers" }, { span: item.span });
      return undefined;
    }
    const n = evaluateNumber(item, scope, bag, text);
    if (n === undefined) return undefined;
    if (positive ? !(n > 0) : !(n >= 0 && n <= 1)) {
      bag.add(
        "E0111",
        { what, range: positive ? "above 0" : "in [0, 1] (pixels are scaled to [0, 1] first)", value: n },
        { span: item.span },
      );
      return undefined;
    }
    values.push(n);
  }
  return values;
}

/** Settings are plain numbers: the exact value, rounded to the nearest double. */
function evaluateNumber(e: Expr, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string): number | undefined {
  return evaluate(e, scope, bag, text)?.toNumber();
}

function readCount(v: Value, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string): number | undefined {
  if (v.kind === "dims" || v.kind === "arrow" || v.kind === "list" || v.kind === "record") {
    bag.add("E0106", { what, expected: "one whole number" }, { span: v.span });
    return undefined;
  }
  const n = evaluate(v, scope, bag, text);
  if (n === undefined) return undefined;
  if (!n.isInteger || n.cmp(Rational.int(1)) < 0 || n.cmp(Rational.int(2 ** 31)) > 0) {
    const got = { what, value: `${n}` };
    if (n.isInteger) bag.add("E0111", { ...got, range: "a whole number from 1 to 2^31" }, { span: v.span });
    else bag.add("E0110", got, { span: v.span });
    return undefined;
  }
  return n.toNumber();
}

function readChoice(
  v: Value,
  table: FunctionTable,
  scope: Scope,
  bag: DiagnosticBag,
  text: (s: Span) => string,
  what: string,
): Choice | undefined {
  const head =
    v.kind === "name"
      ? { name: v.name, span: v.span, args: [] }
      : v.kind === "call"
        ? { name: v.callee, span: v.calleeSpan, args: v.args }
        : undefined;
  if (!head) {
    bag.add("E0106", { what, expected: `one of ${Object.keys(table).join(", ")}` }, { span: v.span });
    return undefined;
  }
  const spec = table[head.name];
  if (!spec) {
    const guess = didYouMean(head.name, Object.keys(table));
    bag.add(
      "E0165",
      { setting: what, name: head.name },
      {
        span: head.span,
        help: guess ? `did you mean '${guess}'?` : `choices: ${Object.keys(table).join(", ")}`,
      },
    );
    return undefined;
  }
  const args: Choice["args"] = {};
  for (const [k, kind] of Object.entries(spec)) args[k] = kind.default;
  const names = Object.keys(spec);
  let ok = true;
  head.args.forEach((arg, i) => {
    const name = arg.name ?? names[i];
    const kind = name === undefined ? undefined : spec[name];
    if (!kind || name === undefined) {
      const guess = arg.name ? didYouMean(arg.name, names) : undefined;
      bag.add(
        "E0104",
        { owner: head.name, argument: arg.name ? `'${arg.name}'` : `at position ${i + 1}` },
        {
          span: arg.nameSpan ?? arg.span,
          help: guess
            ? `did you mean '${guess}'?`
            : names.length
              ? `${head.name} takes ${names.join(", ")}`
              : `${head.name} takes no arguments`,
        },
      );
      ok = false;
      return;
    }
    if (kind.type === "range") {
      const range = readRange(arg.value, kind, scope, bag, text, `${head.name}: ${name}`);
      if (range === undefined) ok = false;
      else args[name] = range;
      return;
    }
    if (!isPlain(arg.value)) {
      bag.add("E0106", { what: `${head.name}: ${name}`, expected: "one value" }, { span: arg.value.span });
      ok = false;
      return;
    }
    const value = arg.value;
    if (kind.type === "symbol") {
      const sym = value.kind === "name" ? value.name : undefined;
      if (sym === undefined || !kind.values.includes(sym)) {
        bag.add("E0106", { what: `${head.name}: ${name}`, expected: `one of ${kind.values.join(", ")}` }, { span: value.span });
        ok = false;
      } else args[name] = sym;
      return;
    }
    const n = evaluateNumber(value, scope, bag, text);
    const problem = n === undefined ? undefined : outOfRange(n, kind);
    if (n === undefined) ok = false;
    else if (problem) {
      bag.add("E0111", { what: `${head.name}: ${name}`, range: problem, value: n }, { span: value.span });
      ok = false;
    } else args[name] = n;
  });
  return ok ? { fn: head.name, args } : undefined;
}

/** The bound a number breaks, as text ("≥ 0", "above 0", "≤ 1"), or undefined when it is in range. */
function outOfRange(n: number, kind: { min?: number; above?: number; max?: number }): string | undefined {
  if (kind.min !== undefined && n < kind.min) return `≥ ${kind.min}`;
  if (kind.above !== undefined && !(n > kind.above)) return `above ${kind.above}`;
  if (kind.max !== undefined && n > kind.max) return `≤ ${kind.max}`;
  return undefined;
}

/** `[low, high]` with low ≤ high, both inside the kind's bounds. */
function readRange(
  v: Value,
  kind: { above: number; max?: number },
  scope: Scope,
  bag: DiagnosticBag,
  text: (s: Span) => string,
  what: string,
): [number, number] | undefined {
  if (v.kind !== "list" || v.items.length !== 2 || !v.items.every(isPlain)) {
    bag.add("E0106", { what, expected: "[low, high]" }, { span: v.span, help: "e.g. scale=[0.08, 1]" });
    return undefined;
  }
  const [low, high] = (v.items as Expr[]).map((e) => evaluateNumber(e, scope, bag, text));
  if (low === undefined || high === undefined) return undefined;
  for (const [n, item] of [
    [low, v.items[0]!],
    [high, v.items[1]!],
  ] as const) {
    const problem = outOfRange(n, kind);
    if (problem) {
      bag.add("E0111", { what, range: problem, value: n }, { span: item.span });
      return undefined;
    }
  }
  if (low > high) {
    bag.add("E0167", { what, low, high }, { span: v.span, help: `write [${high}, ${low}]` });
    return undefined;
  }
  return [low, high];
}

function isPlain(v: Value): v is Expr {
  return v.kind !== "dims" && v.kind !== "arrow" && v.kind !== "list" && v.kind !== "record";
}
