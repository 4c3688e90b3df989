/**
 * PyTorch's batch normalisation (nn.BatchNorm1d/2d with track_running_stats) as a tfjs layer, for
 * generated model.ts (`alexc.batchNorm`). tfjs-layers' BatchNormalization differs in three ways that
 * change the numbers: its momentum is the weight of the OLD value (Keras's, 1 − PyTorch's), its
 * running variance moves towards the biased batch variance (PyTorch's towards the unbiased one), and
 * its default epsilon is 1e-3 (PyTorch's 1e-5). This layer has PyTorch's rules:
 *
 *   training: y = (x − mean_B) / √(var_B + eps) · γ + β          (var_B biased, over all but channels)
 *             running_mean ← (1 − momentum) · running_mean + momentum · mean_B
 *             running_var  ← (1 − momentum) · running_var  + momentum · var_B · n / (n − 1)
 *   eval:     y = (x − running_mean) / √(running_var + eps) · γ + β
 *
 * Its weights, in this order and under these names (tfjs prefixes the layer's): gamma (PyTorch's
 * weight), beta (bias), moving_mean (running_mean), moving_variance (running_var). gamma and beta
 * are trainable (absent without affine); the moving statistics are not, and are saved with the model
 * like any weight, so checkpoints carry them. Built from plain ops whose gradients every backend has.
 */
import * as tf from "./tf.js";

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type LayerVariable = ReturnType<tf.layers.Layer["addWeight"]>;
type Initializer = ReturnType<typeof tf.initializers.zeros>;
/** An initializer as getConfig writes it, for a model read back from JSON. */
type SerializedInitializer = { className: string; config: tf.serialization.ConfigDict };

export interface BatchNormArgs extends LayerArgs {
  /** Added to the variance (PyTorch's eps); default 1e-5. */
  epsilon?: number;
  /** Weight of the new batch in the running statistics (PyTorch's meaning); default 0.1. */
  momentum?: number;
  /** Learn γ and β; default true. */
  affine?: boolean;
  gammaInitializer?: Initializer | SerializedInitializer;
  betaInitializer?: Initializer | SerializedInitializer;
}

function initializer(given: Initializer | SerializedInitializer | undefined, fallback: () => Initializer): Initializer {
  if (given === undefined) return fallback();
  if (given instanceof tf.serialization.Serializable) return given as Initializer;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[given.className];
  if (!entry) throw new Error(`alexc.BatchNorm: unknown initializer ${given.className}`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, given.config) as Initializer;
}

const serialize = (init: Initializer): SerializedInitializer => ({ className: init.getClassName(), config: init.getConfig() });

export class BatchNorm extends tf.layers.Layer {
  static readonly className = "alexc.BatchNorm";
  readonly epsilon: number;
  readonly momentum: number;
  readonly affine: boolean;
  private readonly gammaInitializer: Initializer;
  private readonly betaInitializer: Initializer;
  private gamma?: LayerVariable;
  private beta?: LayerVariable;
  private movingMean?: LayerVariable;
  private movingVariance?: LayerVariable;

  constructor(args: BatchNormArgs) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
    this.momentum = args.momentum ?? 0.1;
    this.affine = args.affine ?? true;
    if (!(this.epsilon > 0) || !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`alexc.BatchNorm: epsilon must be > 0 and momentum in [0, 1], got ${this.epsilon} and ${this.momentum}`);
    }
    this.gammaInitializer = initializer(args.gammaInitializer, () => tf.initializers.ones());
    this.betaInitializer = initializer(args.betaInitializer, () => tf.initializers.zeros());
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0]! : (inputShape as tf.Shape);
    const c = shape[shape.length - 1];
    if (c == null) throw new Error(`alexc.BatchNorm '${this.name}': the channel count must be known`);
    if (this.affine) {
      this.gamma = this.addWeight("gamma", [c], "float32", this.gammaInitializer, undefined, true);
      this.beta = this.addWeight("beta", [c], "float32", this.betaInitializer, undefined, true);
    }
    this.movingMean = this.addWeight("moving_mean", [c], "float32", tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight("moving_variance", [c], "float32", tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0]! : (inputShape as tf.Shape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [mean, variance] =
        kwargs["training"] === true ? this.batchStatistics(x) : [this.movingMean!.read(), this.movingVariance!.read()];
      const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      return this.affine ? tf.add(tf.mul(normed, this.gamma!.read()), this.beta!.read()) : normed;
    });
  }

  /** The batch's mean and biased variance per channel; moves the running statistics as PyTorch does. */
  private batchStatistics(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const n = x.size / x.shape[x.rank - 1]!;
    if (n < 2) {
      throw new Error(
        `alexc.BatchNorm '${this.name}': training needs more than one value per channel, got a batch of ${x.shape[0]} of ${x.shape.slice(1, -1).join("×") || "single values"} (PyTorch raises too)`,
      );
    }
    const { mean, variance } = tf.moments(
      x,
      x.shape.slice(0, -1).map((_, i) => i),
    );
    const m = this.momentum;
    const move = (v: LayerVariable, batch: tf.Tensor) => v.write(tf.add(tf.mul(v.read(), 1 - m), tf.mul(batch, m)));
    move(this.movingMean!, mean);
    move(this.movingVariance!, tf.mul(variance, n / (n - 1)));
    return [mean, variance];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      momentum: this.momentum,
      affine: this.affine,
      gammaInitializer: serialize(this.gammaInitializer),
      betaInitializer: serialize(this.betaInitializer),
    };
  }
}

tf.serialization.registerClass(BatchNorm);

export const batchNorm = (args: BatchNormArgs): BatchNorm => new BatchNorm(args);
