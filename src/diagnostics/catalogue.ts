/**
 * Every diagnostic alexc can report, under a stable code. Codes never change meaning and are never
 * reused; tools and `allow` clauses may rely on them. A new diagnostic is one entry here plus the
 * place that reports it (see docs/architecture.md).
 *
 * Codes are grouped by number for readers (E00xx reading, E01xx values, E02xx shapes, W03xx
 * warnings, E04xx the shape lock), but nothing reads meaning from the digits: severity, class and
 * whether a warning can be acknowledged are fields of the entry. A code's meaning is narrowed, never
 * changed; one that is split keeps its number for the meaning that stays (see `retired`).
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
  title: string;
}

const entries = [
  { code: "E0001", name: "unexpected-character", severity: "error", class: "reading", title: "A character that cannot start any token" },
  { code: "E0002", name: "syntax", severity: "error", class: "reading", title: "The text does not follow the .anet grammar" },
  {
    code: "E0003",
    name: "too-deep",
    severity: "error",
    class: "reading",
    title: "Brackets nested too deeply, or an expression too long, to compile safely",
  },
  { code: "E0004", name: "invalid-utf8", severity: "error", class: "reading", title: "A line that is not valid UTF-8" },
  {
    code: "E0005",
    name: "bad-string",
    severity: "error",
    class: "reading",
    title: "A string that is unterminated, has an unknown escape or holds a control character",
  },
  { code: "E0006", name: "unterminated-comment", severity: "error", class: "reading", title: "A `/*` comment with no closing `*/`" },
  {
    code: "E0007",
    name: "too-many-diagnostics",
    severity: "error",
    class: "reading",
    title: "More diagnostics than are shown for one file: the rest are counted, not listed",
  },
  {
    code: "E0008",
    name: "unreadable-spec",
    severity: "error",
    class: "reading",
    title: "A spec path that is not a regular file of bounded size (a FIFO, a device, a /proc file, or too large)",
  },

  { code: "E0101", name: "unknown-name", severity: "error", class: "value", title: "A name that is not a declared parameter" },
  { code: "E0102", name: "duplicate-param", severity: "error", class: "value", title: "A parameter declared twice" },
  { code: "E0103", name: "unknown-layer", severity: "error", class: "value", title: "A layer kind alexc does not know" },
  { code: "E0104", name: "unknown-argument", severity: "error", class: "value", title: "An argument the layer kind does not take" },
  { code: "E0105", name: "missing-argument", severity: "error", class: "value", title: "A required layer argument is missing" },
  { code: "E0106", name: "bad-argument", severity: "error", class: "value", title: "An argument of the wrong form" },
  { code: "E0107", name: "duplicate-name", severity: "error", class: "value", title: "Two layers or blocks with the same name" },
  { code: "E0108", name: "duplicate-argument", severity: "error", class: "value", title: "An argument given twice" },
  { code: "E0109", name: "division-by-zero", severity: "error", class: "value", title: "Division or remainder by zero in an expression" },
  { code: "E0110", name: "not-an-integer", severity: "error", class: "value", title: "A size that is not a whole number" },
  { code: "E0111", name: "out-of-range", severity: "error", class: "value", title: "A value outside the range the setting allows" },
  { code: "E0112", name: "bad-input", severity: "error", class: "value", title: "The model's input is missing or malformed" },
  { code: "E0113", name: "unknown-setting", severity: "error", class: "value", title: "A section or setting alexc does not know" },
  { code: "E0114", name: "bad-override", severity: "error", class: "value", title: "A --set override that does not fit the spec" },
  { code: "E0115", name: "unknown-function", severity: "error", class: "value", title: "A function that expressions do not offer" },
  { code: "E0116", name: "unknown-allow", severity: "error", class: "value", title: "An `allow` clause naming no known warning" },
  { code: "E0117", name: "bad-name", severity: "error", class: "value", title: "A layer or block name that TensorFlow.js cannot use" },
  {
    code: "E0118",
    name: "unknown-param-type",
    severity: "error",
    class: "value",
    splitFrom: "E0106",
    title: "A parameter type other than int or float",
  },
  {
    code: "E0119",
    name: "wrong-arity",
    severity: "error",
    class: "value",
    splitFrom: "E0106",
    title: "A function called with the wrong number of arguments",
  },
  {
    code: "E0120",
    name: "channel-count",
    severity: "error",
    class: "value",
    title: "A per-channel data setting whose number of values differs from the input's channels",
  },
  {
    code: "E0121",
    name: "too-many-combinations",
    severity: "error",
    class: "value",
    title: "A matrix with more combinations than alexc checks",
  },

  {
    code: "E0122",
    name: "allow-without-reason",
    severity: "error",
    class: "value",
    splitFrom: "E0106",
    title: "An `allow` clause with an empty reason",
  },
  {
    code: "E0123",
    name: "too-large-to-compute",
    severity: "error",
    class: "value",
    splitFrom: "E0111",
    title: "A number or tensor beyond what alexc computes exactly (more than 4096 bits, or more than 2^53 values)",
  },
  {
    code: "E0130",
    name: "pad-amounts",
    severity: "error",
    class: "value",
    title: "A pad layer whose amounts are given twice (as padding and by side) or as `same`",
  },

  {
    code: "E0201",
    name: "dense-in-mismatch",
    severity: "error",
    class: "shape",
    title: "Declared dense in-features differ from the size that reaches the layer",
  },
  {
    code: "E0202",
    name: "empty-output",
    severity: "error",
    class: "shape",
    title: "A layer's kernel is larger than its padded input, so its output is empty",
  },
  {
    code: "E0203",
    name: "rank-mismatch",
    severity: "error",
    class: "shape",
    title: "A layer gets a flat vector where it needs a feature map, or the reverse",
  },
  {
    code: "E0204",
    name: "no-class-scores",
    severity: "error",
    class: "shape",
    splitFrom: "E0203",
    title: "The model ends in a feature map, but training needs a vector of class scores",
  },
  {
    code: "E0210",
    name: "indivisible-groups",
    severity: "error",
    class: "shape",
    title: "A grouped convolution whose input or output channels are not divisible by its groups",
  },
  {
    code: "E0220",
    name: "reflect-too-wide",
    severity: "error",
    class: "shape",
    title: "Reflect padding as wide as the input or wider",
  },

  {
    code: "W0301",
    name: "inexact",
    severity: "warning",
    class: "shape",
    allowable: true,
    title: "A window does not tile its padded input exactly: rows or columns are dropped",
  },
  {
    code: "W0302",
    name: "unused-allow",
    severity: "warning",
    class: "acknowledgement",
    title: "An `allow` clause that acknowledges nothing",
  },
  {
    code: "W0310",
    name: "ceil_mode",
    severity: "warning",
    class: "portability",
    allowable: true,
    title: "A ceil-mode pooling whose output size differs between PyTorch, Caffe and TensorFlow (which has no ceil mode)",
  },
  {
    code: "W0311",
    name: "same_padding",
    severity: "warning",
    class: "portability",
    allowable: true,
    title: "`padding=same` resolves to asymmetric padding, which PyTorch and Caffe cannot write as one layer",
  },
  {
    code: "W0312",
    name: "lrn_alpha",
    severity: "warning",
    class: "portability",
    allowable: true,
    title: "LRN alpha: PyTorch and Caffe divide it by the size, the AlexNet paper and TensorFlow do not",
  },
  {
    code: "W0313",
    name: "input_size",
    severity: "warning",
    class: "portability",
    allowable: true,
    title:
      "The input does not tile the first window layer, and the nearest size that does changes the feature count (AlexNet's 224 vs 227)",
  },

  {
    code: "E0401",
    name: "lock-mismatch",
    severity: "error",
    class: "project",
    title: "A model's input, output, params or MACs differ from anet.lock.json",
  },
  {
    code: "E0402",
    name: "bad-lock-entry",
    severity: "error",
    class: "project",
    title: "An entry of anet.lock.json that is not what `alexc lock` writes",
  },
] as const satisfies readonly CatalogueEntry[];

export type Code = (typeof entries)[number]["code"];

export const catalogue: ReadonlyMap<string, CatalogueEntry> = new Map(entries.map((e) => [e.code, e]));

export function entry(code: Code): CatalogueEntry {
  return catalogue.get(code)!;
}

/** Warnings a spec may acknowledge with `allow <name> "reason"`. */
export const allowableByName: ReadonlyMap<string, CatalogueEntry> = new Map(
  entries.filter((e) => (e as CatalogueEntry).allowable === true).map((e) => [e.name, e]),
);
