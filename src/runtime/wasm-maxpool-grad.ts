/**
 * MaxPoolGrad for the tfjs wasm backend. The stock 4.22 kernel sends the gradient of every window
 * whose maximum is ≤ 0 to the first element of the tensor instead of to that maximum (and keeps only
 * one of them there): for a 4×4 input of −1…−16 and 2×2 windows it gives dx = 1 at the first
 * element and 0 elsewhere, where tfjs-cpu and PyTorch give 1 at each window's maximum. A max-pool fed
 * by a conv without a ReLU, or next to −∞ padding, then trains on wrong gradients. This kernel routes
 * each dy to its window's first maximum, as tfjs-cpu and PyTorch do (cells outside the input never win).
 * It is no slower than the stock kernel on AlexNet's pools (docs/benchmarks.md, `npm run bench`).
 */
import * as tf from "./tf.js";
import { replaceKernel, restoreStock } from "./wasm-registry.js";

const NAME = "MaxPoolGrad";

interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

function maxPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const heap = args.backend as WasmHeap;
  const x = args.inputs["input"] as tf.TensorInfo;
  const dy = args.inputs["dy"] as tf.TensorInfo;
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const dx = heap.makeOutput(x.shape, "float32");
  // Views after makeOutput: an allocation may grow (and so detach) the heap.
  const xs = heap.typedArrayFromHeap(x);
  const dys = heap.typedArrayFromHeap(dy);
  const dxs = heap.typedArrayFromHeap(dx);
  dxs.fill(0);
  const rowStride = inWidth * inChannels;
  for (let b = 0; b < batchSize; b++) {
    const xBase = b * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = Math.max(0, oh * strideHeight - top);
      const r1 = Math.min(inHeight, oh * strideHeight - top + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const c0 = Math.max(0, ow * strideWidth - left);
        const c1 = Math.min(inWidth, ow * strideWidth - left + filterWidth);
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * inChannels;
        for (let ch = 0; ch < inChannels; ch++) {
          let best = -1;
          let max = -Infinity;
          for (let r = r0; r < r1; r++) {
            for (let c = c0; c < c1; c++) {
              const at = xBase + r * rowStride + c * inChannels + ch;
              const v = xs[at]!;
              // PyTorch's rule: the first maximum wins, a NaN always does.
              if (best < 0 || v > max || Number.isNaN(v)) {
                max = v;
                best = at;
              }
            }
          }
          if (best >= 0) dxs[best] = dxs[best]! + dys[dyBase + ch]!;
        }
      }
    }
  }
  return dx;
}

/**
 * Replaces the wasm MaxPoolGrad with alexc's. Call before `tf.setBackend('wasm')`. Idempotent;
 * returns the kernel names alexc now supplies.
 */
export function registerWasmMaxPoolGrad(): string[] {
  replaceKernel(NAME, () => maxPoolGrad);
  return [NAME];
}

/** Restores the stock kernel (for tests that compare against it). */
export function unregisterWasmMaxPoolGrad(): void {
  restoreStock(NAME);
}
