/**
 * Stage 2: AST (+ overrides) → a resolved model: parameters evaluated, every layer's arguments
 * matched against its kind's table entry and converted to plain numbers, names assigned, and the
 * `init` and `train` sections read. Reports every problem it finds; the checker runs only when
 * there is none.
 */
import type { AllowNode, Arg, Expr, LayerNode, SpecNode, Span, Value } from "./ast.js";
import { DiagnosticBag, didYouMean } from "./diagnostics/diagnostic.js";
import { allowableByName } from "./diagnostics/catalogue.js";
import { evaluate, type Binding, type Scope } from "./eval.js";
import { layerKinds } from "./layers/index.js";
import type { ArgSource, ArgSpec, LayerKind } from "./layers/kind.js";
import { readSections, type DataSettings, type InitSettings, type TrainSettings } from "./sections.js";
import type { SourceFile } from "./source.js";

export interface ResolvedLayer {
  name: string;
  kind: LayerKind<any>;
  block?: string;
  args: Record<string, unknown>;
  sources: Record<string, ArgSource | undefined>;
  node: LayerNode;
  allows: AllowNode[];
}

export interface ResolvedParam {
  name: string;
  type: "int" | "float";
  value: number;
  default: number;
  span: Span;
}

export interface ResolvedModel {
  name: string;
  input: { c: number; h: number; w: number; span: Span };
  layers: ResolvedLayer[];
  params: ResolvedParam[];
  init: InitSettings;
  train: TrainSettings;
  data: DataSettings;
}

/** `--set name=value` from the command line or the API. */
export interface Override {
  name: string;
  value: number;
  /** How it was written, for messages: `--set num_classes=5`. */
  origin: string;
}

export function resolve(spec: SpecNode, file: SourceFile, overrides: Override[], bag: DiagnosticBag): ResolvedModel | undefined {
  const text = (s: Span): string => file.slice(s);
  const params = resolveParams(spec, overrides, bag, text);
  const scope: Scope = new Map(params.map((p) => [p.name, { value: p.value, span: p.span } satisfies Binding]));
  const input = resolveInput(spec, scope, bag, text);
  const layers = resolveLayers(spec, scope, bag, text);
  const sections = readSections(spec.sections, scope, bag, text, input);
  if (bag.hasErrors || !input) return undefined;
  return { name: spec.name, input, layers, params, ...sections };
}

function resolveParams(spec: SpecNode, overrides: Override[], bag: DiagnosticBag, text: (s: Span) => string): ResolvedParam[] {
  const params: ResolvedParam[] = [];
  const scope = new Map<string, Binding>();
  for (const p of spec.params) {
    if (scope.has(p.name)) {
      bag.add("E0102", `parameter '${p.name}' is declared twice`, {
        span: p.nameSpan,
        label: "declared again here",
        related: [{ span: params.find((q) => q.name === p.name)!.span, message: "first declared here" }],
      });
      continue;
    }
    if (p.type !== undefined && p.type !== "int" && p.type !== "float") {
      bag.add("E0106", `unknown parameter type '${p.type}'`, { span: p.typeSpan, label: "expected int or float" });
      continue;
    }
    const value = evaluate(p.value, scope, bag, text);
    if (value === undefined) continue;
    const type = p.type === "float" || (p.type === undefined && !Number.isInteger(value)) ? "float" : "int";
    if (type === "int" && !Number.isInteger(value)) {
      bag.add("E0110", `int parameter '${p.name}' has the default ${value}`, { span: p.value.span, label: `${text(p.value.span)} = ${value}` });
      continue;
    }
    params.push({ name: p.name, type, value, default: value, span: p.nameSpan });
    scope.set(p.name, { value, span: p.nameSpan });
  }
  for (const o of overrides) {
    const target = params.find((p) => p.name === o.name);
    if (!target) {
      const guess = didYouMean(o.name, params.map((p) => p.name));
      const known = params.length > 0 ? `the spec declares ${params.map((p) => p.name).join(", ")}` : "the spec declares no parameters";
      bag.add("E0114", `${o.origin}: unknown parameter '${o.name}'`, { notes: [known], ...(guess ? { help: `did you mean '${guess}'?` } : {}) });
      continue;
    }
    if (target.type === "int" && !Number.isInteger(o.value)) {
      bag.add("E0114", `${o.origin}: '${o.name}' is an int parameter, ${o.value} is not a whole number`);
      continue;
    }
    target.value = o.value;
  }
  // Defaults may refer to earlier parameters, so overrides are applied and later defaults re-evaluated.
  if (overrides.length > 0) reevaluate(spec, params, overrides, text);
  return params;
}

