/** Writes docs/diagnostics.md from the diagnostic catalogue (npm run docs). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { diagnosticsMarkdown } from "../src/diagnostics/explain.js";
import { PACKAGE_ROOT } from "../src/package-root.js";

writeFileSync(join(PACKAGE_ROOT, "docs", "diagnostics.md"), diagnosticsMarkdown());
console.log("wrote docs/diagnostics.md");
