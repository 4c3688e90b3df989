/**
 * Stage 4 for `--target pytorch`: checked model → the IR of templates/pytorch/. Each layer becomes
 * the nn module its kind's `torch` hook writes, registered under the spec's layer name, so the
 * state_dict keys are `<layer name>.weight`, `<layer name>.bias` (the seed's `features.0.weight` …
 * for specs/alexnet.anet). A dotted name is a path: `features.0` is child `0` of a container
 * `features`, an nn.Sequential when its layers are consecutive (called once in forward, as the
 * seed's code does), else a plain nn.Module whose children forward calls one by one.
 */
import type { CheckedLayer, CheckedModel } from "../check/check.js";
import { formatShape, isLastInValue, shapeDims, type InitCall } from "../layers/kind.js";
import { groupThousands } from "../util/numbers.js";
import { VERSION } from "../util/version.js";
import { commentText } from "./ir.js";
import { lowerModel } from "./fuse.js";
import { specHash } from "./spec-hash.js";
import { headerJson } from "./generated-header.js";
import { UserError } from "../util/user-error.js";

export interface TorchIR {
  header: { specPath: string; compilerVersion: string; variant: string; overrides: string; json: string };
  modelName: string;
  className: string;
  summary: string;
  /** Lines of `__init__` after `super().__init__()`, of `forward`, and of `reset_parameters`. */
  modules: string[];
  forward: string[];
  init: string[];
  /** alexc's helper modules the layers use (templates/pytorch/helpers/<name>.py): names here, their source once emitted. */
  helpers: string[];
  /** The state_dict's keys, in order. */
  stateDict: string[];
  /** C, H, W. */
  input: string;
  numClasses: number;
  params: string;
  /** `(name, (C, H, W) or (n,))` per layer, for the shape check and the README. */
  shapes: string[];
  settings: string;
  preprocessing: string;
  describe: string;
  describePreprocessing: string;
}

const PY_KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from global if import in " +
    "is lambda nonlocal not or pass raise return try while with yield"
  ).split(" "),
);

/**
 * Attributes of torch.nn.Module and nn.Sequential (torch 1.13 and 2.x), the model's own
 * reset_parameters, and `training`: PyTorch refuses a child module under any of these names
 * (add_module: "attribute already exists"), and an assignment would leave forward calling the method.
 */
const TORCH_RESERVED = new Set(
  (
    "T_destination add_module append apply bfloat16 buffers children compile cpu cuda double dump_patches eval extend extra_repr " +
    "float forward get_buffer get_extra_state get_parameter get_submodule half insert ipu load_state_dict modules mtia " +
    "named_buffers named_children named_modules named_parameters parameters pop register_backward_hook register_buffer " +
    "register_forward_hook register_forward_pre_hook register_full_backward_hook register_full_backward_pre_hook " +
    "register_load_state_dict_post_hook register_load_state_dict_pre_hook register_module register_parameter " +
    "register_state_dict_post_hook register_state_dict_pre_hook requires_grad_ reset_parameters set_extra_state " +
    "set_submodule share_memory state_dict to to_empty train training type xpu zero_grad"
  ).split(" "),
);

/** The PyTorch target's one refusal of a spec the check accepts: a layer name PyTorch cannot register. */
function checkTorchNames(layers: CheckedLayer[], specPath: string): void {
  for (const l of layers) {
    const part = l.name.split(".").find((p) => TORCH_RESERVED.has(p) || p.startsWith("_"));
    if (part !== undefined)
      throw new UserError(
        `${specPath}: layer ${l.name}: PyTorch cannot hold a module named '${part}' (${part.startsWith("_") ? "a leading underscore is private" : "an attribute of torch.nn.Module"}), ` +
          "and the state_dict keys are the spec's layer names: rename the layer or its block for --target pytorch (the tfjs target accepts it)",
      );
  }
}

/** An attribute access for a child name: `.features`, `[0]` in a Sequential, else getattr. */
function access(base: string, name: string, inSequential: boolean): string {
  if (inSequential && /^\d+$/.test(name)) return `${base}[${name}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PY_KEYWORDS.has(name)) return `${base}.${name}`;
  return `getattr(${base}, ${JSON.stringify(name)})`;
}

/** A Python literal for plain data (JSON's strings are Python's too). */
function pyLiteral(v: unknown): string {
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`non-finite number ${v} in generated Python`);
    return Object.is(v, -0) ? "0" : String(v);
  }
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(", ")}]`;
  if (v && typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`)
      .join(", ")}}`;
  throw new Error(`cannot emit ${String(v)} as Python`);
}

/** A container of the module tree: its children in first-appearance order, and the layers under it. */
interface Node {
  name: string;
  children: Map<string, Node>;
  /** Set for a leaf: the layer, and the module it becomes. */
  layer?: CheckedLayer;
  module?: string;
  /** Indices (in model order) of the layers under it. */
  first: number;
  last: number;
  count: number;
}

function tree(layers: CheckedLayer[]): Node {
  const root: Node = { name: "", children: new Map(), first: 0, last: layers.length - 1, count: layers.length };
  layers.forEach((layer, i) => {
    let node = root;
    for (const part of layer.name.split(".")) {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = { name: part, children: new Map(), first: i, last: i, count: 0 }));
      child.last = i;
      child.count++;
      node = child;
    }
    node.layer = layer;
    node.module = torchModule(layers, i);
  });
  return root;
}

