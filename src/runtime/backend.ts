/**
 * Picks the TensorFlow.js backend for generated training code.
 *
 * Order for 'auto': native libtensorflow (GPU, then CPU build) → wasm with
 * alexc's gradient kernels → pure-JS cpu. The native packages are optional
 * and usually absent (their install downloads libtensorflow), so they are
 * imported dynamically and a missing one is an expected outcome, not a crash.
 * One that is installed but unusable (another @tensorflow version, no CUDA
 * device) is reported, never skipped silently; 'gpu' and 'tensorflow' fail.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "./tf.js";
import { AlexcRuntimeError } from "./errors.js";
import { registerWasmGradientKernels } from "./wasm-kernels.js";
import { registerWasmMaxPoolGrad } from "./wasm-maxpool-grad.js";
import { guardWasmHeap } from "./wasm-heap.js";
import { startWasmBackend, wasmThreadsWanted } from "./wasm-threads.js";

export type BackendChoice = "auto" | "tensorflow" | "gpu" | "wasm" | "cpu";
export interface BackendSelection {
  name: string;
  detail: string;
}
export interface BackendOptions {
  /** wasm threads (--threads); default env ALEXC_WASM_THREADS, else the core count (at most 8). */
  threads?: number;
}

const CHOICES: readonly BackendChoice[] = ["auto", "tensorflow", "gpu", "wasm", "cpu"];
const GPU_PACKAGE = "@tensorflow/tfjs-node-gpu";
const NATIVE_PACKAGES = [GPU_PACKAGE, "@tensorflow/tfjs-node"] as const;

/** Why a native package was not used; `installed` tells an expected absence from a real problem. */
interface Failure {
  pkg: string;
  installed: boolean;
  reason: string;
}

/**
 * The installed version of `pkg`, or undefined when it is not installed. Every @tensorflow package
 * must be the version of alexc's tfjs-core: a native binding built for another tfjs-core registers
 * its backend with that copy, and ours would never see it.
 */
function installedVersion(pkg: string): string | undefined {
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve(pkg);
  } catch {
    return undefined;
  }
  // Walk up from the entry point: `pkg/package.json` may be hidden by an "exports" map.
  for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (meta.name === pkg) return meta.version;
    } catch {
      // No package.json at this level.
    }
  }
  return undefined;
}

const INSTALL_HINT =
  "Install a native binding: `npm install @tensorflow/tfjs-node-gpu` (NVIDIA GPU with CUDA; its install " +
  "downloads libtensorflow, so it needs network access to storage.googleapis.com) or " +
  "`npm install @tensorflow/tfjs-node` (CPU build, same download). Or run with ALEXC_BACKEND=wasm.";

