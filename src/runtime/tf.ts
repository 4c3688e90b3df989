/**
 * `alexc/runtime/tf`: TensorFlow.js as alexc's runtime uses it, for generated model.ts, and what the
 * runtime itself imports tf from.
 *
 * Generated code takes tf from here rather than importing TensorFlow.js itself: the user never
 * installed it (it is alexc's dependency), so a direct import resolves only by luck of npm's
 * hoisting, and a hand-installed second copy registers every kernel twice and holds a backend the
 * runtime never sees. Re-exporting alexc's own copy gives exactly one, whatever the package manager.
 *
 * The parts alexc uses, not the `@tensorflow/tfjs` bundle: tfjs-core (tensors, ops, io, training)
 * and tfjs-layers (models), with the cpu backend registered as the bundle does. The bundle adds the
 * converter, tf.data and the WebGL backend, none of which runs here: leaving them out takes about
 * 190 MB off an install and 0.3 s of CPU off every program's start (bench/startup.ts).
 */
import "@tensorflow/tfjs-backend-cpu";

export * from "@tensorflow/tfjs-core";
export * from "@tensorflow/tfjs-layers";
