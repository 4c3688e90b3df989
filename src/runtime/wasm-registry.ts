/**
 * Putting alexc's kernels in place of the tfjs wasm backend's (wasm-kernels.ts,
 * wasm-maxpool-grad.ts), and taking them out again for tests and benchmarks
 * that compare against stock tfjs. Replace before `tf.setBackend('wasm')`: a
 * kernel's setup (its wasm function binding) runs at backend initialisation.
 */
import * as tf from "./tf.js";
// Side effect: registers the wasm backend and its stock kernels, which must
// exist before they can be looked up and wrapped.
import "@tensorflow/tfjs-backend-wasm";

export const BACKEND = "wasm";

/**
 * Marks configs we registered, so a second call neither re-wraps nor recurses,
 * and keeps the replaced stock config on the registry entry itself (not in a
 * module variable) so it survives this module being loaded twice.
 */
const MARK = "alexcReplacement";
type MarkedConfig = tf.KernelConfig & { [MARK]?: true; alexcStock?: tf.KernelConfig };

export function isOurs(name: string): boolean {
  return (tf.getKernel(name, BACKEND) as MarkedConfig | undefined)?.[MARK] === true;
}

/**
 * Registers `make(stock)` as the wasm kernel `name`, unless it already is alexc's.
 * `stock` is the kernel it replaces (undefined where wasm has none); `make` may
 * decline by returning undefined. The stock setup and dispose are kept: they
 * bind the wasm export a fallback to the stock kernel calls. Idempotent.
 */
export function replaceKernel(name: string, make: (stock: tf.KernelConfig | undefined) => tf.KernelFunc | undefined): void {
  if (isOurs(name)) return;
  const stock = tf.getKernel(name, BACKEND);
  const kernelFunc = make(stock);
  if (kernelFunc === undefined) return;
  const config: MarkedConfig = { kernelName: name, backendName: BACKEND, kernelFunc, [MARK]: true };
  if (stock !== undefined) {
    config.alexcStock = stock;
    if (stock.setupFunc !== undefined) config.setupFunc = stock.setupFunc;
    if (stock.disposeFunc !== undefined) config.disposeFunc = stock.disposeFunc;
    tf.unregisterKernel(name, BACKEND);
  }
  tf.registerKernel(config);
}

/** Puts the stock kernel back (none, where wasm had none). No-op when `name` is not alexc's. */
export function restoreStock(name: string): void {
  const config = tf.getKernel(name, BACKEND) as MarkedConfig | undefined;
  if (config?.[MARK] !== true) return;
  tf.unregisterKernel(name, BACKEND);
  if (config.alexcStock !== undefined) tf.registerKernel(config.alexcStock);
}
