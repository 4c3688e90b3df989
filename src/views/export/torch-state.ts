/**
 * PyTorch state dicts ↔ the tfjs weights of a checked model, read from each layer kind's `torch`
 * hook (src/layers/torch-params.ts): the same descriptions move weights both ways, so an import
 * followed by an export gives back the file's tensors. Pure: typed arrays in, typed arrays out.
 *
 * Import checks everything before converting anything: every key the spec needs is there, no key
 * is left over, every shape fits. Each problem names the layer and its line in the spec.
 */
import type { CheckedModel, CheckedLayer } from "../../check/check.js";
import { didYouMean } from "../../diagnostics/diagnostic.js";
import type { TfjsWeightPart, TorchParam } from "../../layers/torch-params.js";
import type { StateDict, TorchTensor } from "../../runtime/torch/dtypes.js";

/** tfjs weights by name (`features.0.g1/kernel`), as the model's weights are named. */
export type TfjsWeights = Map<string, { shape: number[]; values: Float32Array }>;

interface Expected {
  layer: CheckedLayer;
  key: string;
  param: TorchParam;
}

/** Every state dict entry the spec's layers have, in layer order. */
export function expectedTorchParams(checked: CheckedModel): Expected[] {
  return checked.layers.flatMap((layer) =>
    layer.resolved.kind
      .torchParams(layer.resolved.args, layer.input, layer.output)
      .map((param) => ({ layer, key: `${layer.name}.${param.key}`, param })),
  );
}

const tfjsWeightName = (layer: string, part: TfjsWeightPart): string => `${layer}${part.suffix}/${part.weight}`;

const dims = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) out[d] = out[d + 1]! * shape[d + 1]!;
  return out;
}

