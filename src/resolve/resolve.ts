/**
 * Stage 2: AST (+ overrides) → a resolved model: parameters evaluated, every layer's arguments
 * matched against its kind's table entry and converted to plain numbers, names assigned, and the
 * `init` and `train` sections read. Reports every problem it finds; the checker runs only when
 * there is none.
 */
import type { AllowNode, Expr, InputNode, LayerNode, SettingNode, SpecNode, Span, Value } from "../syntax/ast.js";
import { DiagnosticBag, didYouMean, renameFix } from "../diagnostics/diagnostic.js";
import { allowableByName } from "../diagnostics/catalogue.js";
import { evaluate, roundingHelp, type Scope } from "./eval.js";
import { resolveParams, type Assignment, type ResolvedParam } from "./params.js";
import { Rational } from "./rational.js";
import { layerKinds } from "../layers/index.js";
import type { ArgSource, ArgSpec, LayerKind } from "../layers/kind.js";
import { readSections, type DataSettings, type InitSettings, type TrainSettings } from "./sections.js";
import type { SourceFile } from "../diagnostics/source.js";

export interface ResolvedLayer {
  name: string;
  kind: LayerKind;
  block?: string;
  args: Record<string, unknown>;
  sources: Record<string, ArgSource | undefined>;
  node: LayerNode;
  allows: AllowNode[];
}

export interface ResolvedModel {
  name: string;
  input: { c: number; h: number; w: number; span: Span };
  layers: ResolvedLayer[];
  params: ResolvedParam[];
  init: InitSettings;
  train: TrainSettings;
  /** The variant this model is, if not the base. */
  variant?: string;
  data: DataSettings;
}

/** `--set name=value` from the command line or the API. */
export interface Override {
  name: string;
  value: Rational;
  /** How it was written, for messages: `--set num_classes=5`. */
  origin: string;
}

export interface ResolveOptions {
  overrides?: Override[];
  /** Resolve this `variant` block on top of the base. */
  variant?: string;
}

export function resolve(spec: SpecNode, file: SourceFile, options: ResolveOptions, bag: DiagnosticBag): ResolvedModel | undefined {
  const text = (s: Span): string => file.slice(s);
  const variant = options.variant === undefined ? undefined : spec.variants.find((v) => v.name === options.variant);
  if (options.variant !== undefined && !variant) {
    const guess = didYouMean(
      options.variant,
      spec.variants.map((v) => v.name),
    );
    bag.add(
      "E0114",
      { origin: `model '${spec.name}'`, kind: "variant", name: options.variant },
      {
        notes: [spec.variants.length ? `variants: ${spec.variants.map((v) => v.name).join(", ")}` : "the spec declares no variants"],
        ...(guess ? { help: `did you mean '${guess}'?` } : {}),
      },
    );
    return undefined;
  }
  const assignments: Assignment[] = [
    ...(variant?.settings ?? []).map((s) => variantAssignment(s, variant!.name, bag)).filter((a): a is Assignment => a !== undefined),
    ...(options.overrides ?? []).map((o) => ({ name: o.name, value: o.value, origin: o.origin })),
  ];
  const { params, scope } = resolveParams(spec, assignments, bag, text);
  const input = resolveInput(variant && variant.inputs.length > 0 ? variant.inputs : spec.inputs, spec, scope, bag, text);
  const layers = resolveLayers(spec, scope, bag, text);
  const sections = readSections(spec.sections, scope, bag, text, input);
  if (bag.hasErrors || !input) return undefined;
  return { name: spec.name, input, layers, params, ...sections, ...(variant ? { variant: variant.name } : {}) };
}

function variantAssignment(s: SettingNode, variant: string, bag: DiagnosticBag): Assignment | undefined {
  if (s.value.kind === "dims" || s.value.kind === "arrow" || s.value.kind === "list" || s.value.kind === "record") {
    bag.add("E0106", { what: `variant ${variant}: '${s.name}'`, expected: "one number" }, { span: s.value.span });
    return undefined;
  }
  return { name: s.name, value: s.value, origin: `variant ${variant}`, nameSpan: s.span };
}

