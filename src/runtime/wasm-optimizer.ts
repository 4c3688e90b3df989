/**
 * Optimizer updates on the wasm backend without tfjs's temporaries.
 *
 * tfjs updates a parameter as a chain of tensor ops (`m·v + g`, then `c·v`, then `+ w`), each a
 * fresh buffer of the parameter's size that lives until the update's tidy ends. For VGG-11's
 * 25088×4096 dense weight (392 MiB) that is four extra buffers at once: the wasm heap (4 GiB at
 * most, wasm32) ran out in the first step even at batch 1, and each op took 1–2 s.
 *
 * Here the same arithmetic runs as one JavaScript loop over the wasm heap, in place: the optimizer's
 * slot variables (velocity, moments) and the parameter itself. The wasm backend caches packed copies
 * of conv filters and matmul weights under the tensor's numeric id, so an updated parameter is
 * registered again under a new id (same memory), which drops those copies. Nothing is allocated, so
 * the heap does not fragment step after step: with a fresh 392 MiB buffer per update instead,
 * VGG-11-BN at batch 1 ran the heap out at step 37. A parameter whose buffer another tensor shares is
 * written to a fresh buffer instead.
 *
 * The loop saves memory, not time: side by side on a 4096×4096 weight it takes 3.9 times as long as
 * the stock momentum update and 2.8 times as long as the stock Adam one (wasm SIMD against scalar
 * JavaScript; docs/benchmarks.md); for VGG-11 about 0.65 s of an 11 s step. So it is used only for
 * models of at least IN_PLACE_FROM trainable values, where tfjs's temporaries threaten the heap;
 * smaller models keep the stock update.
 *
 * Every operation is rounded to float32 (`Math.fround`) in tfjs's order, so the results are the
 * stock optimizers' to the bit (test/wasm-optimizer.test.ts). Slot variables are the stock ones,
 * created with the stock names, so getWeights/setWeights and checkpoints see no difference.
 * Anything this does not cover (another backend, nesterov, centered RMSprop, a slot shared with
 * another tensor) takes the stock path.
 */
import * as tf from "./tf.js";

const fr = Math.fround;

/** 64 Mi values (256 MiB of float32): VGG-11 (133 M) takes the in-place path, the seed AlexNet (17 M) not. */
export const IN_PLACE_FROM = 64 * 2 ** 20;

interface WasmBackendInternals {
  wasm: {
    HEAPU8: Uint8Array;
    tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void };
  };
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; refCount: number } | undefined };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** One parameter's buffers: read `w` and `g`, update `slots` in place, write `out` (which may be `w`). */
interface Buffers {
  w: Float32Array;
  g: Float32Array;
  out: Float32Array;
  slots: Float32Array[];
}

interface Rule {
  /** The optimizer's slot lists, one per kind of state, with the name suffix tfjs gives each. */
  slots(o: never): { list: Slot[]; suffix: string }[];
  /** False where this rule does not reproduce the optimizer (a setting it does not cover). */
  covers(o: never): boolean;
  /** Constants for one step, computed once: the float32 scalars tfjs would make. */
  prepare(o: never): (b: Buffers) => void;
  /** Work after every parameter is updated (Adam's β powers). */
  finish?(o: never): void;
}

interface MomentumFields {
  learningRate: number;
  momentum: number;
  useNesterov: boolean;
  accumulations: Slot[];
}

