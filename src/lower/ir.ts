/**
 * Stage 4: checked model → IR, the only thing templates see. Everything the generated code needs is
 * decided here (tfjs layer calls, initialiser numbers, training settings, provenance), and every
 * piece of user text is made safe for its place: names are validated identifiers or JSON strings,
 * comment text cannot close or escape its comment.
 */
import type { CheckedModel } from "../check/check.js";
import { formatShape, type InitCall, type TfjsLayer, type TfjsStep } from "../layers/kind.js";
import { lowerModel } from "./fuse.js";
import { groupThousands } from "../util/numbers.js";
import { VERSION } from "../util/version.js";
import { specHash } from "./spec-hash.js";
import { headerJson } from "./generated-header.js";
import type { Choice } from "../resolve/sections.js";

export interface IrCall {
  /** tfjs layer name, unique in the model. */
  name: string;
  factory: string;
  /** What builds the layer: `tf.layers.conv2d`, or `alexc.channelSlice` for alexc's runtime layers. */
  callee: string;
  /** The config object's entries as TypeScript source, e.g. `filters: 48`. */
  entries: string[];
  /** Empty for a layer applied to `x`; for a merge (concatenate), the branches whose outputs it takes. */
  branches: IrBranch[];
}

/** One branch of a subgraph: its calls are chained starting from `x`. */
export interface IrBranch {
  comment: string;
  calls: IrCall[];
}

export interface IrLayer {
  comment: string;
  calls: IrCall[];
}

export interface ModelIR {
  /** templates/header.hbs: the readable first lines (comment-safe text) and the `// alexc:` JSON line. */
  header: { specPath: string; specHash: string; compilerVersion: string; variant: string; overrides: string; json: string };
  modelName: string;
  summary: string;
  /** tfjs order: H, W, C. */
  inputShape: [number, number, number];
  inputChw: string;
  numClasses: number;
  layers: IrLayer[];
  /** Whether model.ts imports alexc's runtime layers (LRN, channel slice, −∞ padding, chain). */
  usesRuntimeLayers: boolean;
  train: TrainIR;
}

/** What train.ts and predict.ts need: settings as TypeScript object-literal entries, one per line. */
export interface TrainIR {
  /** Entries of a `TrainingSettings` literal (alexc/runtime), e.g. `optimizer: { name: "adam", … }`. */
  settings: string[];
  /** Entries of a `Preprocessing` literal (alexc/runtime). */
  preprocessing: string[];
  describe: string;
  describePreprocessing: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Text for a `//` comment: one line, no control or line-separator characters. */
export function commentText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ").replace(/\*\//g, "*\\/");
}

/** A TypeScript literal for plain data. Keys must be identifiers; strings go through JSON.stringify. */
export function literal(value: unknown): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`non-finite number ${value} in generated code`);
    return Object.is(value, -0) ? "0" : JSON.stringify(value);
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => `${key(k)}: ${literal(v)}`);
    return entries.length ? `{ ${entries.join(", ")} }` : "{}";
  }
  throw new Error(`cannot emit ${String(value)} as a literal`);
}

function key(k: string): string {
  if (!IDENTIFIER.test(k)) throw new Error(`'${k}' is not a safe property name`);
  return k;
}

function initializer(call: InitCall): string {
  key(call.fn);
  return `tf.initializers.${call.fn}(${Object.keys(call.args).length ? literal(call.args) : ""})`;
}

/** One layer call; helper layers are named after their spec layer plus a suffix (`features.4.g0`). */
function irCall(layerName: string, s: TfjsLayer): IrCall {
  key(s.factory);
  const entries = [
    `name: ${JSON.stringify(layerName + s.suffix)}`,
    ...Object.entries(s.config).map(([k, v]) => `${key(k)}: ${literal(v)}`),
  ];
  for (const [k, v] of Object.entries(s.initializers ?? {})) entries.push(`${key(k)}: ${initializer(v)}`);
  return {
    name: layerName + s.suffix,
    factory: s.factory,
    callee: s.runtime ? `alexc.${s.factory}` : `tf.layers.${s.factory}`,
    entries,
    branches: [],
  };
}

/** Every layer call of a lowering, branches and merges included. */
function stepLayers(steps: TfjsStep[]): TfjsLayer[] {
  return steps.flatMap((s) => ("branches" in s ? [...s.branches.flatMap((b) => b.layers), s.merge] : [s]));
}

