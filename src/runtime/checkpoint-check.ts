/**
 * Checkpoint files are read as untrusted input: copied by hand, truncated by a full disk, or
 * edited. Everything is checked before anything is allocated from it: state.json's fields (types,
 * ranges, sizes: a huge inputShape must not become a huge tensor), model.json's weight manifest
 * (each path a plain file name inside the checkpoint folder, never ../../etc/passwd), and the
 * byte size of weights.bin and optimizer.bin against what their manifests describe (a truncated
 * file is named, not handed to tfjs). Every problem is an AlexcRuntimeError naming the file.
 */
import { basename, join } from "node:path";
import type * as tf from "./tf.js";
import { READ_LIMITS, readBoundedSync, ReadRefused } from "./bounded-read.js";
import { AlexcRuntimeError } from "./errors.js";

/** Largest input a checkpoint may describe: 8192×8192 pixels, up to 4 channels. */
const MAX_SIDE = 8192;
const MAX_CLASSES = 100_000;
const MAX_HISTORY = 1_000_000;

export class BadCheckpoint extends AlexcRuntimeError {}

const fail = (path: string, why: string): never => {
  throw new BadCheckpoint(`${path}: not a usable checkpoint: ${why}`);
};

/** Reads a checkpoint file with the bound of its kind; a missing, special or oversized file is a clear error. */
function readCheckpointFile(path: string, limit: number): Buffer {
  try {
    return readBoundedSync(path, limit);
  } catch (e) {
    if (e instanceof ReadRefused) return fail(path, e.message);
    throw e;
  }
}

