/**
 * GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per finding, which
 * GitHub shows inline on the pull request's diff.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { CheckResult } from "../../check/check-spec.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { visible } from "../../diagnostics/visible.js";

/** Message text: %, CR and LF are escaped so a finding stays one command. */
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Property values additionally escape the separators `:` and `,`. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function command(d: Diagnostic): string {
  if (d.acknowledged !== undefined) return "notice";
  return d.severity === "error" ? "error" : "warning";
}

function githubLine(result: CheckResult, d: Diagnostic): string {
  // A control character in a file name is never meant: shown visibly, like everywhere else.
  const props = [`file=${escapeProperty(visible(result.file.path))}`];
  if (d.span) {
    const start = result.file.position(d.span.start);
    // GitHub's end column is inclusive: the last character of the span.
    const end = result.file.position(Math.max(d.span.start, d.span.end - 1));
    props.push(`line=${start.line}`, `col=${start.column}`, `endLine=${end.line}`, `endColumn=${end.column}`);
  }
  props.push(`title=${escapeProperty(`${d.code}${d.acknowledged !== undefined ? " (acknowledged)" : ""}`)}`);
  // The line breaks between parts are ours (escaped as %0A below); user text inside a part is made
  // visible first, so it can neither end the command nor colour the log.
  const body = [
    `${d.variant !== undefined ? `[${visible(d.variant)}] ` : ""}${visible(d.message)}${d.label ? `: ${visible(d.label)}` : ""}`,
    ...d.notes.map((n) => `note: ${visible(n)}`),
    ...(d.help ? [`help: ${visible(d.help)}`] : []),
    ...(d.acknowledged !== undefined ? [`allowed: ${visible(d.acknowledged)}`] : []),
  ];
  return `::${command(d)} ${props.join(",")}::${escapeData(body.join("\n"))}`;
}

export function githubReport(results: CheckResult[]): string {
  return results.flatMap((r) => r.diagnostics.map((d) => githubLine(r, d) + "\n")).join("");
}
