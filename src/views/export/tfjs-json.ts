/**
 * `alexc export --format tfjs-json`: the model as a TensorFlow.js layers-model (`model.json`, and
 * optionally `weights.bin`), the format `tf.loadLayersModel` reads and Netron opens.
 *
 * The model is built with tfjs itself from the same lowering the code generator uses (each layer
 * kind's `lower` in the layer table, with the spec's initialisers), then serialised by tfjs's own
 * save path, so the topology is exactly what the generated `buildModel()` constructs.
 */
import * as tf from "../../runtime/tf.js";
import type { CheckedModel } from "../../check/check.js";
import type { InitCall, TfjsLayer } from "../../layers/kind.js";
import * as runtimeLayers from "../../runtime/layers.js";
import { lowerModel } from "../../lower/fuse.js";
import { specHash } from "../../lower/spec-hash.js";
import { VERSION } from "../../util/version.js";

export interface ExportOptions {
  /** Write weights.bin with freshly initialised weights (and list them in the manifest). */
  weights: boolean;
  /** Seed for the random initialisers, so the same spec gives the same weights.bin. */
  seed: number;
}

export interface Exported {
  files: Map<string, string | Uint8Array>;
}

const WEIGHTS_FILE = "weights.bin";

/** tfjs does not export the Initializer class type by name. */
type Initializer = ReturnType<typeof tf.initializers.zeros>;
type Factory = (config: Record<string, unknown>) => tf.layers.Layer;
type InitializerFactory = (config?: Record<string, unknown>) => Initializer;

/** Seeded random initialisers; others (zeros, constant…) take no seed. */
const SEEDED = new Set(["randomNormal", "randomUniform", "truncatedNormal"]);

function initializer(call: InitCall, seed: number | undefined): Initializer {
  const make = (tf.initializers as unknown as Record<string, InitializerFactory | undefined>)[call.fn];
  if (!make) throw new Error(`tfjs has no initializer ${call.fn}`);
  const args = seed !== undefined && SEEDED.has(call.fn) ? { ...call.args, seed } : call.args;
  return Object.keys(args).length ? make(args) : make();
}

/**
 * tfjs builds every weight in memory (and, with weights, serialises a second copy): about 12 bytes
 * a parameter at the peak. 250 million parameters (VGG-16 has 138 million) is 3 GB; a 4.6 G-parameter
 * spec would need 55 GB and is refused before anything is allocated.
 */
const MAX_EXPORT_PARAMS = 250_000_000n;

/** Why a model is too large to export, with the figure, or undefined. */
export function exportSizeProblem(checked: CheckedModel): string | undefined {
  const params = checked.totals.params;
  if (params <= MAX_EXPORT_PARAMS) return undefined;
  const g = (n: bigint) => n.toLocaleString("en-US");
  return `the model has ${g(params)} parameters, more than the ${g(MAX_EXPORT_PARAMS)} export builds in memory (tfjs holds about 12 bytes a parameter: ${g((params * 12n) / 1_000_000_000n)} GB here)`;
}

/**
 * The model the generated buildModel() constructs, built here with tfjs from the same lowering:
 * fresh weights drawn with `seed` (undefined: tfjs's own random seeds).
 */
export function buildTfjsModel(checked: CheckedModel, seed: number | undefined): tf.LayersModel {
  const { model } = checked;
  const input = tf.input({ shape: [model.input.h, model.input.w, model.input.c], name: "input" });
  let x: tf.SymbolicTensor = input;
  let ordinal = 0;
  // The same lowering, relu fusion and padding rewrites as the generated model.ts.
  const lowering = lowerModel(checked);
  for (const { layer: l, steps } of lowering.layers) {
    const layer = (step: TfjsLayer): tf.layers.Layer => {
      const factories = (step.runtime ? runtimeLayers : tf.layers) as unknown as Record<string, Factory | undefined>;
      const make = factories[step.factory];
      if (!make) throw new Error(`no layer factory ${step.factory}`);
      const inits = Object.fromEntries(
        // tfjs treats a seed of 0 as none, so each initializer gets seed + its ordinal (from 1).
        Object.entries(step.initializers ?? {}).map(([k, call]) => [
          k,
          initializer(call, seed !== undefined ? seed + ++ordinal : undefined),
        ]),
      );
      return make({ name: l.name + step.suffix, ...step.config, ...inits });
    };
    for (const step of steps) {
      if ("branches" in step) {
        // A subgraph (a grouped conv): each branch is a chain from the current tensor, then the merge.
        const from = x;
        const outputs = step.branches.map((b) => b.layers.reduce((t, s) => layer(s).apply(t) as tf.SymbolicTensor, from));
        x = layer(step.merge).apply(outputs) as tf.SymbolicTensor;
      } else x = layer(step).apply(x) as tf.SymbolicTensor;
    }
  }
  return tf.model({ inputs: input, outputs: x, name: model.name });
}

export async function exportTfjsJson(checked: CheckedModel, specPath: string, options: ExportOptions): Promise<Exported> {
  const { model } = checked;
  const built = buildTfjsModel(checked, options.weights ? options.seed : undefined);
  try {
    let artifacts: tf.io.ModelArtifacts | undefined;
    await built.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: "JSON" } };
      }),
    );
    const saved = artifacts!;
    const json: Record<string, unknown> = {
      format: "layers-model",
      generatedBy: saved.generatedBy,
      convertedBy: `alexc ${VERSION}`,
      modelTopology: saved.modelTopology,
      // Netron requires a manifest; an empty one means "topology only" (tfjs then loads with strict: false).
      weightsManifest: options.weights ? [{ paths: [WEIGHTS_FILE], weights: saved.weightSpecs }] : [],
      userDefinedMetadata: {
        alexc: {
          spec: specPath,
          specHash: specHash(checked),
          input: `${model.input.c}x${model.input.h}x${model.input.w} (C×H×W); the model takes N×H×W×C`,
          ...(options.weights ? { weights: `freshly initialised from the spec's init section, seed ${options.seed}` } : {}),
        },
      },
    };
    const files = new Map<string, string | Uint8Array>([["model.json", JSON.stringify(json) + "\n"]]);
    if (options.weights && saved.weightData) files.set(WEIGHTS_FILE, new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData)));
    return { files };
  } finally {
    built.dispose();
  }
}