function resolveInput(
  inputs: InputNode[],
  spec: SpecNode,
  scope: Scope,
  bag: DiagnosticBag,
  text: (s: Span) => string,
): ResolvedModel["input"] | undefined {
  const [first, ...rest] = inputs;
  for (const extra of rest)
    bag.add(
      "E0163",
      {},
      {
        span: extra.span,
        related: [{ span: first!.span, message: "first declared here" }],
      },
    );
  if (!first) {
    bag.add(
      "E0162",
      { model: spec.name },
      {
        span: spec.nameSpan,
        help: "add `input 3x224x224` (channels x height x width)",
      },
    );
    return undefined;
  }
  const v = first.value;
  if (v.kind !== "dims" || v.items.length !== 3) {
    bag.add(
      "E0112",
      {},
      {
        span: v.span,
        label: "expected C x H x W",
        help: "e.g. `input 3x224x224`",
      },
    );
    return undefined;
  }
  const [c, h, w] = v.items.map((e) => positiveInteger(e, scope, bag, text, "input size"));
  if (c === undefined || h === undefined || w === undefined) return undefined;
  return { c, h, w, span: first.span };
}

/**
 * `128*width*6*6` is a width-scaled channel count times a feature map: the layer that makes those
 * channels rounds `128*width`, so the size that arrives is `round(128*width)*6*6`, and rounding the
 * whole product would lead straight to E0201. For a product whose shortest non-whole prefix is
 * followed only by whole factors, that is the suggestion.
 */
function factoredRounding(e: Expr, scope: Scope, text: (s: Span) => string): string | undefined {
  const factors: Expr[] = [];
  const collect = (x: Expr): boolean => {
    if (x.kind === "binary" && x.op === "*") return collect(x.left) && (factors.push(x.right), true);
    factors.push(x);
    return true;
  };
  collect(e);
  if (factors.length < 2) return undefined;
  const quiet = new DiagnosticBag();
  const values = factors.map((f) => evaluate(f, scope, quiet, text));
  if (values.some((v) => v === undefined)) return undefined;
  let prefix = values[0]!;
  for (let k = 1; k < factors.length; k++) {
    if (!prefix.isInteger) {
      const rest = values.slice(k);
      if (!rest.every((v) => v!.isInteger)) return undefined;
      const restText = factors
        .slice(k)
        .map((f) => text(f.span))
        .join("*");
      const prefixText = text({ start: factors[0]!.span.start, end: factors[k - 1]!.span.end });
      const total = rest.reduce((p, v) => p!.mul(v!), prefix.round())!;
      return `round(${prefixText})*${restText} = ${total}`;
    }
    prefix = prefix.mul(values[k]!);
  }
  return undefined;
}

/** Sizes are whole numbers ≥ min that fit a double exactly (layer arithmetic then stays exact). */
function positiveInteger(e: Expr, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string, min = 1): number | undefined {
  const value = evaluate(e, scope, bag, text);
  if (value === undefined) return undefined;
  const shown = e.kind === "number" ? `${value}` : `${text(e.span)} = ${value}`;
  if (!value.isInteger) {
    const factored = factoredRounding(e, scope, text);
    const help = factored
      ? `round the channel count, not the product: ${factored}; or ${roundingHelp(text(e.span), value)}`
      : roundingHelp(text(e.span), value);
    bag.add("E0110", { what, value: `${value}` }, { span: e.span, label: shown, help });
    return undefined;
  }
  if (value.cmp(Rational.int(min)) < 0) {
    bag.add("E0111", { what, range: `at least ${min}`, value: `${value}` }, { span: e.span, label: shown });
    return undefined;
  }
  if (value.cmp(Rational.int(MAX_SIZE)) > 0) {
    bag.add("E0111", { what, range: `at most ${MAX_SIZE}`, value: `${value}` }, { span: e.span, label: shown });
    return undefined;
  }
  return value.toNumber();
}

/** 2^31 − 1: larger sizes cannot be allocated by any backend, and products of a few stay exact in bigint. */
const MAX_SIZE = 2 ** 31 - 1;

