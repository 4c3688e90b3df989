/** Machine-readable report formats, shared by every command that reports diagnostics. */
import { allResults, type SpecReport } from "../../check/variants.js";
import { jsonDocument } from "../check-report.js";
import { githubReport } from "./github.js";
import { junitReport } from "./junit.js";
import { sarifReport } from "./sarif.js";

export const FORMATS = ["text", "json", "github", "sarif", "junit"] as const;
export type Format = (typeof FORMATS)[number];

export function formatReports(format: Exclude<Format, "text">, reports: SpecReport[], denyWarnings: boolean): string {
  switch (format) {
    case "json":
      return jsonDocument(reports);
    case "github":
      return githubReport(allResults(reports));
    case "sarif":
      return sarifReport(allResults(reports));
    case "junit":
      return junitReport(reports, denyWarnings);
  }
}