/** Only for a model whose check found no errors (compile() guarantees it); anything else is a bug in alexc. */
export function buildIr(checked: CheckedModel, specPath: string): { ir: ModelIR } {
  const { model } = checked;
  const lowering = lowerModel(checked);
  const layers: IrLayer[] = [];
  let usesRuntimeLayers = false;
  for (const { layer: l, steps, note } of lowering.layers) {
    {
      const settings = l.settings ? ` ${l.settings}` : "";
      // Every branch of a grouped conv has the same initialisers: each is described once.
      const inits = [
        ...new Set(
          stepLayers(steps).flatMap((s) =>
            Object.entries(s.initializers ?? {}).map(([k, v]) => `${k.replace("Initializer", "")} ${v.describe}`),
          ),
        ),
      ];
      if (stepLayers(steps).some((s) => s.runtime) || steps.some((s) => "branches" in s)) usesRuntimeLayers = true;
      layers.push({
        comment: commentText(
          `${l.name}: ${l.kind}${settings} | ${formatShape(l.input)} -> ${formatShape(l.output)}` +
            (l.params > 0n ? ` | ${groupThousands(l.params)} params` : "") +
            (l.nonTrainableParams > 0n ? ` (${groupThousands(l.nonTrainableParams)} of them running statistics)` : "") +
            (inits.length ? ` | ${inits.join(", ")}` : "") +
            (note ? ` | ${note}` : ""),
        ),
        calls: steps.map((s) =>
          "branches" in s
            ? {
                ...irCall(l.name, s.merge),
                branches: s.branches.map((b) => ({ comment: commentText(b.comment), calls: b.layers.map((c) => irCall(l.name, c)) })),
              }
            : irCall(l.name, s),
        ),
      });
    }
  }
  const out = checked.output;
  // The check raises E0204 for a model that does not end in class scores: reaching here is a bug.
  if (!checked.complete || out?.rank !== "flat")
    throw new Error(`${model.name}: the IR is built only for a checked model that ends in class scores`);
  const overrides = model.params.flatMap((p) => (p.setBy?.startsWith("--set") ? [p.setBy] : []));
  const hash = specHash(checked);
  return {
    ir: {
      header: {
        specPath: commentText(specPath),
        specHash: hash,
        compilerVersion: VERSION,
        variant: model.variant === undefined ? "" : commentText(` (variant ${model.variant})`),
        overrides: commentText(overrides.join(" ")),
        json: headerJson({ version: VERSION, spec: specPath, variant: model.variant ?? null, overrides, specHash: hash }),
      },
      modelName: model.variant === undefined ? model.name : `${model.name}-${model.variant}`,
      summary: commentText(
        `${model.name}: input ${formatShape(checked.input)} (C×H×W), output ${formatShape(out)}, ` +
          `${groupThousands(checked.totals.params)} params, ${groupThousands(checked.totals.macs)} MACs`,
      ),
      inputShape: [model.input.h, model.input.w, model.input.c],
      inputChw: `${model.input.c}x${model.input.h}x${model.input.w}`,
      numClasses: out.n,
      layers,
      usesRuntimeLayers,
      train: trainIr(model),
    },
  };
}

/** A setting written as a call, as the spec writes it: `adam(lr=0.0002, beta1=0.9, …)`. */
function callText(c: Choice): string {
  const args = Object.entries(c.args).map(
    ([k, v]) => `${k}=${Array.isArray(v) ? `[${v.map(short).join(", ")}]` : typeof v === "number" ? short(v) : v}`,
  );
  return args.length ? `${c.fn}(${args.join(", ")})` : c.fn;
}

const short = (n: number): string => String(+n.toPrecision(6));

/**
 * Training settings and preprocessing as data for alexc/runtime, which maps them to tfjs (the
 * optimizer with PyTorch's update rule, the transforms with torchvision's geometry), so that the
 * command line can override any of them.
 */
export function runtimeSettings(model: CheckedModel["model"]): {
  training: Record<string, unknown>;
  preprocessing: Record<string, unknown>;
} {
  const { optimizer, loss, batch, epochs } = model.train;
  const { train, val, flip, mean, std } = model.data;
  // Spec names are snake_case; the runtime's fields are camelCase.
  const camel = (args: Choice["args"]): Record<string, unknown> =>
    Object.fromEntries(Object.entries(args).map(([k, v]) => [k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), v]));
  return {
    training: { optimizer: { name: optimizer.fn, ...camel(optimizer.args) }, loss: { name: loss.fn, ...camel(loss.args) }, batch, epochs },
    preprocessing: { train: { kind: train.fn, ...camel(train.args) }, flip: flip.fn, val: { kind: val.fn, ...camel(val.args) }, mean, std },
  };
}

function trainIr(model: CheckedModel["model"]): TrainIR {
  const { optimizer, loss, batch, epochs } = model.train;
  const { train, val, flip, mean, std } = model.data;
  const { training, preprocessing } = runtimeSettings(model);
  return {
    settings: Object.entries(training).map(([k, v]) => `${k}: ${literal(v)}`),
    preprocessing: Object.entries(preprocessing).map(([k, v]) => `${k}: ${literal(v)}`),
    describe: commentText(`${callText(optimizer)}, ${callText(loss)}, batch ${batch}, ${epochs} epochs`),
    describePreprocessing: commentText(
      `training images ${callText(train)}${flip.fn === "none" ? "" : ` + ${flip.fn} flip`}, validation images ${callText(val)}, ` +
        `then (pixel / 255 − mean) / std with mean ${mean.map(short).join(", ")} and std ${std.map(short).join(", ")}`,
    ),
  };
}
