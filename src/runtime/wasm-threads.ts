/**
 * Multithreaded tfjs wasm backend under Node.
 *
 * tfjs-backend-wasm 4.22 ships a threaded SIMD build but never uses it in Node
 * (`WASM_HAS_MULTITHREAD_SUPPORT` is forced false, tfjs#3830): its emscripten
 * pthreads start `worker_threads` from a `blob:` URL, which Node refuses, and
 * post the main script as a Blob, which a Node worker cannot import. This
 * module maps both to what the package ships in `wasm-out/` (the worker code
 * as eval'd source, the threaded glue as a file) with a `Worker` adapter.
 *
 * The C++ side caps its pool at min(n, 8, logical cores / 2), which gives one
 * thread on a 2-core machine, so the core count the glue sees is raised
 * (`os.cpus()`, during initialisation only) to honour the count asked for.
 *
 * Anything that goes wrong while starting (a worker error, a rejected or
 * hanging initialisation) is caught here: the workers are stopped and the
 * single-threaded build is started instead, with the reason reported.
 */
import os from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Worker as NodeWorker, type WorkerOptions } from "node:worker_threads";
import * as tf from "./tf.js";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import { AlexcRuntimeError } from "./errors.js";

/** Most threads the C++ side will start, whatever is asked. */
export const MAX_WASM_THREADS = 8;
/** Generous: a loaded machine can take seconds to start 8 workers; a hang must still end. */
const START_TIMEOUT_MS = 60_000;

export interface WasmStart {
  /** Threads the backend computes with (1 = single-threaded build). */
  threads: number;
  /** Set when more threads were asked for and the threaded build could not start. */
  fallback?: string;
}

/** Where the threaded build's worker code and glue script come from; tests point them elsewhere. */
export interface ThreadedFiles {
  workerScript: string;
  glueScript: string;
}

export function shippedThreadedFiles(): ThreadedFiles {
  const pkg = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json");
  const dir = join(dirname(pkg), "wasm-out");
  return {
    workerScript: join(dir, "tfjs-backend-wasm-threaded-simd.worker.js"),
    glueScript: join(dir, "tfjs-backend-wasm-threaded-simd.js"),
  };
}

/**
 * Threads asked for: `requested` (e.g. --threads), else env ALEXC_WASM_THREADS, else the default
 * (the cores this process may use; at most 8).
 */
export function wasmThreadsWanted(requested?: number): number {
  if (requested !== undefined) return Math.min(requested, MAX_WASM_THREADS);
  const env = process.env["ALEXC_WASM_THREADS"];
  if (env === undefined || env.trim() === "") return defaultThreads();
  const n = Number(env);
  if (!/^\s*\d+\s*$/.test(env) || n < 1) {
    throw new AlexcRuntimeError(`alexc: ALEXC_WASM_THREADS='${env}' is not a whole number ≥ 1 (1 = single-threaded wasm)`);
  }
  return Math.min(n, MAX_WASM_THREADS);
}

/**
 * One compute thread per core the process may use (at most 8). Measured on 2 cores with the
 * BatchMatMul rewrite: the seed model at 224×224 17.5 → 26.5 img/s and the 32×32 mini model
 * 631 → 758 img/s from 1 to 2 threads, data workers included (docs/benchmarks.md).
 */
function defaultThreads(): number {
  return Math.min(os.availableParallelism(), MAX_WASM_THREADS);
}

/** One attempt at starting the threaded build: the adapter's view of it. */
interface Attempt {
  workers: Set<NodeWorker>;
  /** Rejects with the first worker failure while starting. */
  failed: Promise<never>;
  fail(reason: Error): void;
  state: "starting" | "started" | "abandoned";
}

let attempt: Attempt | undefined;