function reevaluate(spec: SpecNode, params: ResolvedParam[], overrides: Override[], text: (s: Span) => string): void {
  const overridden = new Set(overrides.map((o) => o.name));
  const scope = new Map<string, Binding>();
  const quiet = new DiagnosticBag();
  for (const p of params) {
    if (!overridden.has(p.name)) {
      const node = spec.params.find((n) => n.name === p.name)!;
      p.value = evaluate(node.value, scope, quiet, text) ?? p.value;
    }
    scope.set(p.name, { value: p.value });
  }
}

function resolveInput(spec: SpecNode, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string): ResolvedModel["input"] | undefined {
  const [first, ...rest] = spec.inputs;
  for (const extra of rest) bag.add("E0112", "the model declares its input twice", { span: extra.span, related: [{ span: first!.span, message: "first declared here" }] });
  if (!first) {
    bag.add("E0112", `model '${spec.name}' declares no input`, { span: spec.nameSpan, help: "add `input 3x224x224` (channels x height x width)" });
    return undefined;
  }
  const v = first.value;
  if (v.kind !== "dims" || v.items.length !== 3) {
    bag.add("E0112", "the input must be channels x height x width", { span: v.span, label: "expected C x H x W", help: "e.g. `input 3x224x224`" });
    return undefined;
  }
  const [c, h, w] = v.items.map((e) => positiveInteger(e, scope, bag, text, "input size"));
  if (c === undefined || h === undefined || w === undefined) return undefined;
  return { c, h, w, span: first.span };
}

function positiveInteger(e: Expr, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string, min = 1): number | undefined {
  const value = evaluate(e, scope, bag, text);
  if (value === undefined) return undefined;
  const shown = e.kind === "number" ? `${value}` : `${text(e.span)} = ${+value.toPrecision(6)}`;
  if (!Number.isInteger(value)) {
    bag.add("E0110", `${what} must be a whole number, got ${+value.toFixed(6)}`, { span: e.span, label: shown, help: "round it explicitly: round(…), floor(…) or ceil(…)" });
    return undefined;
  }
  if (value < min) {
    bag.add("E0111", `${what} must be at least ${min}, got ${value}`, { span: e.span, label: shown });
    return undefined;
  }
  if (!Number.isSafeInteger(value)) {
    bag.add("E0111", `${what} ${value} is too large`, { span: e.span, label: shown });
    return undefined;
  }
  return value;
}