interface AdamFields {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

interface RmspropFields {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
}

const RULES: Record<string, Rule> = {
  // w ← c·g + w with c = −lr
  SGD: {
    slots: () => [],
    covers: () => true,
    prepare: (o: { learningRate: number }) => {
      const c = fr(-o.learningRate);
      return ({ w, g, out }) => {
        for (let i = 0; i < w.length; i++) out[i] = fr(fr(c * g[i]!) + w[i]!);
      };
    },
  },
  // v ← m·v + g;  w ← c·v + w
  Momentum: {
    slots: (o: MomentumFields) => [{ list: o.accumulations, suffix: "momentum" }],
    covers: (o: MomentumFields) => !o.useNesterov,
    prepare: (o: MomentumFields) => {
      const c = fr(-o.learningRate);
      const m = fr(o.momentum);
      return ({ w, g, out, slots: [v] }) => {
        for (let i = 0; i < w.length; i++) {
          const vi = fr(fr(m * v![i]!) + g[i]!);
          v![i] = vi;
          out[i] = fr(fr(c * vi) + w[i]!);
        }
      };
    },
  },
  // m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← −lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε) + w
  Adam: {
    slots: (o: AdamFields) => [
      { list: o.accumulatedFirstMoment, suffix: "m" },
      { list: o.accumulatedSecondMoment, suffix: "v" },
    ],
    covers: () => true,
    prepare: (o: AdamFields) => {
      const b1 = fr(o.beta1);
      const b2 = fr(o.beta2);
      const c1 = fr(1 - o.beta1);
      const c2 = fr(1 - o.beta2);
      const eps = fr(o.epsilon);
      const nlr = fr(-o.learningRate);
      const d1 = fr(1 - o.accBeta1.dataSync()[0]!);
      const d2 = fr(1 - o.accBeta2.dataSync()[0]!);
      return ({ w, g, out, slots: [m, v] }) => {
        for (let i = 0; i < w.length; i++) {
          const gi = g[i]!;
          const mi = fr(fr(m![i]! * b1) + fr(gi * c1));
          const vi = fr(fr(v![i]! * b2) + fr(fr(gi * gi) * c2));
          m![i] = mi;
          v![i] = vi;
          const step = fr(fr(mi / d1) / fr(fr(Math.sqrt(fr(vi / d2))) + eps));
          out[i] = fr(fr(step * nlr) + w[i]!);
        }
      };
    },
    finish: (o: AdamFields) => {
      tf.tidy(() => {
        o.accBeta1.assign(tf.mul(o.accBeta1, o.beta1));
        o.accBeta2.assign(tf.mul(o.accBeta2, o.beta2));
      });
    },
  },
  // s ← ρ·s + (1−ρ)·g²;  u ← μ·u + lr·g / √(s + ε);  w ← w − u
  RMSProp: {
    slots: (o: RmspropFields) => [
      { list: o.accumulatedMeanSquares, suffix: "rms" },
      { list: o.accumulatedMoments, suffix: "momentum" },
    ],
    covers: (o: RmspropFields) => !o.centered,
    prepare: (o: RmspropFields) => {
      const rho = fr(o.decay);
      const c = fr(1 - o.decay);
      const mu = fr(o.momentum);
      const lr = fr(o.learningRate);
      const eps = fr(o.epsilon);
      return ({ w, g, out, slots: [s, u] }) => {
        for (let i = 0; i < w.length; i++) {
          const gi = g[i]!;
          const si = fr(fr(s![i]! * rho) + fr(fr(gi * gi) * c));
          const ui = fr(fr(u![i]! * mu) + fr(fr(gi * lr) / fr(Math.sqrt(fr(si + eps)))));
          s![i] = si;
          u![i] = ui;
          out[i] = fr(w[i]! - ui);
        }
      };
    },
  },
};

type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

function entries(gradients: Gradients): [string, tf.Tensor | null | undefined][] {
  return Array.isArray(gradients) ? gradients.map((g) => [g.name, g.tensor]) : Object.entries(gradients);
}

function wasmInternals(): WasmBackendInternals | undefined {
  if (tf.getBackend() !== "wasm") return undefined;
  const backend = tf.backend() as unknown as Partial<WasmBackendInternals>;
  const ok = backend.wasm?.HEAPU8 !== undefined && backend.dataIdMap !== undefined && typeof backend.makeOutput === "function";
  return ok ? (backend as WasmBackendInternals) : undefined;
}

function heapView(backend: WasmBackendInternals, t: tf.TensorInfo): Float32Array {
  const data = backend.dataIdMap.get(t.dataId)!;
  return new Float32Array(backend.wasm.HEAPU8.buffer, data.memoryOffset, tf.util.sizeFromShape(t.shape));
}

/**
 * Registers `t`'s memory under a new numeric id and drops the old one: the backend then forgets the
 * packed copies it made of the old values (its conv and matmul operator caches are keyed by that id).
 */
function renumber(backend: WasmBackendInternals, t: tf.Tensor): void {
  const data = backend.dataIdMap.get(t.dataId)!;
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.disposeData(data.id);
  backend.wasm.tfjs.registerTensor(id, t.size, data.memoryOffset);
  data.id = id;
}

/**
 * Makes `optimizer` update in place while the wasm backend is active and the parameters updated
 * together hold at least `fromValues` values (see the file comment); on any other backend, for smaller
 * models, or for settings no rule covers, it behaves exactly as before. Returns the optimizer.
 */
export function updateInPlaceOnWasm<O extends tf.Optimizer>(optimizer: O, fromValues = IN_PLACE_FROM): O {
  const rule = RULES[optimizer.getClassName()];
  if (rule === undefined) return optimizer;
  const fields = optimizer as unknown as never;
  const stock = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (gradients: Gradients): void => {
    const backend = wasmInternals();
    const named = entries(gradients);
    const floats = named.every(
      ([name, g]) => g == null || (g.dtype === "float32" && tf.engine().registeredVariables[name]?.dtype === "float32"),
    );
    const values = named.reduce((sum, [, g]) => sum + (g?.size ?? 0), 0);
    if (backend === undefined || values < fromValues || !rule.covers(fields) || !floats) return stock(gradients);
    const kinds = rule.slots(fields);
    // Slots as tfjs creates them, by position: a checkpoint's optimizer state lines up either way.
    named.forEach(([name], i) => {
      const value = tf.engine().registeredVariables[name]!;
      for (const { list, suffix } of kinds)
        list[i] ??= { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
    });
    const shared = kinds.some(({ list }) => list.some((s) => backend.dataIdMap.get(s.variable.dataId)?.refCount !== 1));
    if (shared) return stock(gradients);
    const update = rule.prepare(fields);
    named.forEach(([name, gradient], i) => {
      if (gradient == null) return;
      const value = tf.engine().registeredVariables[name]!;
      const slots = kinds.map(({ list }) => list[i]!.variable);
      if (backend.dataIdMap.get(value.dataId)?.refCount === 1) {
        const w = heapView(backend, value);
        update({ w, g: heapView(backend, gradient), out: w, slots: slots.map((v) => heapView(backend, v)) });
        renumber(backend, value);
        return;
      }
      // Allocate before taking views: an allocation may grow the heap and detach older views.
      const info = backend.makeOutput(value.shape, "float32");
      update({
        w: heapView(backend, value),
        g: heapView(backend, gradient),
        out: heapView(backend, info),
        slots: slots.map((v) => heapView(backend, v)),
      });
      const next = tf.engine().makeTensorFromTensorInfo(info);
      value.assign(next);
      next.dispose();
    });
    rule.finish?.(fields);
    (optimizer as unknown as { incrementIterations(): void }).incrementIterations();
  };
  return optimizer;
}
