/**
 * JUnit XML, which most CI systems render as a test report: one test case per spec and per variant
 * (and per matrix combination), failing on errors — and on open warnings with --deny-warnings.
 */
import type { CheckResult } from "../../check/check-spec.js";
import type { SpecReport } from "../../check/variants.js";
import { renderDiagnostic } from "../../diagnostics/render.js";

function xml(s: string): string {
  return (
    s
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      // Characters XML 1.0 cannot hold at all.
      .replace(
        /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
        "",
      )
  );
}

/** Attribute values: line breaks and tabs as references, so they are kept instead of normalised to spaces. */
function attr(s: string): string {
  return xml(s).replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}

interface Case {
  name: string;
  result: CheckResult;
}

function cases(report: SpecReport): Case[] {
  return [
    ...report.results.map((r) => ({
      name: r.variant === undefined ? `${r.checked?.model.name ?? "spec"} (base)` : `variant ${r.variant}`,
      result: r,
    })),
    ...report.matrix.map((m) => ({ name: `matrix ${m.label}`, result: m.result })),
  ];
}

export function junitReport(reports: SpecReport[], denyWarnings: boolean): string {
  const failing = (r: CheckResult) => r.diagnostics.filter((d) => d.severity === "error" || (denyWarnings && d.acknowledged === undefined));
  const suites = reports.map((report) => {
    const file = report.results[0]!.file;
    const all = cases(report);
    const failures = all.filter((c) => failing(c.result).length > 0).length;
    const body = all.map((c) => {
      const bad = failing(c.result);
      const other = c.result.diagnostics.filter((d) => !bad.includes(d));
      const failure = bad.length
        ? `\n      <failure type="${attr(bad[0]!.code)}" message="${attr(bad[0]!.message)}">${xml(bad.map((d) => renderDiagnostic(d, file)).join("\n\n"))}</failure>`
        : "";
      const out = other.length ? `\n      <system-out>${xml(other.map((d) => renderDiagnostic(d, file)).join("\n\n"))}</system-out>` : "";
      return `    <testcase classname="${attr(file.path)}" name="${attr(c.name)}">${failure}${out}${failure || out ? "\n    " : ""}</testcase>`;
    });
    return `  <testsuite name="${attr(file.path)}" tests="${all.length}" failures="${failures}" errors="0" skipped="0">\n${body.join("\n")}\n  </testsuite>`;
  });
  const tests = reports.reduce((n, r) => n + cases(r).length, 0);
  const failures = reports.reduce((n, r) => n + cases(r).filter((c) => failing(c.result).length > 0).length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="alexc" tests="${tests}" failures="${failures}" errors="0">\n${suites.join("\n")}\n</testsuites>\n`;
}
