/**
 * alexc's diagnostics as LSP diagnostics: the same code, range, notes, help and related spans as
 * the CLI prints, and each exact fix carried in `data` so a code action can apply it.
 */
import type { CodeAction, Diagnostic as LspDiagnostic, TextEdit } from "vscode-languageserver";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source.js";
import { toRange } from "./positions.js";

/** LSP's DiagnosticSeverity values (the enum lives in the runtime package this module does not load). */
const ERROR = 1;
const WARNING = 2;
const HINT = 4;

export interface FixData {
  title: string;
  edits: TextEdit[];
}

export function toLspDiagnostic(d: Diagnostic, file: SourceFile, uri: string): LspDiagnostic {
  const range = toRange(file, d.span ?? { start: 0, end: 0 });
  const where = d.variant !== undefined ? `[${d.variant}] ` : "";
  const lines = [`${where}${d.message}`, ...(d.label ? [d.label] : []), ...d.notes.map((n) => `note: ${n}`)];
  if (d.help) lines.push(`help: ${d.help}`);
  if (d.acknowledged !== undefined) lines.push(`acknowledged: ${d.acknowledged}`);
  const fixes: FixData[] = (d.fixes ?? []).map((f) => ({
    title: f.title,
    edits: f.edits.map((e) => ({ range: toRange(file, e.span), newText: e.text })),
  }));
  return {
    range,
    severity: d.acknowledged !== undefined ? HINT : d.severity === "error" ? ERROR : WARNING,
    code: d.code,
    source: "alexc",
    message: lines.join("\n"),
    relatedInformation: d.related.map((r) => ({ location: { uri, range: toRange(file, r.span) }, message: r.message })),
    ...(fixes.length && d.acknowledged === undefined ? { data: { fixes } } : {}),
  };
}

/** The quick fixes of the diagnostics the client sends back with a code-action request. */
export function codeActions(uri: string, diagnostics: LspDiagnostic[]): CodeAction[] {
  return diagnostics.flatMap((d) => {
    const fixes = (d.data as { fixes?: FixData[] } | undefined)?.fixes ?? [];
    return fixes.map((f, i) => ({
      title: `${f.title} (${String(d.code)})`,
      kind: "quickfix",
      diagnostics: [d],
      isPreferred: i === 0,
      edit: { changes: { [uri]: f.edits } },
    }));
  });
}
