/**
 * `alexc/runtime/tf`: TensorFlow.js as alexc's runtime uses it, for generated model.ts.
 *
 * Generated code takes tf from here rather than importing `@tensorflow/tfjs` itself: the user never
 * installed tfjs (it is alexc's dependency), so a direct import resolves only by luck of npm's
 * hoisting, and a hand-installed second copy registers every kernel twice and holds a backend the
 * runtime never sees. Re-exporting alexc's own copy gives exactly one, whatever the package manager.
 * Loads no backend: importing it is as cheap as importing tfjs.
 */
export * from "@tensorflow/tfjs";
