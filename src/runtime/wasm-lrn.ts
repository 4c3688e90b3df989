/**
 * LRN and LRNGrad kernels for the tfjs wasm backend, which has neither (tfjs#4765): without them the
 * paper's AlexNet cannot even run forward on wasm. Same semantics as tf's kernels (and tfjs-cpu's):
 *
 *   y_c = x_c · N_c^−β,   N_c = bias + α · Σ_{|j − c| ≤ r} x_j²   (j clipped to the channels)
 *   dx_j = dy_j · N_j^−β − 2αβ · x_j · Σ_{|c − j| ≤ r} dy_c · y_c / N_c
 *
 * Computed in JavaScript straight on the wasm heap, per pixel with prefix sums over the channels, so a
 * step costs O(channels) per pixel whatever the radius. Sums are kept in float64.
 */
import * as tf from '@tensorflow/tfjs';
// Side effect: registers the wasm backend, whose kernel registry we add to.
import '@tensorflow/tfjs-backend-wasm';

const BACKEND = 'wasm';
const MARK = 'alexcReplacement';
type MarkedConfig = tf.KernelConfig & { [MARK]?: true };

/** The two heap accessors of the wasm backend these kernels need. */
interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface LrnAttrs { depthRadius: number; bias: number; alpha: number; beta: number }

/** N_c for every channel of one pixel, from the prefix sums of its squares. */
function norms(x: Float32Array, offset: number, channels: number, a: LrnAttrs, prefix: Float64Array, out: Float64Array): void {
  prefix[0] = 0;
  for (let j = 0; j < channels; j++) prefix[j + 1] = prefix[j]! + x[offset + j]! * x[offset + j]!;
  for (let c = 0; c < channels; c++) {
    const lo = Math.max(0, c - a.depthRadius);
    const hi = Math.min(channels - 1, c + a.depthRadius);
    out[c] = a.bias + a.alpha * (prefix[hi + 1]! - prefix[lo]!);
  }
}

function lrn(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const heap = args.backend as WasmHeap;
  const x = args.inputs['x'] as tf.TensorInfo;
  const a = args.attrs as unknown as LrnAttrs;
  const out = heap.makeOutput(x.shape, 'float32');
  // Views are taken after makeOutput: an allocation may grow (and so detach) the heap.
  const xs = heap.typedArrayFromHeap(x);
  const ys = heap.typedArrayFromHeap(out);
  const channels = x.shape[x.shape.length - 1]!;
  const prefix = new Float64Array(channels + 1);
  const n = new Float64Array(channels);
  for (let p = 0; p < xs.length; p += channels) {
    norms(xs, p, channels, a, prefix, n);
    for (let c = 0; c < channels; c++) ys[p + c] = xs[p + c]! * Math.pow(n[c]!, -a.beta);
  }
  return out;
}

function lrnGrad(args: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const heap = args.backend as WasmHeap;
  const [x, y, dy] = (['x', 'y', 'dy'] as const).map((k) => args.inputs[k] as tf.TensorInfo) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  const a = args.attrs as unknown as LrnAttrs;
  const out = heap.makeOutput(x.shape, 'float32');
  const [xs, ys, dys, dxs] = [x, y, dy, out].map((t) => heap.typedArrayFromHeap(t)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const channels = x.shape[x.shape.length - 1]!;
  const prefix = new Float64Array(channels + 1);
  const n = new Float64Array(channels);
  const t = new Float64Array(channels + 1);
  for (let p = 0; p < xs.length; p += channels) {
    norms(xs, p, channels, a, prefix, n);
    // Prefix sums of dy_c · y_c / N_c, the part every input channel in c's window receives.
    t[0] = 0;
    for (let c = 0; c < channels; c++) t[c + 1] = t[c]! + (dys[p + c]! * ys[p + c]!) / n[c]!;
    for (let j = 0; j < channels; j++) {
      const lo = Math.max(0, j - a.depthRadius);
      const hi = Math.min(channels - 1, j + a.depthRadius);
      dxs[p + j] = dys[p + j]! * Math.pow(n[j]!, -a.beta) - 2 * a.alpha * a.beta * xs[p + j]! * (t[hi + 1]! - t[lo]!);
    }
  }
  return out;
}

/**
 * Registers LRN and LRNGrad for 'wasm' where the backend has none. Call before
 * `tf.setBackend('wasm')`, like the gradient kernels. Idempotent; a stock kernel, should a
 * later tfjs ship one, is left in place. Returns the names of the kernels alexc supplies.
 */
export function registerWasmLrnKernels(): string[] {
  const supplied: string[] = [];
  for (const [kernelName, kernelFunc] of [['LRN', lrn], ['LRNGrad', lrnGrad]] as const) {
    const current = tf.getKernel(kernelName, BACKEND) as MarkedConfig | undefined;
    if (current === undefined) tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc, [MARK]: true } as MarkedConfig);
    if ((tf.getKernel(kernelName, BACKEND) as MarkedConfig | undefined)?.[MARK] === true) supplied.push(kernelName);
  }
  return supplied;
}

/** Removes alexc's LRN kernels again (for tests that need the stock registry). */
export function unregisterWasmLrnKernels(): void {
  for (const name of ['LRN', 'LRNGrad']) {
    if ((tf.getKernel(name, BACKEND) as MarkedConfig | undefined)?.[MARK] === true) tf.unregisterKernel(name, BACKEND);
  }
}
