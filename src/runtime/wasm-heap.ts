/**
 * Running out of the wasm heap, said as such. WebAssembly's 32-bit memory stops at 4 GiB, and
 * tfjs-backend-wasm 4.22 does not check what its `_malloc` returns: a failed allocation becomes a
 * tensor at address 0, which corrupted memory and hung a threaded VGG-11 step for minutes. The same
 * unchecked path wraps a request of 4 GiB or more to a small one, and a failed growth past 2 GiB can
 * return an address beyond the heap's end. The guard turns all three into an error naming the limit
 * and the ways out; an abort inside the wasm code near the limit is explained the same way.
 * Allocations XNNPACK makes inside the wasm code are not seen: tfjs prints "XNN status … Got status
 * 6" for those and carries on, and the next tensor allocation then fails here.
 */
import * as tf from "./tf.js";
import { AlexcRuntimeError } from "./errors.js";

/** The most the wasm heap can grow to (emscripten's getHeapMax for wasm32: 4 GiB − 64 KiB). */
const HEAP_MAX = 4294901760;
const MIB = 2 ** 20;

interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  asm?: { malloc?: (bytes: number) => number };
  alexcGuarded?: true;
}

function wasmModule(): WasmModule | undefined {
  if (tf.getBackend() !== "wasm") return undefined;
  const module = (tf.backend() as unknown as { wasm?: WasmModule }).wasm;
  return typeof module?._malloc === "function" ? module : undefined;
}

// Not `alexc summary`'s estimate: on wasm the backend's packed weight copies and the heap's
// fragmentation come on top of it (VGG-11 at batch 2 reached 3.9 GiB against an estimate of 1.7).
const ADVICE =
  "WebAssembly can address at most 4 GiB. Train with a smaller --batch, or install @tensorflow/tfjs-node to train " +
  "natively without this limit (alexc's docs/training.md, “Memory on wasm”)";

function mib(bytes: number): string {
  return `${Math.round(bytes / MIB).toLocaleString("en-US")} MiB`;
}

/** Makes a failed wasm allocation throw instead of handing out address 0. Idempotent. */
export function guardWasmHeap(): void {
  const module = wasmModule();
  if (module === undefined || module.alexcGuarded) return;
  // The raw export: emscripten's `_malloc` is a stub that replaces itself with it on first call.
  const malloc = module.asm?.malloc ?? module._malloc.bind(module);
  const guarded = (bytes: number): number => {
    // Sizes of 4 GiB and more would wrap to a small 32-bit request: refuse them before asking.
    const at = bytes > HEAP_MAX ? 0 : malloc(bytes) >>> 0;
    // Past 2 GiB the heap's own growth can fail and still hand out an address beyond its end (seen
    // for a 2.6 GiB request with 2.6 GiB in use): an allocation that does not fit is a failure too.
    if (bytes > 0 && (at === 0 || at + bytes > module.HEAPU8.length)) {
      throw new AlexcRuntimeError(
        `alexc: the wasm backend ran out of memory: ${mib(bytes)} more was needed with the heap at ${mib(module.HEAPU8.length)}. ${ADVICE}.`,
      );
    }
    return at;
  };
  // A property that ignores writes, so that stub (or anything else) cannot put the raw one back.
  Object.defineProperty(module, "_malloc", { get: () => guarded, set: () => {}, configurable: true });
  module.alexcGuarded = true;
}

/**
 * An error from inside the wasm code (abort, out-of-bounds access) when the heap is within 256 MiB of
 * its limit: almost surely memory, so say that rather than "internal error". Otherwise undefined.
 */
export function explainWasmFailure(e: unknown): AlexcRuntimeError | undefined {
  // WebAssembly.RuntimeError, named rather than referenced: the runtime is compiled without the DOM types.
  if (!(e instanceof Error) || e.name !== "RuntimeError") return undefined;
  const module = wasmModule();
  if (module === undefined || module.HEAPU8.length < HEAP_MAX - 256 * MIB) return undefined;
  return new AlexcRuntimeError(
    `alexc: the wasm backend failed (${e.message.split(".")[0]}) with its heap at ${mib(module.HEAPU8.length)}, its limit: it ran out of memory. ${ADVICE}.`,
  );
}
