/**
 * Picks the TensorFlow.js backend for generated training code.
 *
 * Order for 'auto': native libtensorflow (GPU, then CPU build) → wasm with
 * alexc's gradient kernels → pure-JS cpu. The native packages are optional
 * and usually absent (their install downloads libtensorflow), so they are
 * imported dynamically and a missing one is an expected outcome, not a crash.
 */
import * as tf from '@tensorflow/tfjs';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import { AlexcRuntimeError } from './errors.js';
import { registerWasmGradientKernels } from './wasm-kernels.js';
import { registerWasmMaxPoolGrad } from './wasm-maxpool-grad.js';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export interface BackendSelection { name: string; detail: string }

const CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

const INSTALL_HINT =
  'Install a native binding: `npm install @tensorflow/tfjs-node-gpu` (NVIDIA GPU with CUDA; its install ' +
  'downloads libtensorflow, so it needs network access to storage.googleapis.com) or ' +
  '`npm install @tensorflow/tfjs-node` (CPU build, same download). Or run with ALEXC_BACKEND=wasm.';

/** Loads the first native binding that imports and activates; records why each one failed. */
async function tryNative(failures: string[]): Promise<BackendSelection | undefined> {
  for (const pkg of NATIVE_PACKAGES) {
    try {
      // A string-typed specifier keeps tsc from failing (TS2307) on an absent optional package.
      const specifier: string = pkg;
      await import(specifier);
      if (await tf.setBackend('tensorflow')) {
        await tf.ready();
        const gpu = pkg.endsWith('-gpu');
        return { name: 'tensorflow', detail: `${pkg}, native libtensorflow${gpu ? ' with CUDA' : ' (CPU)'}` };
      }
      failures.push(`${pkg}: imported, but the 'tensorflow' backend did not initialise`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      failures.push(code === 'ERR_MODULE_NOT_FOUND' ? `${pkg}: not installed` : `${pkg}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

async function tryWasm(): Promise<BackendSelection | undefined> {
  // Must precede setBackend('wasm'): the replaced kernel's setup runs at backend init.
  const supplied = registerWasmGradientKernels();
  registerWasmMaxPoolGrad();
  if (!(await tf.setBackend('wasm'))) return undefined;
  await tf.ready();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = tfwasm.getThreadsCount();
  return {
    name: 'wasm',
    detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}; ${supplied.join(' and ')} supplied by alexc`,
  };
}

async function useCpu(): Promise<BackendSelection> {
  await tf.setBackend('cpu');
  await tf.ready();
  return { name: 'cpu', detail: 'pure JavaScript; training convnets will be extremely slow' };
}

function defaultChoice(): BackendChoice {
  const env = process.env['ALEXC_BACKEND'];
  if (env === undefined || env === '') return 'auto';
  if ((CHOICES as readonly string[]).includes(env)) return env as BackendChoice;
  throw new AlexcRuntimeError(`alexc: ALEXC_BACKEND='${env}' is not one of ${CHOICES.join(', ')}`);
}

async function select(choice: BackendChoice): Promise<BackendSelection> {
  const failures: string[] = [];
  switch (choice) {
    case 'tensorflow': {
      const native = await tryNative(failures);
      if (native) return native;
      throw new AlexcRuntimeError(
        `alexc: backend 'tensorflow' was requested but no native TensorFlow binding could be loaded ` +
        `(${failures.join('; ')}). ${INSTALL_HINT}`);
    }
    case 'wasm': {
      const wasm = await tryWasm();
      if (wasm) return wasm;
      throw new AlexcRuntimeError("alexc: backend 'wasm' was requested but @tensorflow/tfjs-backend-wasm failed to initialise");
    }
    case 'cpu':
      return useCpu();
    case 'auto': {
      const picked = (await tryNative(failures)) ?? (await tryWasm());
      if (picked) return picked;
      const cpu = await useCpu();
      // Loud on purpose: a silent cpu fallback looks like a hang (minutes per step).
      console.error(
        'alexc: WARNING: neither a native TensorFlow binding nor the wasm backend is usable; falling back to the ' +
        'pure-JavaScript cpu backend. Training will be EXTREMELY slow (minutes per step). ' + INSTALL_HINT);
      return cpu;
    }
    default:
      throw new AlexcRuntimeError(`alexc: unknown backend '${String(choice)}'; expected one of ${CHOICES.join(', ')}`);
  }
}

// Serialise calls: two overlapping setBackend sequences could interleave.
let queue: Promise<unknown> = Promise.resolve();
let lastAnnounced = '';

/**
 * Activates a backend and returns what was chosen. `choice` defaults to env
 * ALEXC_BACKEND, else 'auto'. Idempotent: repeated calls re-activate the same
 * backend cheaply and announce it only when it changes.
 */
export function selectBackend(
  choice?: BackendChoice,
  log: (line: string) => void = (line) => console.error(line),
): Promise<BackendSelection> {
  const result = queue.then(async () => {
    const picked = await select(choice ?? defaultChoice());
    const line = `alexc: backend ${picked.name} (${picked.detail})`;
    if (line !== lastAnnounced) log(line);
    lastAnnounced = line;
    return picked;
  });
  queue = result.catch(() => undefined);
  return result;
}
