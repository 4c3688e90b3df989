/**
 * File writing that survives being killed midway, and tfjs `file://` model saving and loading
 * without tfjs-node (which is what provides them normally, and cannot be installed everywhere).
 * The on-disk layout is tfjs-node's: model.json beside one weights.bin, so checkpoints load with
 * `tf.loadLayersModel('file://…/model.json')` under either.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import * as tf from "./tf.js";
import { READ_LIMITS } from "./bounded-read.js";
import { checkManifest, readCheckpointJson, readWeightFiles } from "./checkpoint-check.js";

/** Writes to a temporary sibling, flushes it, then renames over `path`: old or new, never half. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, "w", 0o644);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/** Flushes a directory entry list, so renames inside it are on disk too. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export const MODEL_FILE = "model.json";
export const WEIGHTS_FILE = "weights.bin";

/**
 * The weights as one byte array. tfjs already hands one ArrayBuffer over (encodeWeights concatenates),
 * and CompositeArrayBuffer.join would copy it once more: for a 60 M-parameter checkpoint that is
 * 240 MB and a second and a half per save.
 */
export function joinWeights(data: tf.io.WeightData): Uint8Array {
  return new Uint8Array(data instanceof ArrayBuffer ? data : tf.io.CompositeArrayBuffer.join(data));
}

/** The bytes as an ArrayBuffer of their own, copied only when they are a view into a larger one. */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** A tfjs IOHandler reading and writing `dir`/model.json + `dir`/weights.bin. */
export function fileSystem(path: string): tf.io.IOHandler {
  const dir = path.endsWith(".json") ? dirname(path) : path;
  const modelFile = path.endsWith(".json") ? path : join(dir, MODEL_FILE);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error("alexc: binary model topologies cannot be saved as model.json");
      const weights = artifacts.weightData === undefined ? new Uint8Array(0) : joinWeights(artifacts.weightData);
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format!,
        generatedBy: artifacts.generatedBy!,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      writeFileAtomic(join(dir, WEIGHTS_FILE), weights);
      writeFileAtomic(modelFile, JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      // Checked like a checkpoint: bounded reads, weight paths confined to the folder, exact sizes.
      const json = readCheckpointJson(modelFile, READ_LIMITS.modelJson);
      const checked = checkManifest(dir, modelFile, json);
      return tf.io.getModelArtifactsForJSON(json as tf.io.ModelJSON, async () => {
        const bytes = readWeightFiles(checked.files, checked.bytes, modelFile);
        return [checked.specs, ownBuffer(bytes)];
      });
    },
  };
}

const FILE_SCHEME = "file://";
const routed = Symbol.for("alexc.fileRouter");

/**
 * Lets `model.save('file://dir')` and `tf.loadLayersModel('file://dir/model.json')` work as with
 * tfjs-node. Registered once per process (two routers for one URL make tfjs refuse to pick), and
 * not at all when a native binding already provides them.
 */
export function registerFileRouter(): void {
  const g = globalThis as { [routed]?: boolean };
  if (g[routed] || tf.io.getSaveHandlers(`${FILE_SCHEME}probe`).length > 0) return;
  g[routed] = true;
  const router = (url: string | string[]): tf.io.IOHandler => {
    const u = Array.isArray(url) ? url[0] : url;
    // tfjs's type says IOHandler, but routers answer null for URLs that are not theirs.
    return (typeof u === "string" && u.startsWith(FILE_SCHEME) ? fileSystem(u.slice(FILE_SCHEME.length)) : null) as tf.io.IOHandler;
  };
  tf.io.registerSaveRouter(router);
  tf.io.registerLoadRouter(router);
}
