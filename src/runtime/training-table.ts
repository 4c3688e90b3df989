/**
 * The one definition of the training settings a spec's `train { }` section may name: each optimizer
 * with its hyper-parameters (PyTorch's names and defaults), how tfjs builds it and how much state it
 * keeps per parameter, and the losses. The compiler checks specs against it (src/resolve/sections.ts), the
 * runtime builds from it (settings.ts) and the memory estimate counts from it (analysis/memory.ts),
 * so adding an optimizer is one entry here.
 *
 * It lives in the runtime because the runtime must stand alone (it never imports the compiler),
 * while the compiler may import this file: it has no imports but tfjs's types, which compile away.
 */
import type * as tf from "./tf.js";

/** A numeric hyper-parameter: its default and the range the compiler accepts. */
export interface HyperParameter {
  default: number;
  min?: number;
  max?: number;
}

/** `weight_decay` → `weightDecay`: the spec writes PyTorch's names, the runtime's settings objects camelCase. */
export type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

export function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

interface OptimizerEntry<A extends string> {
  args: Record<A, HyperParameter>;
  /** The tfjs optimizer with PyTorch's update rule for these settings. */
  build(train: typeof tf.train, o: { lr: number } & Record<Camel<A>, number>): tf.Optimizer;
  /** Values the optimizer keeps per parameter, for the training-memory estimate. */
  slots(o: Record<Camel<A>, number>): number;
}

function optimizer<A extends string>(entry: OptimizerEntry<A | "lr">): OptimizerEntry<A | "lr"> {
  return entry;
}

export const OPTIMIZERS = {
  adam: optimizer({
    args: {
      lr: { default: 0.001, min: 0 },
      beta1: { default: 0.9, min: 0 },
      beta2: { default: 0.999, min: 0 },
      eps: { default: 1e-8, min: 0 },
    },
    build: (train, o) => train.adam(o.lr, o.beta1, o.beta2, o.eps),
    // The first and second moments.
    slots: () => 2,
  }),
  sgd: optimizer({
    args: { lr: { default: 0.01, min: 0 }, momentum: { default: 0, min: 0 } },
    // torch.optim.SGD with momentum μ: v = μ·v + g, p −= lr·v — tfjs's momentum optimizer exactly.
    build: (train, o) => (o.momentum ? train.momentum(o.lr, o.momentum) : train.sgd(o.lr)),
    // tf.train.momentum keeps a velocity; plain sgd nothing.
    slots: (o) => (o.momentum > 0 ? 1 : 0),
  }),
  rmsprop: optimizer({
    args: {
      lr: { default: 0.01, min: 0 },
      alpha: { default: 0.99, min: 0 },
      momentum: { default: 0, min: 0 },
      eps: { default: 1e-8, min: 0 },
    },
    build: (train, o) => train.rmsprop(o.lr, o.alpha, o.momentum, o.eps),
    // The mean square and the moment (tfjs allocates the moment even when momentum is 0).
    slots: () => 2,
  }),
};

export type OptimizerName = keyof typeof OPTIMIZERS;

type ArgsOf<N extends OptimizerName> = (typeof OPTIMIZERS)[N] extends OptimizerEntry<infer A> ? A : never;

/** An optimizer as train.ts writes it: `{ name: 'adam', lr: 0.001, beta1: 0.9, … }`. */
export type OptimizerSettings = { [N in OptimizerName]: { name: N } & { [K in Camel<ArgsOf<N>>]: number } }[OptimizerName];

export const LOSSES = {
  /** Softmax cross-entropy on logits, PyTorch's nn.CrossEntropyLoss (mean over the batch). */
  cross_entropy: { args: { label_smoothing: { default: 0, min: 0, max: 1 } } },
} satisfies Record<string, { args: Record<string, HyperParameter> }>;

/** A loss as train.ts writes it: `{ name: 'cross_entropy', labelSmoothing: 0 }`. */
export type LossSettings = {
  [N in keyof typeof LOSSES]: { name: N } & { [K in Camel<keyof (typeof LOSSES)[N]["args"] & string>]: number };
}[keyof typeof LOSSES];

/** What a `train { }` section leaves out: Adam with PyTorch's defaults, plain cross-entropy, batch 32, 10 epochs. */
export const TRAINING_DEFAULTS = {
  optimizer: "adam" as OptimizerName,
  loss: "cross_entropy" as keyof typeof LOSSES,
  batch: 32,
  epochs: 10,
};

/** An optimizer's settings with every hyper-parameter at its default, overridden by `given` (camelCase keys). */
export function optimizerSettings(name: OptimizerName, given: Record<string, number> = {}): OptimizerSettings {
  const out: Record<string, number | string> = { name };
  for (const [k, p] of Object.entries(OPTIMIZERS[name].args as Record<string, HyperParameter>))
    out[camel(k)] = given[camel(k)] ?? p.default;
  return out as OptimizerSettings;
}

/** Builds an optimizer from its settings, dispatching through the table. */
export function buildOptimizer(train: typeof tf.train, o: OptimizerSettings): tf.Optimizer {
  const entry = OPTIMIZERS[o.name] as OptimizerEntry<string>;
  return entry.build(train, o as never);
}

/** Per-parameter state of an optimizer, or undefined for a name this table does not hold. */
export function optimizerSlotsOf(name: string, settings: Record<string, number>): number | undefined {
  if (!Object.hasOwn(OPTIMIZERS, name)) return undefined;
  return (OPTIMIZERS[name as OptimizerName] as OptimizerEntry<string>).slots(optimizerSettings(name as OptimizerName, settings) as never);
}
