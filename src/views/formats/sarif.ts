/**
 * SARIF 2.1.0, the format GitHub code scanning and many editors read. Rules come from the
 * diagnostic catalogue; acknowledged warnings carry an in-source suppression with the `allow`
 * reason, so they show as dismissed rather than disappearing.
 */
import type { CheckResult } from "../../check/check-spec.js";
import { catalogue } from "../../diagnostics/catalogue.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { SourceFile } from "../../diagnostics/source.js";
import type { Span } from "../../syntax/ast.js";
import { VERSION } from "../../util/version.js";

const RULES = [...catalogue.values()];

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}

function region(file: SourceFile, span: Span): Record<string, unknown> {
  const start = file.position(span.start);
  const end = file.position(span.end);
  return {
    startLine: start.line,
    startColumn: start.column,
    endLine: end.line,
    endColumn: end.column,
    snippet: { text: file.slice(span) },
  };
}

/** A relative URI reference: each path segment percent-encoded, so `#`, `?`, spaces and line breaks stay part of the name. */
function fileUri(path: string): string {
  return path.split("\\").join("/").split("/").map(encodeURIComponent).join("/");
}

function location(file: SourceFile, span: Span | undefined, message?: string): Record<string, unknown> {
  return {
    physicalLocation: { artifactLocation: { uri: fileUri(file.path) }, ...(span ? { region: region(file, span) } : {}) },
    ...(message ? { message: { text: message } } : {}),
  };
}

function result(r: CheckResult, d: Diagnostic): Record<string, unknown> {
  const text = [
    `${d.variant !== undefined ? `[${d.variant}] ` : ""}${d.message}${d.label ? `: ${d.label}` : ""}`,
    ...d.notes.map((n) => `note: ${n}`),
    ...(d.help ? [`help: ${d.help}`] : []),
  ].join("\n");
  return {
    ruleId: d.code,
    ruleIndex: RULES.findIndex((e) => e.code === d.code),
    level: d.severity === "error" ? "error" : "warning",
    message: { text },
    locations: [location(r.file, d.span)],
    ...(d.related.length ? { relatedLocations: d.related.map((rel, i) => ({ id: i, ...location(r.file, rel.span, rel.message) })) } : {}),
    ...(d.acknowledged !== undefined ? { suppressions: [{ kind: "inSource", status: "accepted", justification: d.acknowledged }] } : {}),
    ...(d.variant !== undefined ? { properties: { variant: d.variant } } : {}),
  };
}

export function sarifReport(results: CheckResult[]): string {
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "alexc",
            semanticVersion: VERSION,
            version: VERSION,
            rules: RULES.map((e) => ({
              id: e.code,
              name: pascal(e.name),
              shortDescription: { text: e.title },
              help: { text: `alexc explain ${e.code}` },
              defaultConfiguration: { level: e.severity === "error" ? "error" : "warning" },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: results.flatMap((r) => r.diagnostics.map((d) => result(r, d))),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
