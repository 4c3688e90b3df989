/**
 * Training settings as the generated train.ts writes them (from the spec's `train { }` section),
 * and their tfjs meaning: each optimizer is the tfjs one with PyTorch's update rule, and the loss
 * is PyTorch's nn.CrossEntropyLoss on logits (mean over the batch, optional label smoothing).
 */
import * as tf from '@tensorflow/tfjs';

export type OptimizerSettings =
  | { name: 'adam'; lr: number; beta1: number; beta2: number; eps: number }
  | { name: 'sgd'; lr: number; momentum: number }
  | { name: 'rmsprop'; lr: number; alpha: number; momentum: number; eps: number };

export interface LossSettings {
  name: 'cross_entropy';
  labelSmoothing: number;
}

export interface TrainingSettings {
  optimizer: OptimizerSettings;
  loss: LossSettings;
  batch: number;
  epochs: number;
}

/** PyTorch's defaults, used when --optimizer switches to an optimizer the spec did not configure. */
export const OPTIMIZER_DEFAULTS: Record<OptimizerSettings['name'], OptimizerSettings> = {
  adam: { name: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  sgd: { name: 'sgd', lr: 0.01, momentum: 0 },
  rmsprop: { name: 'rmsprop', lr: 0.01, alpha: 0.99, momentum: 0, eps: 1e-8 },
};

export function createOptimizer(o: OptimizerSettings): tf.Optimizer {
  switch (o.name) {
    case 'sgd':
      // torch.optim.SGD with momentum μ: v = μ·v + g, p −= lr·v — tfjs's momentum optimizer exactly.
      return o.momentum ? tf.train.momentum(o.lr, o.momentum) : tf.train.sgd(o.lr);
    case 'rmsprop':
      return tf.train.rmsprop(o.lr, o.alpha, o.momentum, o.eps);
    case 'adam':
      return tf.train.adam(o.lr, o.beta1, o.beta2, o.eps);
  }
}

export function describeOptimizer(o: OptimizerSettings): string {
  const { name, ...args } = o;
  return `${name}(${Object.entries(args).map(([k, v]) => `${k}=${v}`).join(', ')})`;
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
  if (optimizer.getClassName() === 'Momentum' && c && !c.isDisposed) c.dispose();
}
