/**
 * Every diagnostic alexc can report, under a stable code. Codes never change meaning and are never
 * reused; tools and `allow` clauses may rely on them. A new diagnostic is one entry here (with its
 * message template) plus the `bag.add(code, args)` that reports it (see docs/architecture.md).
 *
 * Codes are grouped by number for readers (E00xx reading, E01xx values, E02xx shapes, W03xx
 * warnings, E04xx the shape lock), but nothing reads meaning from the digits: severity, class and
 * whether a warning can be acknowledged are fields of the entry. A code's meaning is narrowed, never
 * changed; one that is split keeps its number for the meaning that stays, and the new code names it in `splitFrom`.
 */
export type Severity = "error" | "warning";

/**
 * What a finding is about, as data (never read from the code's digits): `shape` and `portability`
 * findings, and unused acknowledgements, depend on the input size, so a variant that sets its own
 * input points at that line as the likely cause.
 */
export type DiagnosticClass = "reading" | "value" | "shape" | "portability" | "acknowledgement" | "project";

export interface CatalogueEntry {
  code: string;
  /**
   * Short kebab-case name; warnings are acknowledged in a spec by this name (`allow inexact "…"`),
   * so the names of allowable warnings are identifiers (`lrn_alpha`).
   */
  name: string;
  severity: Severity;
  class: DiagnosticClass;
  /** A warning a spec may acknowledge with `allow <name> "reason"`. */
  allowable?: boolean;
  /** The older code that reported this finding before it got its own (the older code keeps its other meanings). */
  splitFrom?: string;
  /**
   * The headline, with named holes (`{layer}`) filled by the reporter's arguments: the one wording
   * of this code's meaning. Labels, notes and help stay free text at the call site.
   */
  message: string;
  title: string;
}