function resolveLayers(spec: SpecNode, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string): ResolvedLayer[] {
  const layers: ResolvedLayer[] = [];
  const taken = new Map<string, Span>();
  const claim = (name: string, span: Span): void => {
    const before = taken.get(name);
    if (before) bag.add("E0107", `the name '${name}' is used twice`, { span, label: "used again here", related: [{ span: before, message: "first used here" }] });
    else taken.set(name, span);
  };
  // Explicit names first, so automatic names can avoid them.
  for (const item of spec.body) {
    if (item.kind === "block") claim(item.name, item.nameSpan);
    for (const l of item.kind === "block" ? item.layers : [item]) if (l.name !== undefined) claim(l.name, l.nameSpan!);
  }
  const autoName = (base: string): string => {
    let name = base;
    for (let n = 1; taken.has(name); n++) name = `${base}_${n}`;
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

function resolveLayer(node: LayerNode, name: string, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string): ResolvedLayer | undefined {
  const kind = layerKinds.get(node.layerKind);
  if (!kind) {
    const guess = didYouMean(node.layerKind, layerKinds.keys());
    bag.add("E0103", `unknown layer kind '${node.layerKind}'`, {
      span: node.layerKindSpan,
      label: "not a layer kind",
      help: guess ? `did you mean '${guess}'?` : `layer kinds: ${[...layerKinds.keys()].join(", ")}`,
    });
    return undefined;
  }
  for (const a of node.allows) {
    if (!allowableByName.has(a.code)) {
      const guess = didYouMean(a.code, allowableByName.keys());
      bag.add("E0116", `'${a.code}' is not a warning that can be allowed`, {
        span: a.codeSpan,
        help: guess ? `did you mean '${guess}'?` : `allowable warnings: ${[...allowableByName.keys()].join(", ")}`,
      });
    }
    if (a.reason.trim() === "") bag.add("E0106", "an `allow` needs a reason", { span: a.span, help: `write why, e.g. allow ${a.code} "matches the reference model"` });
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
      if (spec.position === undefined && spec.name === "in") continue; // optional declared size
      bag.add("E0105", `${node.layerKind} needs '${spec.name}' (${spec.doc})`, {
        span: node.span,
        help: `e.g. ${node.layerKind}(${kind.args.filter((a) => a.default === undefined && a.name !== "in").map((a) => (a.position === 0 ? "…" : `${a.name}=…`)).join(", ")})`,
      });
      ok = false;
      continue;
    }
    args[spec.name] = typeof spec.default === "function" ? (spec.default as (a: Record<string, unknown>) => unknown)(args) : spec.default;
  }
  return ok ? { name, kind, args, sources, node, allows: node.allows } : undefined;
}

/** Matches written arguments to the kind's argument specs; `a -> b` in first position sets `in` and `out`. */
function matchArgs(node: LayerNode, kind: LayerKind<any>, bag: DiagnosticBag): Map<string, Value> | undefined {
  const given = new Map<string, Value>();
  const spans = new Map<string, Span>();
  let ok = true;
  const set = (name: string, value: Value, span: Span): void => {
    const before = spans.get(name);
    if (before) {
      bag.add("E0108", `'${name}' is given twice`, { span, related: [{ span: before, message: "first given here" }] });
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
        bag.add("E0104", `${node.layerKind} takes ${countPositional(kind)} unnamed argument${countPositional(kind) === 1 ? "" : "s"}`, {
          span: arg.span,
          label: "one too many",
          help: describeArgs(kind),
        });
        ok = false;
        continue;
      }
      if (arg.value.kind === "arrow" && spec.name === "out" && kind.args.some((a) => a.name === "in")) {
        set("in", arg.value.from, arg.value.from.span);
        set("out", arg.value.to, arg.value.to.span);
      } else set(spec.name, arg.value, arg.span);
      continue;
    }
    if (!kind.args.some((a) => a.name === arg.name)) {
      const guess = didYouMean(arg.name, kind.args.map((a) => a.name));
      bag.add("E0104", `${node.layerKind} has no argument '${arg.name}'`, { span: arg.nameSpan, help: guess ? `did you mean '${guess}'?` : describeArgs(kind) });
      ok = false;
      continue;
    }
    set(arg.name, arg.value, arg.span);
  }
  return ok ? given : undefined;
}

function countPositional(kind: LayerKind<any>): number {
  return kind.args.filter((a) => a.position !== undefined).length;
}

function describeArgs(kind: LayerKind<any>): string {
  return kind.args.length === 0 ? `${kind.kind} takes no arguments` : `${kind.kind} takes ${kind.args.map((a) => `${a.name} (${a.doc})`).join(", ")}`;
}

