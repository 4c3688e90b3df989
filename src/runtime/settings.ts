/**
 * Training settings as the generated train.ts writes them (from the spec's `train { }` section),
 * and their tfjs meaning: each optimizer is the tfjs one with PyTorch's update rule, and the loss
 * is PyTorch's nn.CrossEntropyLoss on logits (mean over the batch, optional label smoothing).
 */
import * as tf from "./tf.js";
import {
  buildOptimizer,
  OPTIMIZERS,
  optimizerSettings,
  type LossSettings,
  type OptimizerName,
  type OptimizerSettings,
} from "./training-table.js";
import { updateInPlaceOnWasm } from "./wasm-optimizer.js";

export type { LossSettings, OptimizerSettings } from "./training-table.js";

export interface TrainingSettings {
  optimizer: OptimizerSettings;
  loss: LossSettings;
  batch: number;
  epochs: number;
}

/** PyTorch's defaults, used when --optimizer switches to an optimizer the spec did not configure. */
export const OPTIMIZER_DEFAULTS = Object.fromEntries(
  Object.keys(OPTIMIZERS).map((name) => [name, optimizerSettings(name as OptimizerName)]),
) as Record<OptimizerName, OptimizerSettings>;

export function createOptimizer(o: OptimizerSettings): tf.Optimizer {
  return updateInPlaceOnWasm(buildOptimizer(tf.train, o));
}

export function describeOptimizer(o: OptimizerSettings): string {
  const { name, ...args } = o;
  return `${name}(${Object.entries(args)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")})`;
}

/** Softmax cross-entropy of logits against one-hot labels, averaged over the batch. */
export function crossEntropy(loss: LossSettings): (oneHot: tf.Tensor, logits: tf.Tensor) => tf.Scalar {
  return (oneHot, logits) => tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, loss.labelSmoothing) as tf.Scalar;
}

/**
 * Frees an optimizer's tensors. tfjs 4.22's MomentumOptimizer.dispose() does not call its parent's,
 * so the learning-rate scalar SGDOptimizer keeps (`c`) would outlive it: freed here.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const c = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (optimizer.getClassName() === "Momentum" && c && !c.isDisposed) c.dispose();
}
