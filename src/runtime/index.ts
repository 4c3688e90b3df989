/**
 * Public API of `alexc/runtime`, imported by generated train.ts and predict.ts.
 * Importing it loads @tensorflow/tfjs-backend-wasm, which makes 'wasm' the
 * default backend: call `await selectBackend()` before any other tf call
 * (train() and predict() do).
 */
// Keep first (and source-maps-restore.js last): see source-maps-off.ts.
import "./source-maps-off.js";
import "./tfjs-fixes.js";
export { AlexcRuntimeError } from "./errors.js";
export { selectBackend } from "./backend.js";
export type { BackendChoice, BackendSelection } from "./backend.js";
export { registerWasmGradientKernels, unregisterWasmGradientKernels } from "./wasm-kernels.js";
export { registerWasmMaxPoolGrad, unregisterWasmMaxPoolGrad } from "./wasm-maxpool-grad.js";
export { setTorchConv2dWeights } from "./torch-weights.js";
export { train, trainHelp, type TrainResult } from "./trainer.js";
export { predict, predictHelp, type Prediction } from "./predict.js";
export { commandLineArgs, invokedDirectly, runIfEntry, runProgram } from "./program.js";
export type { GeneratedModel } from "./generated.js";
export type { TrainingSettings, OptimizerSettings, LossSettings } from "./settings.js";
export type { Preprocessing, TrainTransform, EvalTransform } from "./preprocess.js";
export type { EpochRecord } from "./metrics.js";
export type { CheckpointState } from "./checkpoint.js";
export { fileSystem, registerFileRouter } from "./files.js";
export { BUILTIN_CLASSES, renderBuiltin } from "./builtin.js";
export { DataLoader } from "./loader.js";
// Keep last: see source-maps-off.ts.
import "./source-maps-restore.js";
