/**
 * A tfjs 4.22 bug worked around on import of `alexc/runtime`: MomentumOptimizer overrides
 * SGDOptimizer's dispose() without calling it, so the learning-rate scalar `c` leaks one tensor per
 * optimizer (spec `sgd(lr, momentum)` trains with it). Idempotent; harmless once tfjs fixes it.
 */
import * as tf from "./tf.js";

type Patched = { alexcDisposesLearningRate?: true; dispose(): void };
const proto = tf.MomentumOptimizer.prototype as unknown as Patched;
if (proto.alexcDisposesLearningRate !== true) {
  const dispose = proto.dispose;
  proto.dispose = function (this: { c?: tf.Tensor }) {
    dispose.call(this);
    if (this.c !== undefined && !this.c.isDisposed) this.c.dispose();
  };
  proto.alexcDisposesLearningRate = true;
}