/**
 * The layer's nn module. A softmax that ends the model is nn.Identity, as its tfjs lowering is an
 * identity: train.py's loss (cross-entropy on logits) and predict.py apply the softmax themselves.
 */
function torchModule(layers: CheckedLayer[], i: number): string {
  const l = layers[i]!;
  const last =
    l.resolved.kind.probabilities &&
    isLastInValue(
      layers.map((x) => x.resolved.kind),
      i,
    );
  return last ? "nn.Identity()" : l.resolved.kind.torch(l.resolved.args, l.input, l.output);
}

/** Consecutive layers, and so every container under it: an nn.Sequential, applied as one call. */
function sequential(n: Node): boolean {
  return n.layer === undefined && n.last - n.first + 1 === n.count && [...n.children.values()].every((k) => k.layer || sequential(k));
}

/** The module's constructor (leaf) or container expression, with the leaf's comment lines before it. */
function construct(node: Node, indent: string, comments: Map<string, string>): string[] {
  if (node.module !== undefined) return [node.module];
  const kids = [...node.children.values()];
  if (!sequential(node)) return ["nn.Module()"];
  const positional = kids.every((k, i) => k.name === String(i));
  const lines = [positional ? "nn.Sequential(" : "nn.Sequential(OrderedDict(["];
  for (const k of kids) {
    const inner = construct(k, indent + "    ", comments);
    const note = k.layer ? comments.get(k.layer.name) : undefined;
    if (note) lines.push(`${indent}    # ${note}`);
    const first = positional ? inner[0]! : `(${JSON.stringify(k.name)}, ${inner[0]!}`;
    const tail = inner.slice(1);
    if (tail.length === 0) lines.push(`${indent}    ${first}${positional ? "" : ")"},`);
    else lines.push(`${indent}    ${first}`, ...tail.slice(0, -1), `${tail.at(-1)!}${positional ? "" : ")"},`);
  }
  lines.push(`${indent}${positional ? ")" : "]))"}`);
  return lines;
}

/** `__init__` lines registering every node under `parent` (whose Python expression is `base`). */
function register(parent: Node, base: string, comments: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const k of parent.children.values()) {
    const note = k.layer ? comments.get(k.layer.name) : undefined;
    if (note) lines.push(`# ${note}`);
    const value = construct(k, "", comments);
    const target = access(base, k.name, false);
    // add_module for names Python cannot write as an attribute.
    const assign = target.startsWith("getattr(")
      ? (v: string) => `${base}.add_module(${JSON.stringify(k.name)}, ${v}`
      : (v: string) => `${target} = ${v}`;
    const close = target.startsWith("getattr(") ? ")" : "";
    if (value.length === 1) lines.push(assign(value[0]!) + close);
    else lines.push(assign(value[0]!), ...value.slice(1, -1), value.at(-1)! + close);
    if (!k.layer && !sequential(k)) lines.push(...register(k, target, comments));
  }
  return lines;
}

/** forward's lines: a Sequential container is one call, anything else each layer in turn. */
function forward(root: Node, layers: CheckedLayer[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < layers.length;) {
    let node = root;
    let expr = "self";
    for (const part of layers[i]!.name.split(".")) {
      const inSeq = node !== root && sequential(node);
      node = node.children.get(part)!;
      expr = access(expr, part, inSeq);
      if (sequential(node)) break;
    }
    lines.push(`x = ${expr}(x)`);
    i = node.layer ? i + 1 : node.last + 1;
  }
  return lines;
}

/** The layer's module as reset_parameters reaches it. */
function path(root: Node, name: string): string {
  let node = root;
  let expr = "self";
  for (const part of name.split(".")) {
    const inSeq = node !== root && sequential(node);
    node = node.children.get(part)!;
    expr = access(expr, part, inSeq);
  }
  return expr;
}

/** torch.nn.init's call for one of the spec's initialisers, with the numbers as alexc computed them for tfjs. */
function initLine(target: string, call: InitCall): string {
  const a = call.args;
  switch (call.fn) {
    case "randomNormal":
      return `nn.init.normal_(${target}, mean=${pyLiteral(a["mean"])}, std=${pyLiteral(a["stddev"])})`;
    case "randomUniform":
      return `nn.init.uniform_(${target}, a=${pyLiteral(a["minval"])}, b=${pyLiteral(a["maxval"])})`;
    case "constant":
      return `nn.init.constant_(${target}, ${pyLiteral(a["value"])})`;
    case "zeros":
      return `nn.init.zeros_(${target})`;
    case "ones":
      return `nn.init.ones_(${target})`;
    default:
      throw new Error(`no torch.nn.init call for initializer ${call.fn}`);
  }
}

