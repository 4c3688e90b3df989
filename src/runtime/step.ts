/**
 * One optimisation step and one evaluation batch. The same work tfjs-layers' fit() does per batch
 * (forward with dropout on, loss, gradients, update, accuracy), written out so that the loop owns
 * the data and the numbers it reports. Everything allocated is released before returning.
 */
import * as tf from "./tf.js";
import type { Batch } from "./batch.js";

export type LossFn = (oneHot: tf.Tensor, logits: tf.Tensor) => tf.Scalar;

export interface StepResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Images whose top-scoring class is the label. */
  correct: number;
}

function inputs(
  batch: Batch,
  inputShape: [number, number, number],
  numClasses: number,
): { x: tf.Tensor4D; labels: tf.Tensor1D; oneHot: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.x, [batch.n, ...inputShape]);
    const labels = tf.tensor1d(batch.y, "int32");
    return { x, labels, oneHot: tf.oneHot(labels, numClasses) as tf.Tensor2D };
  });
}

function countCorrect(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), labels), "int32"));
}

export async function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  lossFn: LossFn,
  variables: tf.Variable[],
  batch: Batch,
  inputShape: [number, number, number],
  numClasses: number,
): Promise<StepResult> {
  const { x, labels, oneHot } = inputs(batch, inputShape, numClasses);
  let correct: tf.Scalar | undefined;
  const loss = optimizer.minimize(
    () => {
      const logits = model.apply(x, { training: true }) as tf.Tensor;
      correct = tf.keep(countCorrect(logits, labels));
      return lossFn(oneHot, logits);
    },
    true,
    variables,
  )!;
  try {
    const [l, c] = await Promise.all([loss.data(), correct!.data()]);
    return { loss: l[0]!, correct: c[0]! };
  } finally {
    tf.dispose([x, labels, oneHot, loss, correct!]);
  }
}

export async function evalBatch(
  model: tf.LayersModel,
  lossFn: LossFn,
  batch: Batch,
  inputShape: [number, number, number],
  numClasses: number,
): Promise<StepResult> {
  const { x, labels, oneHot } = inputs(batch, inputShape, numClasses);
  const [loss, correct] = tf.tidy(() => {
    const logits = model.apply(x, { training: false }) as tf.Tensor;
    return [lossFn(oneHot, logits), countCorrect(logits, labels)];
  });
  try {
    const [l, c] = await Promise.all([loss.data(), correct.data()]);
    return { loss: l[0]!, correct: c[0]! };
  } finally {
    tf.dispose([x, labels, oneHot, loss, correct]);
  }
}

/** Softmax probabilities for a batch of preprocessed images (prediction). */
export function probabilities(model: tf.LayersModel, batch: Batch, inputShape: [number, number, number]): Float32Array {
  return tf.tidy(() => tf.softmax(model.predict(tf.tensor4d(batch.x, [batch.n, ...inputShape])) as tf.Tensor).dataSync() as Float32Array);
}
