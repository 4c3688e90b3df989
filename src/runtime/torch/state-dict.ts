/**
 * Reads a PyTorch state dict from a file: safetensors, or torch.save's zip format (a state dict,
 * or a checkpoint dict holding one under `model` or `state_dict`, as train.py and torchvision's
 * hubs write). The file is bounded on read, its structure checked before allocation, and every
 * tensor converted to float32 (tfjs's training type).
 */
import { READ_LIMITS, readBoundedSync, ReadRefused } from "../bounded-read.js";
import { DTYPE_BYTES, decodeElements, elementCount, type StateDict } from "./dtypes.js";
import { refuse } from "./errors.js";
import { unpickle, type PickleValue, type TensorRef } from "./pickle.js";
import { readSafetensors } from "./safetensors.js";
import { isZip, ZipReader } from "./zip.js";

/** Keys under which checkpoint dicts hold the state dict, in the order they are tried. */
const WRAPPERS = ["model", "state_dict", "model_state_dict"];

const isTensor = (v: PickleValue): v is TensorRef => typeof v === "object" && v !== null && (v as TensorRef).kind === "tensor";

export function readStateDict(file: string): StateDict {
  return readTorchWeights(file).dict;
}

/** A state dict and, from a checkpoint dict that names them (train.py's `classes`), its class names. */
export interface TorchWeights {
  dict: StateDict;
  classes?: string[];
}

export function readTorchWeights(file: string): TorchWeights {
  let bytes: Uint8Array;
  try {
    bytes = readBoundedSync(file, READ_LIMITS.weights);
  } catch (e) {
    if (e instanceof ReadRefused) return refuse(file, e.message);
    throw e;
  }
  if (isZip(bytes)) return readTorchZip(file, bytes);
  // The legacy format (torch.save(..., _use_new_zipfile_serialization=False)) starts with a pickled magic number.
  if (bytes[0] === 0x80 && bytes.length > 1 && bytes[1]! <= 5)
    return refuse(file, "is in torch.save's legacy format (before PyTorch 1.6); load it in Python and save it again with torch.save");
  if (bytes.length >= 9 && bytes[8] === 0x7b /* { */) return { dict: readSafetensors(file, bytes) };
  return refuse(file, "is neither a torch.save zip file nor a safetensors file");
}

function readTorchZip(file: string, bytes: Uint8Array): TorchWeights {
  const zip = new ZipReader(file, bytes);
  const pkl = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkl.length !== 1)
    return refuse(file, `is a zip file but not a torch.save file (${pkl.length === 0 ? "no" : "more than one"} <archive>/data.pkl)`);
  const prefix = pkl[0]!.slice(0, -"data.pkl".length);
  const byteorder = zip.entries.has(`${prefix}byteorder`) ? Buffer.from(zip.read(`${prefix}byteorder`, 16)).toString() : "little";
  if (byteorder !== "little") refuse(file, `was saved on a ${byteorder}-endian machine; alexc reads little-endian files`);
  const root = unpickle(file, zip.read(pkl[0]!, READ_LIMITS.json * 4));
  const dict = stateDictIn(file, root);
  const storages = new Map<string, Uint8Array>();
  const out: StateDict = new Map();
  for (const [key, t] of dict) {
    let data = storages.get(t.storage.key);
    if (!data) {
      const name = `${prefix}data/${t.storage.key}`;
      const bytesNeeded = t.storage.numel * DTYPE_BYTES[t.storage.dtype];
      data = zip.read(name, bytesNeeded);
      if (data.length !== bytesNeeded)
        refuse(
          file,
          `the storage ${name} holds ${data.length} bytes, but ${bytesNeeded} are declared (${t.storage.numel} × ${t.storage.dtype})`,
        );
      storages.set(t.storage.key, data);
    }
    out.set(key, { dtype: t.storage.dtype, shape: t.size, values: decodeElements(data, t.storage.dtype, strided(t)) });
  }
  const classes = classNamesIn(root);
  return classes ? { dict: out, classes } : { dict: out };
}

/** A checkpoint dict's `classes`, when it is a list of distinct strings (train.py writes the data set's). */
function classNamesIn(root: PickleValue): string[] | undefined {
  if (!(root instanceof Map)) return undefined;
  const names = root.get("classes");
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === "string")) return undefined;
  return new Set(names).size === names.length ? (names as string[]) : undefined;
}

/** Element indices of a (possibly non-contiguous) view, in row-major order. */
function strided(t: TensorRef): Uint32Array {
  const count = elementCount(t.size);
  const out = new Uint32Array(count);
  const index = new Array<number>(t.size.length).fill(0);
  for (let i = 0; i < count; i++) {
    let at = t.offset;
    for (let d = 0; d < index.length; d++) at += index[d]! * t.stride[d]!;
    out[i] = at;
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d]! < t.size[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

/** The state dict in the pickle's root: the root itself, or a wrapper's `model`/`state_dict`. */
function stateDictIn(file: string, root: PickleValue): Map<string, TensorRef> {
  if (!(root instanceof Map))
    return refuse(file, "holds no dict of tensors (torch.save(model) of a whole module is not read: save model.state_dict())");
  const tensors = (d: Map<PickleValue, PickleValue>): Map<string, TensorRef> | undefined => {
    const out = new Map<string, TensorRef>();
    for (const [k, v] of d) {
      if (typeof k !== "string" || !isTensor(v)) return undefined;
      out.set(k, v);
    }
    return out.size > 0 ? out : undefined;
  };
  const direct = tensors(root);
  if (direct) return direct;
  for (const w of WRAPPERS) {
    const inner = root.get(w);
    if (inner instanceof Map) {
      const found = tensors(inner);
      if (found) return found;
    }
  }
  const keys = [...root.keys()].filter((k) => typeof k === "string").slice(0, 8);
  return refuse(
    file,
    `holds a dict without a state dict: neither its own values nor ${WRAPPERS.map((w) => `'${w}'`).join(", ")} are all tensors (keys: ${keys.join(", ") || "none"})`,
  );
}