function resolveLayers(spec: SpecNode, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string): ResolvedLayer[] {
  const layers: ResolvedLayer[] = [];
  const taken = new Map<string, Span>();
  const claim = (name: string, span: Span): void => {
    // tfjs names tensors after layers and accepts only names that start with a letter or digit.
    if (!/^[A-Za-z0-9]/.test(name)) {
      bag.add(
        "E0117",
        { name },
        {
          span,
          label: "must start with a letter or digit",
          help: `TensorFlow.js rejects tensor names that start with '${name[0]}'; try '${name.replace(/^_+/, "") || "layer"}'`,
        },
      );
    }
    const before = taken.get(name);
    if (before)
      bag.add(
        "E0107",
        { name },
        {
          span,
          label: "used again here",
          related: [{ span: before, message: "first used here" }],
        },
      );
    else taken.set(name, span);
  };
  // Explicit names first, so automatic names can avoid them.
  for (const item of spec.body) {
    if (item.kind === "block") claim(item.name, item.nameSpan);
    for (const l of item.kind === "block" ? item.layers : [item]) if (l.name !== undefined) claim(l.name, l.nameSpan!);
  }
  // The next suffix to try per base name, so naming n unnamed layers stays linear.
  const nextSuffix = new Map<string, number>();
  const autoName = (base: string): string => {
    let n = nextSuffix.get(base) ?? 0;
    let name = n === 0 ? base : `${base}_${n}`;
    while (taken.has(name)) name = `${base}_${++n}`;
    nextSuffix.set(base, n + 1);
    taken.set(name, { start: 0, end: 0 });
    return name;
  };
  for (const item of spec.body) {
    const group = item.kind === "block" ? item.layers : [item];
    group.forEach((node, index) => {
      // Unnamed layers in a block are numbered like PyTorch's nn.Sequential: features.0, features.1, …
      const name = node.name ?? autoName(item.kind === "block" ? `${item.name}.${index}` : node.layerKind);
      const layer = resolveLayer(node, name, scope, bag, text);
      if (layer) {
        if (item.kind === "block") layer.block = item.name;
        layers.push(layer);
      }
    });
  }
  return layers;
}

function resolveLayer(
  node: LayerNode,
  name: string,
  scope: Scope,
  bag: DiagnosticBag,
  text: (s: Span) => string,
): ResolvedLayer | undefined {
  const kind = layerKinds.get(node.layerKind);
  if (!kind) {
    const guess = didYouMean(node.layerKind, layerKinds.keys());
    bag.add(
      "E0103",
      { kind: node.layerKind },
      {
        span: node.layerKindSpan,
        label: "not a layer kind",
        help: guess ? `did you mean '${guess}'?` : `layer kinds: ${[...layerKinds.keys()].join(", ")}`,
        ...renameFix(node.layerKindSpan, guess),
      },
    );
    return undefined;
  }
  for (const a of node.allows) {
    if (!allowableByName.has(a.code)) {
      const guess = didYouMean(a.code, allowableByName.keys());
      bag.add(
        "E0116",
        { name: a.code },
        {
          span: a.codeSpan,
          help: guess ? `did you mean '${guess}'?` : `allowable warnings: ${[...allowableByName.keys()].join(", ")}`,
          ...renameFix(a.codeSpan, guess),
        },
      );
    }
    if (a.reason.trim() === "")
      bag.add(
        "E0122",
        {},
        {
          span: a.span,
          help: `write why, e.g. allow ${a.code} "matches the reference model"`,
        },
      );
  }
  const given = matchArgs(node, kind, bag);
  if (!given) return undefined;
  const args: Record<string, unknown> = {};
  const sources: Record<string, ArgSource | undefined> = {};
  let ok = true;
  for (const spec of kind.args) {
    const value = given.get(spec.name);
    if (!value) continue;
    const converted = convert(spec, value, scope, bag, text, `${name}: ${spec.name}`);
    if (converted === undefined) ok = false;
    else {
      args[spec.name] = converted;
      sources[spec.name] = { span: value.span, text: text(value.span) };
    }
  }
  for (const spec of kind.args) {
    if (spec.name in args || given.has(spec.name)) continue;
    if (spec.default === undefined) {
      if (spec.position === undefined && spec.name === kind.declaresInFeatures) continue; // optional declared size
      bag.add(
        "E0105",
        { kind: node.layerKind, argument: spec.name, doc: spec.doc },
        {
          span: node.headSpan,
          help: `e.g. ${node.layerKind}(${kind.args
            .filter((a) => a.default === undefined && a.name !== kind.declaresInFeatures)
            .map((a) => (a.position === 0 ? "…" : `${a.name}=…`))
            .join(", ")})`,
        },
      );
      ok = false;
      continue;
    }
    args[spec.name] = typeof spec.default === "function" ? (spec.default as (a: Record<string, unknown>) => unknown)(args) : spec.default;
  }
  return ok ? { name, kind, args, sources, node, allows: node.allows } : undefined;
}