/** Whether the active 'tensorflow' backend runs on a CUDA device (tfjs-node-gpu without one runs on the CPU). */
function usingGpu(): boolean {
  return (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
}

/** Loads the first native binding that imports and activates; records why each one failed. */
async function tryNative(packages: readonly string[], failures: Failure[]): Promise<BackendSelection | undefined> {
  for (const pkg of packages) {
    const version = installedVersion(pkg);
    if (version === undefined) {
      failures.push({ pkg, installed: false, reason: "not installed" });
      continue;
    }
    if (version !== tf.version_core) {
      failures.push({
        pkg,
        installed: true,
        reason: `version ${version} is installed, but alexc's @tensorflow/tfjs-core is ${tf.version_core}; install ${pkg}@${tf.version_core}`,
      });
      continue;
    }
    try {
      // require(), not import(): the bindings are CommonJS packages, and this resolves them exactly
      // as their version was read above (tsc does not see the optional package either way).
      createRequire(import.meta.url)(pkg);
      if (await tf.setBackend("tensorflow")) {
        await tf.ready();
        const gpu = pkg === GPU_PACKAGE && usingGpu();
        return { name: "tensorflow", detail: `${pkg} ${version}, native libtensorflow ${gpu ? "on a CUDA GPU" : "on the CPU"}` };
      }
      failures.push({ pkg, installed: true, reason: "imported, but the 'tensorflow' backend did not initialise" });
    } catch (err) {
      failures.push({ pkg, installed: true, reason: (err as Error).message.split("\n")[0]! });
    }
  }
  return undefined;
}

/** 'A', 'A and B', 'A, B and C'. */
const listed = (names: string[]): string => (names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`);

const listFailures = (failures: Failure[]): string => failures.map((f) => `${f.pkg}: ${f.reason}`).join("; ");

async function tryWasm(options: BackendOptions): Promise<BackendSelection | undefined> {
  // Must precede setBackend('wasm'): the replaced kernel's setup runs at backend init.
  const supplied = registerWasmGradientKernels();
  registerWasmMaxPoolGrad();
  const started = await startWasmBackend(wasmThreadsWanted(options.threads));
  if (started === undefined) return undefined;
  await tf.ready();
  guardWasmHeap();
  const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
  const { threads, fallback } = started;
  // A failed threaded start is worth a word: the run works, just slower than asked.
  const why = fallback === undefined ? "" : ` (multithreaded wasm failed: ${fallback}; single-threaded build instead)`;
  return {
    name: "wasm",
    detail: `${simd ? "SIMD" : "no SIMD"}, ${threads} thread${threads === 1 ? "" : "s"}${why}; ${listed(supplied)} supplied by alexc`,
  };
}

async function useCpu(): Promise<BackendSelection> {
  await tf.setBackend("cpu");
  await tf.ready();
  return { name: "cpu", detail: "pure JavaScript; training convnets will be extremely slow" };
}

function defaultChoice(): BackendChoice {
  const env = process.env["ALEXC_BACKEND"];
  if (env === undefined || env === "") return "auto";
  if ((CHOICES as readonly string[]).includes(env)) return env as BackendChoice;
  throw new AlexcRuntimeError(`alexc: ALEXC_BACKEND='${env}' is not one of ${CHOICES.join(", ")}`);
}

async function select(choice: BackendChoice, options: BackendOptions): Promise<BackendSelection> {
  const failures: Failure[] = [];
  switch (choice) {
    case "tensorflow": {
      const native = await tryNative(NATIVE_PACKAGES, failures);
      if (native) return native;
      throw new AlexcRuntimeError(
        `alexc: backend 'tensorflow' was requested but no native TensorFlow binding could be loaded ` +
          `(${listFailures(failures)}). ${INSTALL_HINT}`,
      );
    }
    case "gpu": {
      const native = await tryNative([GPU_PACKAGE], failures);
      if (native && usingGpu()) return native;
      if (native) {
        throw new AlexcRuntimeError(
          `alexc: backend 'gpu' was requested and ${GPU_PACKAGE} loaded, but TensorFlow found no usable CUDA GPU and would ` +
            `run on the CPU. Check that \`nvidia-smi\` sees the GPU and that the CUDA and cuDNN versions libtensorflow ` +
            `${tf.version_core} needs are installed (see the tfjs-node-gpu README), or run with --backend tensorflow to accept the CPU.`,
        );
      }
      throw new AlexcRuntimeError(
        `alexc: backend 'gpu' was requested but ${GPU_PACKAGE} could not be loaded (${listFailures(failures)}). ` +
          `Install it with \`npm install ${GPU_PACKAGE}@${tf.version_core}\` (NVIDIA GPU with CUDA; its install downloads ` +
          "libtensorflow from storage.googleapis.com).",
      );
    }
    case "wasm": {
      const wasm = await tryWasm(options);
      if (wasm) return wasm;
      throw new AlexcRuntimeError("alexc: backend 'wasm' was requested but @tensorflow/tfjs-backend-wasm failed to initialise");
    }
    case "cpu":
      return useCpu();
    case "auto": {
      const native = await tryNative(NATIVE_PACKAGES, failures);
      const broken = failures.filter((f) => f.installed);
      // Installed but unusable is a setup problem the user should hear about, even though auto goes on.
      if (broken.length > 0) console.error(`alexc: WARNING: ${listFailures(broken)}; ${native ? "using another binding" : "falling back"}`);
      const picked = native ?? (await tryWasm(options));
      if (picked) return picked;
      const cpu = await useCpu();
      // Loud on purpose: a silent cpu fallback looks like a hang (minutes per step).
      console.error(
        "alexc: WARNING: neither a native TensorFlow binding nor the wasm backend is usable; falling back to the " +
          "pure-JavaScript cpu backend. Training will be EXTREMELY slow (minutes per step). " +
          INSTALL_HINT,
      );
      return cpu;
    }
    default:
      throw new AlexcRuntimeError(`alexc: unknown backend '${String(choice)}'; expected one of ${CHOICES.join(", ")}`);
  }
}

// Serialise calls: two overlapping setBackend sequences could interleave.
let queue: Promise<unknown> = Promise.resolve();
let lastAnnounced = "";

/**
 * Activates a backend and returns what was chosen. `choice` defaults to env
 * ALEXC_BACKEND, else 'auto'. Idempotent: repeated calls re-activate the same
 * backend cheaply and announce it only when it changes. The wasm thread
 * count is fixed when wasm first starts in the process.
 */
export function selectBackend(
  choice?: BackendChoice,
  log: (line: string) => void = (line) => console.error(line),
  options: BackendOptions = {},
): Promise<BackendSelection> {
  const result = queue.then(async () => {
    const picked = await select(choice ?? defaultChoice(), options);
    const line = `alexc: backend ${picked.name} (${picked.detail})`;
    if (line !== lastAnnounced) log(line);
    lastAnnounced = line;
    return picked;
  });
  queue = result.catch(() => undefined);
  return result;
}