/** `values` of `shape` with its axes reordered: output axis i is input axis perm[i]. */
export function permuteAxes(values: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = stridesOf(shape);
  const step = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(values.length);
  const index = new Array<number>(outShape.length).fill(0);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = values[at]!;
    for (let d = outShape.length - 1; d >= 0; d--) {
      at += step[d]!;
      if (++index[d]! < outShape[d]!) break;
      at -= step[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

const rowSize = (shape: readonly number[]): number => shape.slice(1).reduce((a, b) => a * b, 1);

/** One tfjs weight from a PyTorch tensor: its rows, then its axes permuted. */
function toTfjs(t: { shape: number[]; values: Float32Array }, part: TfjsWeightPart): { shape: number[]; values: Float32Array } {
  const [first, count] = part.rows ?? [0, t.shape[0] ?? 1];
  const shape = t.shape.length === 0 ? [] : [count, ...t.shape.slice(1)];
  const size = rowSize(t.shape);
  const rows = t.shape.length === 0 ? t.values : t.values.subarray(first * size, (first + count) * size);
  if (!part.permute) return { shape, values: Float32Array.from(rows) };
  return { shape: part.permute.map((p) => shape[p]!), values: permuteAxes(rows, shape, part.permute) };
}

export interface Located {
  /** "specs/alexnet.anet:9:5 `conv(48, kernel=11, stride=4, padding=2)`": where a layer is written. */
  where(layer: CheckedLayer): string;
}

export interface ImportResult {
  weights: TfjsWeights;
  /** One line each; empty when the file fits the spec. */
  problems: string[];
  /** Set when the keys carried DataParallel's `module.` prefix, which was dropped. */
  strippedPrefix?: string;
}

const label = (l: CheckedLayer): string => (l.name === l.kind ? l.name : `${l.name} (${l.kind})`);

/** The tfjs weights for `checked` from a state dict, or the list of everything that does not fit. */
export function torchToTfjs(checked: CheckedModel, dict: StateDict, loc: Located): ImportResult {
  const expected = expectedTorchParams(checked);
  const byKey = new Map(expected.map((e) => [e.key, e]));
  let strippedPrefix: string | undefined;
  // nn.DataParallel and DDP wrap the model as `module`: their state dicts prefix every key with it.
  if (dict.size > 0 && [...dict.keys()].every((k) => k.startsWith("module.")) && ![...byKey.keys()].some((k) => k.startsWith("module."))) {
    dict = new Map([...dict].map(([k, v]) => [k.slice("module.".length), v]));
    strippedPrefix = "module.";
  }
  const problems: string[] = [];
  for (const e of expected) {
    const t = dict.get(e.key);
    if (!t) {
      problems.push(`missing ${e.key}: ${label(e.layer)} at ${loc.where(e.layer)} needs a tensor of shape ${dims(e.param.shape)}`);
      continue;
    }
    if (t.shape.join() !== e.param.shape.join()) {
      const transposed = t.shape.length === e.param.shape.length && [...t.shape].reverse().join() === e.param.shape.join();
      problems.push(
        `${e.key} has shape ${dims(t.shape)} in the file, but ${label(e.layer)} at ${loc.where(e.layer)} expects ${dims(e.param.shape)}` +
          (transposed ? " (the file's axes are reversed: PyTorch's own layout is expected, not tfjs's)" : ""),
      );
    }
  }
  const layerNames = checked.layers.map((l) => l.name);
  for (const key of dict.keys()) {
    if (byKey.has(key)) continue;
    const dot = key.lastIndexOf(".");
    const [layer, param] = dot < 0 ? [key, ""] : [key.slice(0, dot), key.slice(dot + 1)];
    const owner = checked.layers.find((l) => l.name === layer);
    let why: string;
    if (owner) {
      const own = expected.filter((e) => e.layer === owner).map((e) => e.param.key);
      const near = didYouMean(param, own);
      why = own.length
        ? `${label(owner)} at ${loc.where(owner)} has ${own.join(" and ")}${near ? `; did you mean ${layer}.${near}?` : ""}`
        : `${label(owner)} at ${loc.where(owner)} has no parameters`;
    } else {
      const near = didYouMean(layer, layerNames) ?? didYouMean(key, byKey.keys());
      why = `the spec has no layer ${layer}${near ? `; did you mean ${near.includes(".") && byKey.has(near) ? near : `${near}`}?` : ""}`;
    }
    problems.push(`unexpected ${key}: ${why}`);
  }
  if (problems.length > 0) return { weights: new Map(), problems, ...(strippedPrefix ? { strippedPrefix } : {}) };
  const weights: TfjsWeights = new Map();
  for (const e of expected) {
    const t = dict.get(e.key)!;
    for (const part of e.param.tfjs) weights.set(tfjsWeightName(e.layer.name, part), toTfjs(t, part));
  }
  return { weights, problems, ...(strippedPrefix ? { strippedPrefix } : {}) };
}

/** The state dict of a model's tfjs weights, keys in layer order: the inverse of torchToTfjs. */
export function tfjsToTorch(checked: CheckedModel, weights: TfjsWeights): StateDict {
  const dict: StateDict = new Map();
  for (const e of expectedTorchParams(checked)) {
    const shape = e.param.shape;
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (e.param.tfjs.length === 0) values.fill(e.param.fill ?? 0);
    const size = rowSize(shape);
    for (const part of e.param.tfjs) {
      const name = tfjsWeightName(e.layer.name, part);
      const w = weights.get(name);
      if (!w) throw new Error(`the model has no weight ${name} for ${e.key}`);
      const [first, count] = part.rows ?? [0, shape[0] ?? 1];
      let rows = w.values;
      if (part.permute) {
        const inverse = new Array<number>(part.permute.length);
        part.permute.forEach((p, i) => (inverse[p] = i));
        rows = permuteAxes(w.values, w.shape, inverse);
      }
      if (rows.length !== count * size)
        throw new Error(`${name} has ${rows.length} values; ${e.key} rows ${first}…${first + count - 1} need ${count * size}`);
      values.set(rows, first * size);
    }
    const t: TorchTensor = { dtype: e.param.integer ? "int64" : "float32", shape, values };
    dict.set(e.key, t);
  }
  return dict;
}
