/**
 * What a generated model.ts hands to the runtime: its identity (name and spec hash, checked
 * against checkpoints), its input and output sizes, and the function that builds it.
 */
import type * as tf from "./tf.js";

export interface GeneratedModel {
  name: string;
  /** SHA-256 of the compiler version and spec text: a checkpoint from another spec is refused. */
  specHash: string;
  /** Height, width, channels (tfjs order). */
  inputShape: [number, number, number];
  numClasses: number;
  buildModel(): tf.LayersModel;
}