/** tfjs initializer names → the PyTorch parameter they set. */
// tfjs initialiser fields and the PyTorch parameters they set (conv and dense; batchnorm's affine weight and bias).
const PARAMETER: Record<string, string> = {
  kernelInitializer: "weight",
  biasInitializer: "bias",
  gammaInitializer: "weight",
  betaInitializer: "bias",
};

const HELPER = /^([A-Za-z_][A-Za-z0-9_]*)\(/;

export function buildTorchIr(checked: CheckedModel, specPath: string): TorchIR {
  const { model } = checked;
  const out = checked.output;
  if (!checked.complete || out?.rank !== "flat")
    throw new Error(`${model.name}: the IR is built only for a checked model that ends in class scores`);
  const layers = checked.layers;
  checkTorchNames(layers, specPath);
  const root = tree(layers);
  const comments = new Map(
    layers.map((l) => [
      l.name,
      commentText(
        `${l.name}: ${l.kind}${l.settings ? ` ${l.settings}` : ""} | ${formatShape(l.input)} -> ${formatShape(l.output)}` +
          (l.params > 0n ? ` | ${groupThousands(l.params)} params` : ""),
      ),
    ]),
  );
  const init: string[] = [];
  const stateDict: string[] = [];
  for (const { layer, steps } of lowerModel(checked).layers) {
    // A grouped conv's branches share their initialisers: the first layer with any speaks for the layer.
    const calls = steps.flatMap((s) => ("branches" in s ? [...s.branches.flatMap((b) => b.layers), s.merge] : [s]));
    const with_ = calls.find((c) => c.initializers && Object.keys(c.initializers).length > 0);
    if (!with_) continue;
    const target = path(root, layer.name);
    for (const [k, call] of Object.entries(with_.initializers!)) {
      const parameter = PARAMETER[k];
      if (!parameter) throw new Error(`${layer.name}: no PyTorch parameter for ${k}`);
      stateDict.push(`${layer.name}.${parameter}`);
      init.push(`${initLine(`${target}.${parameter}`, call)}  # ${commentText(`${layer.name}.${parameter}: ${call.describe}`)}`);
    }
  }
  const helpers = [
    ...new Set(
      layers.flatMap((l) => {
        const name = HELPER.exec(l.resolved.kind.torch(l.resolved.args, l.input, l.output))?.[1];
        return name && name !== "nn" ? [name] : [];
      }),
    ),
  ].sort();
  const hash = specHash(checked);
  const overrides = model.params.flatMap((p) => (p.setBy?.startsWith("--set") ? [p.setBy] : []));
  const modelName = model.variant === undefined ? model.name : `${model.name}-${model.variant}`;
  const { optimizer, loss, batch, epochs } = model.train;
  const { train, val, flip, mean, std } = model.data;
  return {
    header: {
      specPath: commentText(specPath),
      compilerVersion: VERSION,
      variant: model.variant === undefined ? "" : commentText(` (variant ${model.variant})`),
      overrides: commentText(overrides.join(" ")),
      json: headerJson({ version: VERSION, spec: specPath, variant: model.variant ?? null, overrides, specHash: hash }),
    },
    modelName,
    className: modelName
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join(""),
    summary: commentText(
      `${model.name}: input ${formatShape(checked.input)} (C×H×W), output ${formatShape(out)}, ` +
        `${groupThousands(checked.totals.params)} params, ${groupThousands(checked.totals.macs)} MACs`,
    ),
    modules: register(root, "self", comments),
    forward: forward(root, layers),
    init,
    helpers,
    stateDict,
    input: `(${model.input.c}, ${model.input.h}, ${model.input.w})`,
    numClasses: out.n,
    params: String(checked.totals.params),
    shapes: layers.map((l) => `(${JSON.stringify(l.name)}, (${shapeDims(l.output).join(", ")}${l.output.rank === "flat" ? "," : ""})),`),
    settings: pyLiteral({ optimizer: { name: optimizer.fn, ...optimizer.args }, loss: { name: loss.fn, ...loss.args }, batch, epochs }),
    preprocessing: pyLiteral({ train: { kind: train.fn, ...train.args }, flip: flip.fn, val: { kind: val.fn, ...val.args }, mean, std }),
    describe: commentText(`${optimizer.fn} ${JSON.stringify(optimizer.args)}, ${loss.fn}, batch ${batch}, ${epochs} epochs`),
    describePreprocessing: commentText(
      `training images ${train.fn}${flip.fn === "none" ? "" : ` + ${flip.fn} flip`}, validation images ${val.fn}, ` +
        `then (pixel / 255 − mean) / std with mean ${mean.join(", ")} and std ${std.join(", ")}`,
    ),
  };
}
