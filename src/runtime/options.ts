/**
 * Command lines of the generated train.ts and predict.ts. Options are declared once, with their
 * help text; values are checked before anything heavy starts, and a mistake is one line naming the
 * option (with a did-you-mean for misspellings), exit status 2.
 */
import { parseArgs } from "node:util";
import { AlexcRuntimeError } from "./errors.js";
import { OPTIMIZER_DEFAULTS, type OptimizerSettings } from "./settings.js";
import type { BackendChoice } from "./backend.js";

/** A mistake in how the program was called: printed as one line, exit status 2. */
export class UsageError extends AlexcRuntimeError {}

interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  value?: string;
  help: string;
}

export const TRAIN_OPTIONS = {
  data: {
    type: "string",
    value: "DIR|builtin[:N]",
    help: "training images: one sub-folder per class (JPEG, PNG), or N images of the built-in drawn set (default 3000)",
  },
  val: { type: "string", value: "DIR", help: "validation images, same class folders (default: hold out --val-split of --data)" },
  "val-split": {
    type: "string",
    value: "F",
    help: "fraction of each class held out for validation when there is no --val (default 0.1; 0 = none)",
  },
  out: {
    type: "string",
    value: "DIR",
    help: "run folder: checkpoints last/ and best/, metrics.csv, metrics.svg, class_indices.json (default runs/<model>)",
  },
  epochs: { type: "string", value: "N", help: "epochs to train in total (default: the spec's)" },
  batch: { type: "string", value: "N", help: "batch size (default: the spec's)" },
  lr: { type: "string", value: "X", help: "learning rate (default: the spec's)" },
  optimizer: {
    type: "string",
    value: "NAME",
    help: `${Object.keys(OPTIMIZER_DEFAULTS).join(", ")} (default: the spec's; others start from PyTorch's defaults)`,
  },
  "label-smoothing": { type: "string", value: "X", help: "cross-entropy label smoothing in [0, 1) (default: the spec's)" },
  steps: { type: "string", value: "N", help: "at most N batches per epoch (quick trial runs)" },
  seed: {
    type: "string",
    value: "N",
    help: "seed for the split, shuffling, augmentation, initial weights and dropout (default: random, printed)",
  },
  resume: { type: "boolean", help: "continue the run in --out from its last checkpoint (same spec, same classes)" },
  overwrite: { type: "boolean", help: "start afresh even if --out holds a checkpoint (it is replaced)" },
  backend: { type: "string", value: "NAME", help: "auto, tensorflow, gpu, wasm or cpu (default: $ALEXC_BACKEND, else auto)" },
  threads: {
    type: "string",
    value: "N",
    help: "wasm compute threads, at most 8; 1 = the single-threaded build (default: $ALEXC_WASM_THREADS, else one per core)",
  },
  workers: {
    type: "string",
    value: "N",
    help: "data worker threads decoding ahead of training (default: cores − 1, at most 4; 0 = main thread)",
  },
  prefetch: { type: "string", value: "N", help: "batches prepared ahead (default 4)" },
  quiet: { type: "boolean", help: "print only warnings and errors" },
  help: { type: "boolean", short: "h", help: "show this help" },
} satisfies Record<string, OptionSpec>;

export const PREDICT_OPTIONS = {
  checkpoint: { type: "string", value: "DIR", help: "checkpoint folder, or a run folder (its best/ is used) (default runs/<model>/best)" },
  top: { type: "string", value: "K", help: "classes to show per image (default 5)" },
  json: { type: "boolean", help: "one JSON object per image instead of text" },
  backend: { type: "string", value: "NAME", help: "auto, tensorflow, gpu, wasm or cpu (default: $ALEXC_BACKEND, else auto)" },
  threads: {
    type: "string",
    value: "N",
    help: "wasm compute threads, at most 8; 1 = the single-threaded build (default: $ALEXC_WASM_THREADS, else one per core)",
  },
  help: { type: "boolean", short: "h", help: "show this help" },
} satisfies Record<string, OptionSpec>;

type Values<T extends Record<string, OptionSpec>> = { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string };

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

export function parseOptions<T extends Record<string, OptionSpec>>(
  specs: T,
  args: string[],
  positionals: boolean,
): { values: Values<T>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: specs as Record<string, { type: "string" | "boolean"; short?: string }>,
      allowPositionals: positionals,
      strict: true,
    });
    return { values: parsed.values as Values<T>, positionals: parsed.positionals };
  } catch (e) {
    const message = (e as Error).message;
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const name = unknown.replace(/^-+/, "").split("=")[0]!;
      const guess = Object.keys(specs).find((k) => distance(k, name) <= Math.max(1, Math.floor(name.length / 4)));
      throw new UsageError(`unknown option ${unknown}${guess ? ` (did you mean --${guess}?)` : ""}; see --help`);
    }
    const ambiguous = /Option '(--[^']+)' argument is ambiguous/.exec(message)?.[1];
    if (ambiguous) throw new UsageError(`${ambiguous} needs a value; one that starts with '-' is written ${ambiguous}=-…`);
    const missing = /Option '(-{1,2}[^ ']+)[^']*' argument missing/.exec(message)?.[1];
    if (missing) throw new UsageError(`${missing} needs a value; see --help`);
    const positional = /Unexpected argument '([^']+)'/.exec(message)?.[1];
    if (positional) throw new UsageError(`unexpected argument '${positional}'; options take the form --name value, see --help`);
    throw new UsageError(message.split("\n")[0]!.replace(/\.$/, ""));
  }
}

export function helpText(usage: string, specs: Record<string, OptionSpec>, footer: string): string {
  const rows = Object.entries(specs).map(
    ([name, s]) => [`${s.short ? `-${s.short}, ` : "    "}--${name}${s.value ? ` ${s.value}` : ""}`, s.help] as const,
  );
  const width = Math.max(...rows.map(([left]) => left.length));
  return `${usage}\n\nOptions:\n${rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`).join("\n")}\n\n${footer}\n`;
}

export function integerOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} ${value}: expected a whole number ≥ ${min}`);
  return n;
}

export function numberOption(name: string, value: string | undefined, check: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} ${value}: expected ${expected}`);
  return n;
}

export function optimizerOption(value: string | undefined): OptimizerSettings["name"] | undefined {
  if (value === undefined) return undefined;
  if (!(value in OPTIMIZER_DEFAULTS))
    throw new UsageError(`--optimizer ${value}: expected one of ${Object.keys(OPTIMIZER_DEFAULTS).join(", ")}`);
  return value as OptimizerSettings["name"];
}

const BACKENDS: readonly BackendChoice[] = ["auto", "tensorflow", "gpu", "wasm", "cpu"];

export function backendOption(value: string | undefined): BackendChoice | undefined {
  if (value === undefined) return undefined;
  if (!(BACKENDS as readonly string[]).includes(value)) throw new UsageError(`--backend ${value}: expected one of ${BACKENDS.join(", ")}`);
  return value as BackendChoice;
}
