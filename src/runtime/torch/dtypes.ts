/**
 * The element types alexc reads from PyTorch files, all converted to float32 (tfjs trains in
 * float32): float32, float16, bfloat16, float64, and int64 for batchnorm's num_batches_tracked.
 * Little-endian only, as every file torch.save writes on x86 and ARM.
 */
export type TorchDtype = "float32" | "float16" | "bfloat16" | "float64" | "int64";

export const DTYPE_BYTES: Record<TorchDtype, number> = { float32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8 };

/** A tensor read from a file: its dtype there, its shape, and its values as float32 in row-major order. */
export interface TorchTensor {
  dtype: TorchDtype;
  shape: number[];
  values: Float32Array;
}

/** Names by key, in the file's order. */
export type StateDict = Map<string, TorchTensor>;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** `count` elements of `dtype` from `bytes` at element index `at`, as float32. */
export function decodeElements(bytes: Uint8Array, dtype: TorchDtype, indices: ArrayLike<number>): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(indices.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < indices.length; i++) {
    const at = indices[i]!;
    switch (dtype) {
      case "float32":
        out[i] = view.getFloat32(at * 4, true);
        break;
      case "float16":
        out[i] = halfToFloat(view.getUint16(at * 2, true));
        break;
      case "bfloat16":
        // bfloat16 is the top half of a float32.
        u32[0] = view.getUint16(at * 2, true) << 16;
        out[i] = f32[0]!;
        break;
      case "float64":
        out[i] = view.getFloat64(at * 8, true);
        break;
      case "int64":
        out[i] = Number(view.getBigInt64(at * 8, true));
        break;
    }
  }
  return out;
}

/** 0, 1, …, n − 1: a contiguous tensor's element indices. */
export function contiguous(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
