/**
 * specs/alexnet-mini.anet written by hand in tfjs the way its documentation suggests: `padding:
 * 'same'` and the ReLU as each layer's activation (so tfjs fuses it into the conv or matmul), data
 * as tensors in memory, `model.fit`. The yardstick for the generated trainer.
 */
import * as tf from "@tensorflow/tfjs";

export function idiomaticModel(classes: number): tf.Sequential {
  const he = (): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({});
  return tf.sequential({
    layers: [
      tf.layers.zeroPadding2d({
        inputShape: [32, 32, 3],
        padding: [
          [1, 2],
          [1, 2],
        ],
      }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu", kernelInitializer: he() }),
      tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 5, padding: "same", activation: "relu", kernelInitializer: he() }),
      tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }),
      tf.layers.conv2d({ filters: 48, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: he() }),
      tf.layers.conv2d({ filters: 48, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: he() }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: "same", activation: "relu", kernelInitializer: he() }),
      tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 256, activation: "relu", kernelInitializer: he() }),
      tf.layers.dense({ units: 256, activation: "relu", kernelInitializer: he() }),
      tf.layers.dense({ units: classes, kernelInitializer: he() }),
    ],
  });
}

/** Trains one epoch over in-memory tensors with model.fit; returns training images per second. */
export async function fitEpoch(model: tf.LayersModel, x: tf.Tensor4D, y: tf.Tensor2D, batch: number): Promise<number> {
  const started = performance.now();
  await model.fit(x, y, { batchSize: batch, epochs: 1, shuffle: true, verbose: 0 });
  return x.shape[0] / ((performance.now() - started) / 1000);
}