/** Reads the worker code the package ships as a CommonJS string export (`wasmWorkerContents`). */
function workerSource(file: string): string {
  const contents = (createRequire(import.meta.url)(file) as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  if (typeof contents !== "string") throw new Error(`${file} does not export the pthread worker code`);
  // As tfjs does before making its Blob: the string holds literal newlines inside quoted strings.
  return contents.replace(/\n/g, "\\n");
}

function workerClass(files: ThreadedFiles): typeof NodeWorker {
  const source = workerSource(files.workerScript);
  /** The Worker the emscripten glue constructs: blob URLs become the shipped code, the Blob script its file. */
  return class PthreadWorker extends NodeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      if (String(url).startsWith("blob:")) super(source, { eval: true });
      else super(url, options);
      this.attempt = attempt;
      this.unref();
      attempt?.workers.add(this);
    }

    private readonly attempt: Attempt | undefined;

    // The glue refs a worker while its pthread runs; XNNPACK's pool threads run (idle) for the
    // life of the process, and would keep a finished program from exiting.
    override ref(): void {}

    override postMessage(message: unknown, transfer?: Parameters<NodeWorker["postMessage"]>[1]): void {
      const m = message as { cmd?: unknown; urlOrBlob?: unknown } | null;
      if (m !== null && typeof m === "object" && m.cmd === "load" && typeof m.urlOrBlob !== "string") {
        message = { ...m, urlOrBlob: files.glueScript };
      }
      super.postMessage(message, transfer);
    }

    // Until start-up succeeds a worker error is ours to report (the glue would rethrow it as an
    // uncaught exception); after a failed start, the other workers' late errors are ignored.
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      const a = this.attempt;
      if (a !== undefined && a.state !== "started") {
        if (event === "error") {
          a.fail(args[0] instanceof Error ? args[0] : new Error(String(args[0])));
          return true;
        }
        if (event === "exit" && a.state === "starting")
          a.fail(new Error(`a pthread worker exited with code ${String(args[0])} while starting`));
      }
      return super.emit(event, ...args);
    }
  };
}

/** The glue assigns `global.Worker = worker_threads.Worker` when it starts; the accessor keeps ours in place. */
function installWorker(cls: typeof NodeWorker): void {
  Object.defineProperty(globalThis, "Worker", { configurable: true, get: () => cls, set: () => undefined });
}

/** After start-up a plain property: the glue may still create workers, and others may set their own. */
function settleWorker(cls: typeof NodeWorker): void {
  Object.defineProperty(globalThis, "Worker", { configurable: true, writable: true, value: cls });
}

/** Reports at least `cores` logical cores to the glue until the returned function is called. */
function raiseCoreCount(cores: number): () => void {
  const original = os.cpus;
  os.cpus = () => {
    const real = original();
    return real.length >= cores || real.length === 0 ? real : Array.from({ length: cores }, (_, i) => real[i % real.length]!);
  };
  return () => {
    os.cpus = original;
  };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;

async function startSingle(): Promise<boolean> {
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  return tf.setBackend("wasm");
}

/** Starts the threaded build with `threads` threads; resolves false or rejects when it cannot. */
async function startThreaded(threads: number, files: ThreadedFiles): Promise<boolean> {
  let fail!: (e: Error) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined);
  const a: Attempt = { workers: new Set(), failed, fail: (e) => fail(e), state: "starting" };
  attempt = a;
  const cls = workerClass(files);
  installWorker(cls);
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  tfwasm.setThreadsCount(threads);
  const restoreCores = raiseCoreCount(2 * threads);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not started after ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    timer.unref();
  });
  try {
    const ok = await Promise.race([tf.setBackend("wasm"), failed, timeout]);
    if (ok) {
      a.state = "started";
      settleWorker(cls);
    }
    return ok;
  } finally {
    clearTimeout(timer);
    restoreCores();
    attempt = undefined;
    if (a.state !== "started") {
      a.state = "abandoned";
      for (const w of a.workers) void w.terminate();
    }
  }
}

/**
 * Activates tfjs's 'wasm' backend, threaded when `threads` > 1 and that works, otherwise
 * single-threaded. Resolves undefined if even the single-threaded build does not start. The
 * thread count is fixed at the first start: later calls re-activate what is running.
 */
export async function startWasmBackend(threads: number, files: ThreadedFiles = shippedThreadedFiles()): Promise<WasmStart | undefined> {
  if (tf.findBackend("wasm") !== null || threads <= 1) {
    if (!(tf.findBackend("wasm") !== null ? await tf.setBackend("wasm") : await startSingle())) return undefined;
    return { threads: tfwasm.getThreadsCount() };
  }
  let reason: string;
  try {
    if (await startThreaded(threads, files)) {
      await tf.ready();
      return { threads: tfwasm.getThreadsCount() };
    }
    reason = "the threaded build did not initialise";
  } catch (e) {
    reason = message(e);
  }
  if (!(await startSingle())) return undefined;
  await tf.ready();
  return { threads: tfwasm.getThreadsCount(), fallback: reason };
}
