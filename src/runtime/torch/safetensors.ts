/**
 * safetensors: an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}`, then the raw
 * little-endian bytes. Nothing in it is code; the header's sizes and offsets are checked against
 * the file before any tensor is decoded.
 */
import { DTYPE_BYTES, contiguous, decodeElements, elementCount, type StateDict, type TorchDtype } from "./dtypes.js";
import { refuse } from "./errors.js";

const CODES: Record<string, TorchDtype> = { F32: "float32", F16: "float16", BF16: "bfloat16", F64: "float64", I64: "int64" };
const NAMES: Record<TorchDtype, string> = { float32: "F32", float16: "F16", bfloat16: "BF16", float64: "F64", int64: "I64" };
const MAX_HEADER = 100 * 1024 * 1024;

export function readSafetensors(file: string, bytes: Uint8Array): StateDict {
  const bad = (why: string): never => refuse(file, `not a readable safetensors file: ${why}`);
  if (bytes.length < 8) bad(`${bytes.length} bytes, shorter than the header length`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(Math.min(MAX_HEADER, bytes.length - 8)))
    bad(`the header declares ${declared} bytes, but the file holds ${bytes.length - 8} after the length`);
  const headerEnd = 8 + Number(declared);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, headerEnd)).toString("utf8"));
  } catch (e) {
    return bad(`the header is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) bad("the header is not a JSON object");
  const data = bytes.subarray(headerEnd);
  const dict: StateDict = new Map();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") continue;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== "object" || e === null) bad(`${name}: not a tensor entry`);
    const dtype = typeof e.dtype === "string" ? CODES[e.dtype] : undefined;
    if (!dtype) bad(`${name} has the dtype ${JSON.stringify(e.dtype)}; alexc reads F32, F16, BF16, F64 and I64`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((n) => Number.isSafeInteger(n) && n >= 0))
      bad(`${name}: the shape ${JSON.stringify(shape)} is not a list of up to 8 whole numbers`);
    const offsets = e.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((n) => Number.isSafeInteger(n) && n >= 0) ||
      offsets[0] > offsets[1]
    )
      bad(`${name}: data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
    const [begin, end] = offsets as [number, number];
    const count = elementCount(shape as number[]);
    const expected = count * DTYPE_BYTES[dtype!];
    if (end - begin !== expected)
      bad(`${name}: ${end - begin} bytes for a ${dtype} tensor of shape [${(shape as number[]).join(", ")}], which takes ${expected}`);
    if (end > data.length) bad(`${name} ends at byte ${end} of the data, but the file holds ${data.length}: the file is truncated`);
    const values = decodeElements(data.subarray(begin, end), dtype!, contiguous(count));
    dict.set(name, { dtype: dtype!, shape: shape as number[], values });
  }
  return dict;
}

/** float32 tensors (int64 for those marked so) as safetensors, keys in the given order. */
export function writeSafetensors(dict: StateDict, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of dict) {
    const dtype: TorchDtype = t.dtype === "int64" ? "int64" : "float32";
    const bytes = new Uint8Array(t.values.length * DTYPE_BYTES[dtype]);
    const view = new DataView(bytes.buffer);
    t.values.forEach((v, i) =>
      dtype === "int64" ? view.setBigInt64(i * 8, BigInt(Math.round(v)), true) : view.setFloat32(i * 4, v, true),
    );
    header[name] = { dtype: NAMES[dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    parts.push(bytes);
  }
  let json = JSON.stringify(header);
  // The data starts 8-byte aligned, as the reference writer pads its header with spaces.
  json += " ".repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
