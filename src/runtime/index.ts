/**
 * Public API of `alexc/runtime`, imported by generated training code.
 * Importing it loads @tensorflow/tfjs-backend-wasm, which makes 'wasm' the
 * default backend: call `await selectBackend()` before any other tf call.
 */
import './tfjs-fixes.js';
export { AlexcRuntimeError } from './errors.js';
export { selectBackend } from './backend.js';
export type { BackendChoice, BackendSelection } from './backend.js';
export { registerWasmGradientKernels, unregisterWasmGradientKernels } from './wasm-kernels.js';
export { registerWasmMaxPoolGrad, unregisterWasmMaxPoolGrad } from './wasm-maxpool-grad.js';
export { setTorchConv2dWeights } from './torch-weights.js';
