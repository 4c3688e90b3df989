/**
 * `alexc explain CODE` pages and docs/diagnostics.md, both rendered from the catalogue and the
 * explanations, with the example's real diagnostics (the compiler is run on it), so the docs show
 * exactly what users will see.
 */
import { checkSpec } from "../check/check-spec.js";
import { catalogue, type CatalogueEntry, type Code } from "../diagnostics/catalogue.js";
import { explanations } from "../diagnostics/explanations.js";
import { renderDiagnostic } from "../diagnostics/render.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile } from "../diagnostics/source.js";
import { compareWithLock, LOCK_FILE, parseLock } from "./lock.js";
import { matrixAxes, refusedSpecReport } from "../check/variants.js";
import { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { SpecNode } from "../syntax/ast.js";

function matrixDiagnostics(ast: SpecNode, file: SourceFile): Diagnostic[] {
  const bag = new DiagnosticBag();
  matrixAxes(ast, file, bag);
  return bag.items;
}

export function findEntry(codeOrName: string): CatalogueEntry | undefined {
  const wanted = codeOrName.trim();
  return catalogue.get(wanted.toUpperCase()) ?? [...catalogue.values()].find((e) => e.name === wanted.toLowerCase());
}

/** Everything `alexc check` (with --locked when the example has a lock) reports for a spec. */
export function exampleDiagnostics(text: string, lock?: string, refusedAs?: string): { file: SourceFile; diagnostics: Diagnostic[] } {
  if (refusedAs !== undefined) {
    // As `alexc check` meets a refused file: the reader's error, as the command reports it.
    const report = refusedSpecReport("example.anet", `example.anet: ${refusedAs}`);
    return { file: report.results[0]!.file, diagnostics: report.results[0]!.diagnostics };
  }
  const { file, ast, results } = checkSpec("example.anet", text);
  const diagnostics = results.flatMap((r) => r.diagnostics);
  // The matrix section is read as `alexc check` reads it (its combinations are not run here).
  if (ast) diagnostics.push(...matrixDiagnostics(ast, file));
  if (lock !== undefined) diagnostics.push(...compareWithLock(file.path, ast, results, parseLock(lock), LOCK_FILE));
  return { file, diagnostics };
}

/** The example's diagnostics of this code, rendered as the CLI prints them. */
function exampleOutput(code: Code): string {
  const { file, diagnostics } = exampleDiagnostics(explanations[code].example, explanations[code].lock, explanations[code].refusedAs);
  return diagnostics
    .filter((d) => d.code === code)
    .map((d) => renderDiagnostic(d, file))
    .join("\n\n");
}

const indent = (s: string): string =>
  s
    .trimEnd()
    .split("\n")
    .map((l) => (l ? `    ${l}` : ""))
    .join("\n");

/** Codes that took over a meaning `code` used to report (their `splitFrom`). */
function splitOff(code: string): CatalogueEntry[] {
  return [...catalogue.values()].filter((e) => e.splitFrom === code);
}

/** Markdown inline code that survives backticks in the text (E0122's "an `allow` needs a reason"). */
const inlineCode = (s: string): string => (s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``);

export function explainText(entry: CatalogueEntry): string {
  const x = explanations[entry.code as Code];
  const moved = splitOff(entry.code);
  return [
    `${entry.code} ${entry.name} (${entry.severity}, ${entry.class}): ${entry.title}${entry.splitFrom ? ` (reported as ${entry.splitFrom} before it got its own code)` : ""}`,
    "",
    `Message: ${entry.message}`,
    ...(moved.length ? [`Split off: ${moved.map((e) => `${e.code} ${e.name}`).join(", ")}`] : []),
    "",
    x.meaning,
    "",
    "Example:",
    "",
    indent(x.example),
    "",
    "alexc reports:",
    "",
    indent(exampleOutput(entry.code as Code)),
    "",
    `Fix: ${x.fix}`,
    "",
    indent(x.fixed),
    "",
  ].join("\n");
}

const link = (e: CatalogueEntry): string => `[${e.code}](#${e.code.toLowerCase()}) (\`${e.name}\`)`;

export function diagnosticsMarkdown(): string {
  const entries = [...catalogue.values()];
  const lines = [
    "# Diagnostics",
    "",
    "<!-- Generated from src/diagnostics/catalogue.ts and explanations.ts by `npm run docs`; a test keeps it in sync. -->",
    "",
    'Every finding has a stable code; `alexc explain CODE` prints the same page in a terminal. Warnings can be acknowledged on a layer with `allow NAME "reason"`.',
    "",
    'Each code has one meaning and one message template; the `{holes}` are filled from the finding (docs/architecture.md, "A new diagnostic is …").',
    "",
    "| code | name | severity | meaning |",
    "|---|---|---|---|",
    ...entries.map((e) => `| [${e.code}](#${e.code.toLowerCase()}) | \`${e.name}\` | ${e.severity} | ${e.title} |`),
    "",
  ];
  for (const e of entries) {
    const x = explanations[e.code as Code];
    lines.push(
      `## ${e.code}`,
      "",
      `\`${e.name}\`, ${e.severity}, ${e.class}: ${e.title}.${e.splitFrom ? ` Reported as [${e.splitFrom}](#${e.splitFrom.toLowerCase()}) before it got its own code.` : ""}`,
      "",
      `Message: ${inlineCode(e.message)}${splitOff(e.code).length ? ` Split off: ${splitOff(e.code).map(link).join(", ")}.` : ""}`,
      "",
      x.meaning,
      "",
      "Example:",
      "",
      "```",
      x.example.trimEnd(),
      "```",
      "",
      "```console",
      x.lock !== undefined ? "$ alexc check --locked example.anet" : "$ alexc check example.anet",
      exampleOutput(e.code as Code),
      "```",
      "",
      `Fix: ${x.fix}`,
      "",
      "```",
      x.fixed.trimEnd(),
      "```",
      "",
    );
  }
  lines.push(
    "## Split codes",
    "",
    "A code that meant more than one thing keeps the meaning its title names; each other meaning moved to a new code, never a reused number. Tools matching an older code for one of these findings should match the new one as well.",
    "",
    "| new code | was reported as | meaning |",
    "|---|---|---|",
    ...entries.filter((e) => e.splitFrom).map((e) => `| ${link(e)} | ${link(catalogue.get(e.splitFrom!)!)} | ${e.title} |`),
    "",
  );
  // E0004's example holds an undecodable byte (a lone surrogate in memory); a file shows it as U+FFFD.
  return lines.join("\n").replace(/[\uD800-\uDFFF]/gu, "\uFFFD");
}
