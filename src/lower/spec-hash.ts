/**
 * The spec hash: a SHA-256 of what a spec means, not how it is written or which alexc compiled it.
 * A checkpoint records it and --resume and predict compare it, so it must change exactly when the
 * trained model would: with the model's name, input, each layer (name, kind, resolved arguments),
 * and the init, train and data settings (defaults filled in). Comments, formatting, parameter
 * expressions that evaluate to the same numbers and the compiler's version leave it unchanged.
 */
import { createHash } from "node:crypto";
import type { CheckedModel } from "../check/check.js";
import type { ArgSpec } from "../layers/kind.js";

/** Bumped only when what the meaning includes changes (not with alexc's version). */
const MEANING_FORMAT = "alexc spec meaning 1";

/** The spec's meaning as plain data, the input of the hash. */
function specMeaning(checked: CheckedModel): unknown {
  const { model } = checked;
  return {
    name: model.name,
    input: { c: model.input.c, h: model.input.h, w: model.input.w },
    layers: model.layers.map((l) => ({ name: l.name, kind: l.kind.kind, args: meaningfulArgs(l.kind.args, l.args) })),
    init: initMeaning(model),
    train: model.train,
    data: model.data,
  };
}

/**
 * The init settings that reach a layer: norm_weight and norm_bias only where a layer reads them, so
 * adding those settings to alexc left the hashes (and checkpoints) of models without one unchanged.
 */
function initMeaning(model: CheckedModel["model"]): unknown {
  if (model.layers.some((l) => l.kind.usesNormInit)) return model.init;
  const { norm_weight: _w, norm_bias: _b, ...rest } = model.init;
  return rest;
}

/**
 * A layer's resolved arguments, less those added to a kind after specs were hashed (`addedLater`)
 * while they hold their default: a spec written before the argument existed means the same model,
 * so its checkpoints keep their hash.
 */
function meaningfulArgs(specs: ArgSpec[], args: Record<string, unknown>): Record<string, unknown> {
  const quiet = specs.filter((a) => a.addedLater && canonicalJson(args[a.name]) === canonicalJson(a.default)).map((a) => a.name);
  return Object.fromEntries(Object.entries(args).filter(([name]) => !quiet.includes(name)));
}

/** JSON with object keys sorted at every level and −0 written as 0, so equal data gives equal text. */
function canonicalJson(value: unknown): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`non-finite number ${value} in a spec's meaning`);
    return Object.is(value, -0) ? "0" : JSON.stringify(value);
  }
  if (typeof value === "string" || typeof value === "boolean" || value === null) return JSON.stringify(value);
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new Error(`cannot put ${typeof value} into a spec's meaning`);
}

export function specHash(checked: CheckedModel): string {
  return createHash("sha256")
    .update(`${MEANING_FORMAT}\n`)
    .update(canonicalJson(specMeaning(checked)))
    .digest("hex");
}
