import type { Span } from "./source.js";
import { entry, formatMessage, type Code, type MessageArgs, type Severity } from "./catalogue.js";

export interface RelatedSpan {
  span: Span;
  message: string;
}

/**
 * An exact fix as data (the `help` says it in words): replace each span's text with `text`
 * (an empty span inserts). Editors offer it as a code action; any renderer may show it.
 */
export interface Fix {
  title: string;
  edits: Array<{ span: Span; text: string }>;
}

/**
 * One finding. `message` is the headline; `label` is printed under the caret; `notes` carry the
 * derivation (the arithmetic that led here); `help` is the fix where one exists.
 */
export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  span?: Span;
  label?: string;
  notes: string[];
  help?: string;
  /** Exact edits that carry out the help, where the finding has one. */
  fixes?: Fix[];
  related: RelatedSpan[];
  /** Set when an `allow` clause in the spec acknowledges this warning: its reason. */
  acknowledged?: string;
  /** The variant (or matrix combination) whose check found this; absent for the base model. */
  variant?: string;
  /** E0007 only: the findings it stands for, so counts and exit statuses stay true. */
  hidden?: { errors: number; warnings: number };
}

export interface DiagnosticInit {
  span?: Span | undefined;
  label?: string;
  notes?: string[];
  help?: string;
  fixes?: Fix[];
  related?: RelatedSpan[];
}

/**
 * A finding of `code`, its headline the catalogue's template filled from `args` (typed from the
 * template, so tsc catches a missing or misspelt hole); `init` holds the free text around it.
 */
export function diag<C extends Code>(code: C, args: MessageArgs<C>, init: DiagnosticInit = {}): Diagnostic {
  const message = formatMessage(code, args);
  const d: Diagnostic = { code, severity: entry(code).severity, message, notes: init.notes ?? [], related: init.related ?? [] };
  if (init.span) d.span = init.span;
  if (init.label !== undefined) d.label = init.label;
  if (init.help !== undefined) d.help = init.help;
  if (init.fixes?.length) d.fixes = init.fixes;
  return d;
}

/** A collector so each stage can report many findings in one pass instead of stopping at the first. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  add<C extends Code>(code: C, args: MessageArgs<C>, init?: DiagnosticInit): Diagnostic {
    const d = diag(code, args, init);
    this.items.push(d);
    return d;
  }

  push(...ds: Diagnostic[]): void {
    this.items.push(...ds);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }
}

/** Order: by position, errors before warnings at the same place, then by code. Stable output. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.span?.start ?? -1) - (b.span?.start ?? -1) ||
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
      a.code.localeCompare(b.code),
  );
}

/** Diagnostics listed per file and configuration; the rest are counted in one E0007. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

/**
 * Keeps the first MAX_DIAGNOSTICS_PER_FILE (already sorted, so the earliest in the file) and
 * replaces the rest by one E0007 that counts them: 1 MB of random bytes must not print 80 MB.
 * `omittedErrors` are errors the parser counted without building (they come after those built).
 */
export function capDiagnostics(ds: Diagnostic[], omittedErrors = 0): Diagnostic[] {
  if (ds.length <= MAX_DIAGNOSTICS_PER_FILE && omittedErrors === 0) return ds;
  const rest = ds.slice(MAX_DIAGNOSTICS_PER_FILE);
  const errors = rest.filter((d) => d.severity === "error").length + omittedErrors;
  const total = rest.length + omittedErrors;
  const parts = [
    `${errors} error${errors === 1 ? "" : "s"}`,
    ...(total > errors ? [`${total - errors} warning${total - errors === 1 ? "" : "s"}`] : []),
  ];
  const more = diag(
    "E0007",
    { total, counts: parts.join(", ") },
    {
      help: `fix the first ${MAX_DIAGNOSTICS_PER_FILE} and check again; if this is not a spec at all, check the path`,
    },
  );
  // Only as severe as what it hides: 150 warnings must not fail a check.
  if (errors === 0) more.severity = "warning";
  more.hidden = { errors, warnings: total - errors };
  return [...ds.slice(0, MAX_DIAGNOSTICS_PER_FILE), more];
}

/** Levenshtein distance, for did-you-mean suggestions. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/** The did-you-mean fix: `guess` written in place of the name at `span`. */
export function renameFix(span: Span | undefined, guess: string | undefined): { fixes?: Fix[] } {
  return span && guess !== undefined ? { fixes: [{ title: `change to '${guess}'`, edits: [{ span, text: guess }] }] } : {};
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}