/** Matches written arguments to the kind's argument specs; `a -> b` in first position sets the declared in-features and the first argument. */
function matchArgs(node: LayerNode, kind: LayerKind, bag: DiagnosticBag): Map<string, Value> | undefined {
  const given = new Map<string, Value>();
  const spans = new Map<string, Span>();
  let ok = true;
  const set = (name: string, value: Value, span: Span): void => {
    const before = spans.get(name);
    if (before) {
      bag.add("E0108", { name }, { span, related: [{ span: before, message: "first given here" }] });
      ok = false;
      return;
    }
    given.set(name, value);
    spans.set(name, span);
  };
  let position = 0;
  for (const arg of node.args) {
    if (arg.name === undefined) {
      const spec = kind.args.find((a) => a.position === position);
      position++;
      if (!spec) {
        bag.add(
          "E0104",
          { owner: node.layerKind, argument: `at position ${position}` },
          {
            span: arg.span,
            label: `one too many: ${node.layerKind} takes ${countPositional(kind)} unnamed argument${countPositional(kind) === 1 ? "" : "s"}`,
            help: describeArgs(kind),
          },
        );
        ok = false;
        continue;
      }
      // `in -> out` in first position: the kind's declared in-features, then its first argument.
      if (arg.value.kind === "arrow" && spec.position === 0 && kind.declaresInFeatures !== undefined) {
        set(kind.declaresInFeatures, arg.value.from, arg.value.from.span);
        set(spec.name, arg.value.to, arg.value.to.span);
      } else set(spec.name, arg.value, arg.span);
      continue;
    }
    if (!kind.args.some((a) => a.name === arg.name)) {
      const guess = didYouMean(
        arg.name,
        kind.args.map((a) => a.name),
      );
      bag.add(
        "E0104",
        { owner: node.layerKind, argument: `'${arg.name}'` },
        {
          span: arg.nameSpan,
          help: guess ? `did you mean '${guess}'?` : describeArgs(kind),
          ...renameFix(arg.nameSpan, guess),
        },
      );
      ok = false;
      continue;
    }
    set(arg.name, arg.value, arg.span);
  }
  return ok ? given : undefined;
}

function countPositional(kind: LayerKind): number {
  return kind.args.filter((a) => a.position !== undefined).length;
}

function describeArgs(kind: LayerKind): string {
  return kind.args.length === 0
    ? `${kind.kind} takes no arguments`
    : `${kind.kind} takes ${kind.args.map((a) => `${a.name} (${a.doc})`).join(", ")}`;
}

function convert(spec: ArgSpec, value: Value, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string): unknown {
  switch (spec.type) {
    case "count":
      if (!isExpr(value)) return wrongForm(value, bag, what, "one number");
      return positiveInteger(value, scope, bag, text, what);
    case "probability": {
      if (!isExpr(value)) return wrongForm(value, bag, what, "one number");
      const p = evaluate(value, scope, bag, text);
      if (p === undefined) return undefined;
      if (p.cmp(Rational.int(0)) < 0 || p.cmp(Rational.int(1)) >= 0) {
        bag.add("E0111", { what, range: "in [0, 1)", value: `${p}` }, { span: value.span });
        return undefined;
      }
      return p.toNumber();
    }
    case "window":
      return perAxis(value, scope, bag, text, what, (e, axis) =>
        isExpr(e) ? positiveInteger(e, scope, bag, text, `${what}${axis}`) : wrongForm(e, bag, `${what}${axis}`, "one number"),
      );
    case "padding": {
      // `same` depends on the input size: the layer resolves it with TensorFlow's rule when checked.
      const mode = word(value, scope, ["same", "valid"]);
      if (mode !== undefined)
        return mode === "same"
          ? "same"
          : [
              [0, 0],
              [0, 0],
            ];
      return perAxis(value, scope, bag, text, what, (e, axis) => pair(e, scope, bag, text, `${what}${axis}`), true);
    }
    case "number": {
      if (!isExpr(value)) return wrongForm(value, bag, what, "one number");
      return evaluate(value, scope, bag, text)?.toNumber();
    }
    case "flag": {
      const flag = word(value, scope, ["true", "false"]);
      if (flag === undefined) return wrongForm(value, bag, what, "true or false");
      return flag === "true";
    }
    case "amount":
      if (!isExpr(value)) return wrongForm(value, bag, what, "one number");
      return positiveInteger(value, scope, bag, text, what, 0);
    case "word": {
      const words = spec.words ?? [];
      const chosen = word(value, scope, [...words]);
      if (chosen === undefined) return wrongForm(value, bag, what, `one of ${words.join(", ")}`);
      return chosen;
    }
  }
}