const entries = [
  {
    code: "E0001",
    name: "unexpected-character",
    severity: "error",
    class: "reading",
    message: "unexpected character {chars}",
    title: "A character that cannot start any token",
  },
  {
    code: "E0002",
    name: "syntax",
    severity: "error",
    class: "reading",
    message: "expected {expected}, {actual}",
    title: "The text does not follow the .anet grammar",
  },
  {
    code: "E0003",
    name: "too-deep",
    severity: "error",
    class: "reading",
    message: "{construct} more than {limit} {unit}",
    title: "Brackets nested too deeply, or an expression too long, to compile safely",
  },
  {
    code: "E0004",
    name: "invalid-utf8",
    severity: "error",
    class: "reading",
    message: "this line is not valid UTF-8 ({problem})",
    title: "A line that is not valid UTF-8",
  },
  {
    code: "E0005",
    name: "bad-string",
    severity: "error",
    class: "reading",
    message: "{problem} in a string",
    title: "A string with an unknown escape or a control character",
  },
  {
    code: "E0006",
    name: "unterminated-comment",
    severity: "error",
    class: "reading",
    message: "unterminated comment: '/*' has no closing '*/'",
    title: "A `/*` comment with no closing `*/`",
  },
  {
    code: "E0007",
    name: "too-many-diagnostics",
    severity: "error",
    class: "reading",
    message: "{total} more diagnostics not shown ({counts})",
    title: "More diagnostics than are shown for one file: the rest are counted, not listed",
  },
  {
    code: "E0008",
    name: "unreadable-spec",
    severity: "error",
    class: "reading",
    message: "{refusal}",
    title: "A spec path that is not a regular file of bounded size (a FIFO, a device, a /proc file, or too large)",
  },

  {
    code: "E0101",
    name: "unknown-name",
    severity: "error",
    class: "value",
    message: "unknown name '{name}'",
    title: "A name that is not a declared parameter",
  },
  {
    code: "E0102",
    name: "duplicate-param",
    severity: "error",
    class: "value",
    message: "parameter '{name}' is declared twice",
    title: "A parameter declared twice",
  },
  {
    code: "E0103",
    name: "unknown-layer",
    severity: "error",
    class: "value",
    message: "unknown layer kind '{kind}'",
    title: "A layer kind alexc does not know",
  },
  {
    code: "E0104",
    name: "unknown-argument",
    severity: "error",
    class: "value",
    message: "{owner} has no argument {argument}",
    title: "An argument the layer kind does not take",
  },
  {
    code: "E0105",
    name: "missing-argument",
    severity: "error",
    class: "value",
    message: "{kind} needs '{argument}' ({doc})",
    title: "A required layer argument is missing",
  },
  {
    code: "E0106",
    name: "bad-argument",
    severity: "error",
    class: "value",
    message: "{what} takes {expected}",
    title: "An argument of the wrong form",
  },
  {
    code: "E0107",
    name: "duplicate-name",
    severity: "error",
    class: "value",
    message: "the name '{name}' is used twice",
    title: "Two layers or blocks with the same name",
  },
  {
    code: "E0108",
    name: "duplicate-argument",
    severity: "error",
    class: "value",
    message: "'{name}' is given twice",
    title: "An argument given twice",
  },
  {
    code: "E0109",
    name: "division-by-zero",
    severity: "error",
    class: "value",
    message: "{operation} by zero",
    title: "Division or remainder by zero in an expression",
  },
  {
    code: "E0110",
    name: "not-an-integer",
    severity: "error",
    class: "value",
    message: "{what} must be a whole number, got {value}",
    title: "A size that is not a whole number",
  },
  {
    code: "E0111",
    name: "out-of-range",
    severity: "error",
    class: "value",
    message: "{what} must be {range}, got {value}",
    title: "A value outside the range the setting allows",
  },
  {
    code: "E0112",
    name: "bad-input",
    severity: "error",
    class: "value",
    message: "the input must be channels x height x width",
    title: "An input that is not channels × height × width",
  },
  {
    code: "E0113",
    name: "unknown-setting",
    severity: "error",
    class: "value",
    message: "{place} has no {what} '{name}'",
    title: "A section or setting alexc does not know",
  },
  {
    code: "E0114",
    name: "bad-override",
    severity: "error",
    class: "value",
    message: "{origin}: unknown {kind} '{name}'",
    title: "A variant, `--set` or `--variant` naming a parameter or variant the spec does not have",
  },
  {
    code: "E0115",
    name: "unknown-function",
    severity: "error",
    class: "value",
    message: "unknown function '{name}'",
    title: "A function that expressions do not offer",
  },
  {
    code: "E0116",
    name: "unknown-allow",
    severity: "error",
    class: "value",
    message: "'{name}' is not a warning that can be allowed",
    title: "An `allow` clause naming no known warning",
  },
  {
    code: "E0117",
    name: "bad-name",
    severity: "error",
    class: "value",
    message: "the name '{name}' cannot be used for a layer or block",
    title: "A layer or block name that TensorFlow.js cannot use",
  },
  {
    code: "E0118",
    name: "unknown-param-type",
    severity: "error",
    class: "value",
    splitFrom: "E0106",
    message: "unknown parameter type '{type}'",
    title: "A parameter type other than int or float",
  },
  {
    code: "E0119",
    name: "wrong-arity",
    severity: "error",
    class: "value",
    splitFrom: "E0106",
    message: "{function} takes {arity}",
    title: "A function called with the wrong number of arguments",
  },
  {
    code: "E0120",
    name: "channel-count",
    severity: "error",
    class: "value",
    message: "{what} has {count} values, but the input has {channels}",
    title: "A per-channel data setting whose number of values differs from the input's channels",
  },
  {
    code: "E0121",
    name: "too-many-combinations",
    severity: "error",
    class: "value",
    message: "the matrix has {total} combinations, more than the limit of {limit}",
    title: "A matrix with more combinations than alexc checks",
  },

  {
    code: "E0122",
    name: "allow-without-reason",
    severity: "error",
    class: "value",
    splitFrom: "E0106",
    message: "an `allow` needs a reason",
    title: "An `allow` clause with an empty reason",
  },
  {
    code: "E0123",
    name: "too-large-to-compute",
    severity: "error",
    class: "value",
    splitFrom: "E0111",
    message: "{quantity} {beyond}",
    title: "A number or tensor beyond what alexc computes exactly (more than 4096 bits, or more than 2^53 values)",
  },
  {
    code: "E0130",
    name: "pad-amounts",
    severity: "error",
    class: "value",
    message: "{layer} gives its padding twice: as padding and as {sides}",
    title: "A pad layer whose amounts are given twice (as padding and by side)",
  },
  {
    code: "E0131",
    name: "pad-same",
    severity: "error",
    class: "value",
    message: "{layer}: padding 'same' means nothing without a window",
    title: "A pad layer given `same`, a window's padding rule, instead of amounts",
  },

  // Split from overloaded codes (issue #15): one meaning per code. The older code keeps the meaning
  // its title still names; these say what the finding was before they got their own number.
  {
    code: "E0160",
    name: "unterminated-string",
    severity: "error",
    class: "reading",
    splitFrom: "E0005",
    message: "unterminated string: no closing '\"' on this line",
    title: "A string with no closing quote on its line",
  },
  {
    code: "E0161",
    name: "outside-declared-bounds",
    severity: "error",
    class: "value",
    splitFrom: "E0111",
    message: "'{name}' must be {op} {limit}; {source}",
    title: "A parameter's value outside the bounds its `where` clause declares",
  },
  {
    code: "E0162",
    name: "missing-input",
    severity: "error",
    class: "value",
    splitFrom: "E0112",
    message: "model '{model}' declares no input",
    title: "A model with no `input` line",
  },
  {
    code: "E0163",
    name: "duplicate-input",
    severity: "error",
    class: "value",
    splitFrom: "E0112",
    message: "the model declares its input twice",
    title: "A model with two `input` lines",
  },
  {
    code: "E0164",
    name: "channels-last-input",
    severity: "error",
    class: "value",
    splitFrom: "E0112",
    message: "input {c}x{h}x{w} looks like height × width × channels; alexc reads channels × height × width",
    title: "An input written height × width × channels where alexc reads channels × height × width",
  },
  {
    code: "E0165",
    name: "unknown-choice",
    severity: "error",
    class: "value",
    splitFrom: "E0113",
    message: "{setting}: unknown choice '{name}'",
    title: "A setting given a choice it does not offer",
  },
  {
    code: "E0166",
    name: "duplicate-section",
    severity: "error",
    class: "value",
    splitFrom: "E0113",
    message: "section '{name}' appears twice",
    title: "A section written twice in one model",
  },

  {
    code: "E0167",
    name: "reversed-range",
    severity: "error",
    class: "value",
    splitFrom: "E0111",
    message: "{what}: the low end {low} is above the high end {high}",
    title: "A [low, high] range written high end first",
  },
  {
    code: "E0201",
    name: "dense-in-mismatch",
    severity: "error",
    class: "shape",
    message: "{layer} declares {declared} in-features, but {actual} reach it",
    title: "Declared dense in-features differ from the size that reaches the layer",
  },
  {
    code: "E0202",
    name: "empty-output",
    severity: "error",
    class: "shape",
    message: "{layer} has an empty output: its {kernel}-wide kernel is larger than its padded input {padded}",
    title: "A layer's kernel is larger than its padded input, so its output is empty",
  },
  {
    code: "E0203",
    name: "rank-mismatch",
    severity: "error",
    class: "shape",
    message: "{layer} needs {needed} but gets {got}",
    title: "A layer gets a flat vector where it needs a feature map, or the reverse",
  },
  {
    code: "E0204",
    name: "no-class-scores",
    severity: "error",
    class: "shape",
    splitFrom: "E0203",
    message: "{model} ends in a {shape} feature map, but cross_entropy training needs a vector of class scores",
    title: "The model ends in a feature map, but training needs a vector of class scores",
  },
  {
    code: "E0210",
    name: "indivisible-groups",
    severity: "error",
    class: "shape",
    message: "{layer} has groups={groups}, but its {counted} not divisible by {groups}",
    title: "A grouped convolution whose input or output channels are not divisible by its groups",
  },
  {
    code: "E0220",
    name: "reflect-too-wide",
    severity: "error",
    class: "shape",
    message: "{layer} reflects {padding} into a {axis} of only {size}",
    title: "Reflect padding as wide as the input or wider",
  },

  {
    code: "W0301",
    name: "inexact",
    severity: "warning",
    class: "shape",
    allowable: true,
    message: "{layer} drops {dropped} of its padded input",
    title: "A window does not tile its padded input exactly: rows or columns are dropped",
  },
  {
    code: "W0302",
    name: "unused-allow",
    severity: "warning",
    class: "acknowledgement",
    message: "{layer}: `allow {warning}` acknowledges nothing",
    title: "An `allow` clause that acknowledges nothing",
  },
  {
    code: "W0310",
    name: "ceil_mode",
    severity: "warning",
    class: "portability",
    allowable: true,
    message: "{layer} gives {ours} but {theirs}",
    title: "A ceil-mode pooling whose output size differs between PyTorch, Caffe and TensorFlow (which has no ceil mode)",
  },
  {
    code: "W0311",
    name: "same_padding",
    severity: "warning",
    class: "portability",
    allowable: true,
    message:
      "{layer} padding=same pads {padding} here: {tf_output} in TensorFlow, {symmetric_output} with Caffe's or PyTorch's symmetric padding {symmetric}",
    title: "`padding=same` resolves to asymmetric padding, which PyTorch and Caffe cannot write as one layer",
  },
  {
    code: "W0312",
    name: "lrn_alpha",
    severity: "warning",
    class: "portability",
    allowable: true,
    message: "{layer} alpha={alpha} is divided by size {size} in PyTorch and Caffe, but not in the AlexNet paper or TensorFlow",
    title: "LRN alpha: PyTorch and Caffe divide it by the size, the AlexNet paper and TensorFlow do not",
  },
  {
    code: "W0313",
    name: "input_size",
    severity: "warning",
    class: "portability",
    allowable: true,
    message:
      "{layer} tiles a {exact_size} input exactly, not {size}: the flatten gets {features} features at {size} and {exact_features} at {exact_size}",
    title:
      "The input does not tile the first window layer, and the nearest size that does changes the feature count (AlexNet's 224 vs 227)",
  },
  {
    code: "W0330",
    name: "softmax_not_last",
    severity: "warning",
    class: "value",
    allowable: true,
    message: "{layer} is not the last layer: {next} follows it",
    title: "A softmax with value-changing layers after it: the loss and predict expect logits and apply softmax themselves",
  },

  {
    code: "E0401",
    name: "lock-mismatch",
    severity: "error",
    class: "project",
    message: "{configuration} {difference}",
    title: "A model's input, output, params or MACs differ from anet.lock.json",
  },
  {
    code: "E0402",
    name: "bad-lock-entry",
    severity: "error",
    class: "project",
    message: "the entry for {entry} in {lock} is {problem}",
    title: "An entry of anet.lock.json that is not what `alexc lock` writes",
  },
] as const satisfies readonly CatalogueEntry[];