export function readCheckpointJson(path: string, limit: number = READ_LIMITS.json): unknown {
  const bytes = readCheckpointFile(path, limit);
  if (bytes.length === 0) return fail(path, "the file is empty");
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    return fail(path, `not valid JSON (${(e as Error).message}); the file may be truncated`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Checks state.json's shape; returns it typed. Cheap: no allocation beyond the parsed JSON. */
export function checkState<T>(path: string, s: unknown): T {
  if (!isObject(s)) return fail(path, "state.json is not an object");
  const need = (ok: boolean, field: string, what: string): void => {
    if (!ok) fail(path, `${field} must be ${what} (found ${JSON.stringify(s[field.split(".")[0]!])?.slice(0, 80) ?? "nothing"})`);
  };
  need(typeof s["model"] === "string", "model", "a string");
  need(typeof s["specHash"] === "string", "specHash", "a string");
  need(isInt(s["epoch"], 0, MAX_HISTORY), "epoch", `a whole number from 0 to ${MAX_HISTORY}`);
  need(isInt(s["seed"], 0, 2 ** 32), "seed", "a whole number ≥ 0");
  const classes = s["classes"];
  need(
    Array.isArray(classes) &&
      classes.length >= 1 &&
      classes.length <= MAX_CLASSES &&
      classes.every((c) => typeof c === "string" && c.length > 0 && c.length <= 1024),
    "classes",
    `a list of 1 to ${MAX_CLASSES} class names`,
  );
  need(new Set(classes as string[]).size === (classes as string[]).length, "classes", "a list without repeats");
  const shape = s["inputShape"];
  need(
    Array.isArray(shape) && shape.length === 3 && isInt(shape[0], 1, MAX_SIDE) && isInt(shape[1], 1, MAX_SIDE) && isInt(shape[2], 1, 4),
    "inputShape",
    `[height, width, channels] with sides 1–${MAX_SIDE} and 1–4 channels`,
  );
  const pre = s["preprocessing"];
  need(
    isObject(pre) &&
      isObject(pre["train"]) &&
      isObject(pre["val"]) &&
      Array.isArray(pre["mean"]) &&
      Array.isArray(pre["std"]) &&
      (pre["mean"] as unknown[]).every(isNum) &&
      (pre["std"] as unknown[]).every((v) => isNum(v) && v !== 0),
    "preprocessing",
    "the preprocessing object alexc writes",
  );
  const training = s["training"];
  need(
    isObject(training) &&
      isObject(training["optimizer"]) &&
      typeof training["optimizer"]["name"] === "string" &&
      isNum(training["optimizer"]["lr"]) &&
      isInt(training["batch"], 1, 1_000_000) &&
      isInt(training["epochs"], 1, MAX_HISTORY) &&
      isObject(training["loss"]),
    "training",
    "the training settings alexc writes",
  );
  const data = s["data"];
  need(isObject(data) && typeof data["train"] === "string" && isNum(data["valSplit"]), "data", "the data description alexc writes");
  const record = (r: unknown): boolean => isObject(r) && isInt(r["epoch"], 1, MAX_HISTORY) && isNum(r["trainLoss"]);
  const history = s["history"];
  need(Array.isArray(history) && history.length <= MAX_HISTORY && history.every(record), "history", "a list of epoch records");
  need(s["best"] === undefined || record(s["best"]), "best", "an epoch record");
  const position = s["position"];
  need(
    position === undefined ||
      (isObject(position) &&
        isInt(position["batches"], 0, 1e9) &&
        isObject(position["sums"]) &&
        ["lossSum", "correct", "images", "seconds"].every((k) => isNum((position["sums"] as Record<string, unknown>)[k]))),
    "position",
    "the position alexc writes",
  );
  need(
    s["unreadable"] === undefined || (Array.isArray(s["unreadable"]) && s["unreadable"].every((p) => typeof p === "string")),
    "unreadable",
    "a list of paths",
  );
  return s as T;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, uint16: 2 };

/** Bytes a weight manifest entry occupies in its .bin file; refuses what alexc never writes (strings, odd shapes). */
export function entryBytes(path: string, w: unknown): number {
  if (!isObject(w) || typeof w["name"] !== "string" || !Array.isArray(w["shape"]) || !w["shape"].every((d) => isInt(d, 0, 2 ** 31))) {
    return fail(path, `a weight entry is malformed (${JSON.stringify(w)?.slice(0, 80)})`);
  }
  const quantization = w["quantization"];
  const dtype = isObject(quantization) ? quantization["dtype"] : w["dtype"];
  const size = typeof dtype === "string" ? DTYPE_BYTES[dtype] : undefined;
  if (size === undefined) return fail(path, `weight ${w["name"]} has the dtype ${JSON.stringify(dtype)}, which alexc does not read`);
  const count = (w["shape"] as number[]).reduce((a, b) => a * b, 1);
  if (count > 2 ** 31) return fail(path, `weight ${w["name"]} has ${count} values, more than any model alexc builds`);
  return count * size;
}

export interface CheckedManifest {
  specs: tf.io.WeightsManifestEntry[];
  /** The weight files, as paths inside the checkpoint folder, in manifest order. */
  files: string[];
  bytes: number;
}

/**
 * model.json's weightsManifest: every path a plain file name in `dir` (./weights.bin), the total
 * size computed from the entries. Nothing is read but model.json.
 */
export function checkManifest(dir: string, modelJsonPath: string, json: unknown): CheckedManifest {
  if (!isObject(json) || !Array.isArray(json["weightsManifest"]) || !isObject(json["modelTopology"]))
    return fail(modelJsonPath, "no modelTopology and weightsManifest");
  const specs: tf.io.WeightsManifestEntry[] = [];
  const files: string[] = [];
  let bytes = 0;
  for (const group of json["weightsManifest"] as unknown[]) {
    if (!isObject(group) || !Array.isArray(group["paths"]) || !Array.isArray(group["weights"]))
      return fail(modelJsonPath, "a weightsManifest group has no paths or weights");
    for (const p of group["paths"] as unknown[]) {
      const name = typeof p === "string" ? p.replace(/^\.\//, "") : "";
      if (name === "" || name !== basename(name) || name === ".." || name === "." || name.includes("\\") || name.includes("\0")) {
        return fail(
          modelJsonPath,
          `the weight path ${JSON.stringify(p)} leaves the checkpoint folder; only file names beside model.json are read`,
        );
      }
      files.push(join(dir, name));
    }
    for (const w of group["weights"] as unknown[]) {
      bytes += entryBytes(modelJsonPath, w);
      specs.push(w as tf.io.WeightsManifestEntry);
    }
  }
  return { specs, files, bytes };
}

/** Reads weight files whose total must be exactly `bytes`: a short or long file is named. */
export function readWeightFiles(files: string[], bytes: number, describedBy: string): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  for (const f of files) {
    const part = readCheckpointFile(f, Math.max(0, bytes - total));
    parts.push(part);
    total += part.length;
  }
  if (total !== bytes) {
    fail(files.join(", "), `${total} bytes, but ${describedBy} describes ${bytes}: the file is truncated or belongs to another checkpoint`);
  }
  // One file is the usual case: no second copy of what may be hundreds of megabytes.
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