/** A bare word such as `same` or `true`, unless a parameter of that name shadows it. */
function word(value: Value, scope: Scope, words: string[]): string | undefined {
  return value.kind === "name" && words.includes(value.name) && !scope.has(value.name) ? value.name : undefined;
}

function isExpr(v: Value): v is Expr {
  return v.kind !== "dims" && v.kind !== "arrow" && v.kind !== "list" && v.kind !== "record";
}

function wrongForm(value: Value, bag: DiagnosticBag, what: string, expected: string): undefined {
  bag.add("E0106", { what, expected }, { span: value.span, label: `a ${value.kind === "dims" ? "size list" : value.kind}` });
  return undefined;
}

type AxisReader<T> = (v: Value, axis: string) => T | undefined;

/** One value for both axes, `HxW`, or `{h: …, w: …}`. Padding also takes `[P1, P2]` for both axes. */
function perAxis<T>(
  value: Value,
  scope: Scope,
  bag: DiagnosticBag,
  text: (s: Span) => string,
  what: string,
  read: AxisReader<T>,
  isPadding = false,
): [T, T] | undefined {
  if (value.kind === "record") {
    const h = value.entries.find((e) => e.key === "h");
    const w = value.entries.find((e) => e.key === "w");
    const stray = value.entries.find((e) => e.key !== "h" && e.key !== "w");
    if (stray || !h || !w) {
      bag.add(
        "E0106",
        { what, expected: "a per-axis value naming exactly h and w" },
        {
          span: stray?.keySpan ?? value.span,
          help: "e.g. {h: [1, 2], w: 1}",
        },
      );
      return undefined;
    }
    const hv = read(h.value, " (h)");
    const wv = read(w.value, " (w)");
    return hv === undefined || wv === undefined ? undefined : [hv, wv];
  }
  if (value.kind === "dims") {
    if (value.items.length !== 2) return wrongForm(value, bag, what, "H x W (two sizes)");
    const hv = read(value.items[0]!, " (h)");
    const wv = read(value.items[1]!, " (w)");
    return hv === undefined || wv === undefined ? undefined : [hv, wv];
  }
  if (value.kind === "list" && !isPadding) return wrongForm(value, bag, what, "one size or H x W");
  const both = read(value, "");
  return both === undefined ? undefined : [both, structuredClone(both)];
}

/** Padding on one axis: `P` (both sides) or `[P1, P2]` (top/left, bottom/right as in the seed). */
function pair(v: Value, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string): [number, number] | undefined {
  if (v.kind === "list") {
    if (v.items.length !== 2 || !v.items.every(isExpr)) return wrongForm(v, bag, what, "[P1, P2] (before, after)");
    const a = positiveInteger(v.items[0] as Expr, scope, bag, text, what, 0);
    const b = positiveInteger(v.items[1] as Expr, scope, bag, text, what, 0);
    return a === undefined || b === undefined ? undefined : [a, b];
  }
  if (!isExpr(v)) return wrongForm(v, bag, what, "P or [P1, P2]");
  const p = positiveInteger(v, scope, bag, text, what, 0);
  return p === undefined ? undefined : [p, p];
}