export type Code = (typeof entries)[number]["code"];

export const catalogue: ReadonlyMap<string, CatalogueEntry> = new Map(entries.map((e) => [e.code, e]));

export function entry(code: Code): CatalogueEntry {
  return catalogue.get(code)!;
}

/** The names of a template's holes: "{layer} drops {dropped}" gives "layer" | "dropped". */
type Holes<T extends string> = T extends `${string}{${infer Hole}}${infer Rest}` ? Hole | Holes<Rest> : never;

type Template<C extends Code> = Extract<(typeof entries)[number], { code: C }>["message"];

/** What fills a hole; numbers and bigints are written as `${n}` writes them (no grouping, no rounding). */
export type MessageValue = string | number | bigint;

/**
 * The arguments a code's message needs, derived from its template: a missing or misspelt hole
 * fails tsc at the call site. A code without holes takes `{}`.
 */
export type MessageArgs<C extends Code> = [Holes<Template<C>>] extends [never]
  ? Record<string, never> // so that neither a stray argument nor a headline written as text compiles
  : { readonly [H in Holes<Template<C>>]: MessageValue };

const HOLE = /\{([a-z_]+)\}/g;

/** The hole names of a template, in order of first appearance. */
export function holesOf(template: string): string[] {
  return [...new Set([...template.matchAll(HOLE)].map((m) => m[1]!))];
}

/** A code's headline: its template with every hole filled (values are not scanned for holes again). */
export function formatMessage<C extends Code>(code: C, args: MessageArgs<C>): string {
  const values = args as Readonly<Record<string, MessageValue>>;
  return entry(code).message.replace(HOLE, (_, hole: string) => {
    const value = values[hole];
    // Unreachable from typed code; a bug, so it is loud (the CLI reports internal errors as such).
    if (value === undefined) throw new Error(`${code}: no value for {${hole}} in its message`);
    return `${value}`;
  });
}

/** Warnings a spec may acknowledge with `allow <name> "reason"`. */
export const allowableByName: ReadonlyMap<string, CatalogueEntry> = new Map(
  entries.filter((e) => (e as CatalogueEntry).allowable === true).map((e) => [e.name, e]),
);