function convert(spec: ArgSpec, value: Value, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string): unknown {
  switch (spec.type) {
    case "count":
      if (!isExpr(value)) return wrongForm(value, bag, `${what} takes one number`);
      return positiveInteger(value, scope, bag, text, what);
    case "probability": {
      if (!isExpr(value)) return wrongForm(value, bag, `${what} takes one number`);
      const p = evaluate(value, scope, bag, text);
      if (p === undefined) return undefined;
      if (!(p >= 0 && p < 1)) {
        bag.add("E0111", `${what} must be in [0, 1), got ${p}`, { span: value.span });
        return undefined;
      }
      return p;
    }
    case "window":
      return perAxis(value, scope, bag, text, what, (e, axis) =>
        isExpr(e) ? positiveInteger(e, scope, bag, text, `${what}${axis}`) : wrongForm(e, bag, `${what}${axis} takes one number`),
      );
    case "padding":
      return perAxis(value, scope, bag, text, what, (e, axis) => pair(e, scope, bag, text, `${what}${axis}`), true);
  }
}

function isExpr(v: Value): v is Expr {
  return v.kind !== "dims" && v.kind !== "arrow" && v.kind !== "list" && v.kind !== "record";
}

function wrongForm(value: Value, bag: DiagnosticBag, message: string): undefined {
  bag.add("E0106", message, { span: value.span, label: `a ${value.kind === "dims" ? "size list" : value.kind}` });
  return undefined;
}

type AxisReader<T> = (v: Value, axis: string) => T | undefined;

/** One value for both axes, `HxW`, or `{h: …, w: …}`. Padding also takes `[P1, P2]` for both axes. */
function perAxis<T>(value: Value, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string, read: AxisReader<T>, isPadding = false): [T, T] | undefined {
  if (value.kind === "record") {
    const h = value.entries.find((e) => e.key === "h");
    const w = value.entries.find((e) => e.key === "w");
    const stray = value.entries.find((e) => e.key !== "h" && e.key !== "w");
    if (stray || !h || !w) {
      bag.add("E0106", `${what}: a per-axis value names exactly h and w`, { span: stray?.keySpan ?? value.span, help: "e.g. {h: [1, 2], w: 1}" });
      return undefined;
    }
    const hv = read(h.value, " (h)");
    const wv = read(w.value, " (w)");
    return hv === undefined || wv === undefined ? undefined : [hv, wv];
  }
  if (value.kind === "dims") {
    if (value.items.length !== 2) return wrongForm(value, bag, `${what}: give H x W (two sizes)`);
    const hv = read(value.items[0]!, " (h)");
    const wv = read(value.items[1]!, " (w)");
    return hv === undefined || wv === undefined ? undefined : [hv, wv];
  }
  if (value.kind === "list" && !isPadding) return wrongForm(value, bag, `${what}: give one size or H x W`);
  const both = read(value, "");
  return both === undefined ? undefined : [both, structuredClone(both)];
}

/** Padding on one axis: `P` (both sides) or `[P1, P2]` (top/left, bottom/right as in the seed). */
function pair(v: Value, scope: Scope, bag: DiagnosticBag, text: (s: Span) => string, what: string): [number, number] | undefined {
  if (v.kind === "list") {
    if (v.items.length !== 2 || !v.items.every(isExpr)) return wrongForm(v, bag, `${what}: give [P1, P2] (before, after)`);
    const a = positiveInteger(v.items[0] as Expr, scope, bag, text, what, 0);
    const b = positiveInteger(v.items[1] as Expr, scope, bag, text, what, 0);
    return a === undefined || b === undefined ? undefined : [a, b];
  }
  if (!isExpr(v)) return wrongForm(v, bag, `${what}: give P or [P1, P2]`);
  const p = positiveInteger(v, scope, bag, text, what, 0);
  return p === undefined ? undefined : [p, p];
}

export type { Arg };
