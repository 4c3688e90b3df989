/** Writes docs/diagnostics.md from the diagnostic catalogue and docs/language.md's layer table from the layer table (npm run docs). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { diagnosticsMarkdown } from "../src/views/explain.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";
import { withLayerTable } from "../src/layers/docs.js";

writeFileSync(join(PACKAGE_ROOT, "docs", "diagnostics.md"), diagnosticsMarkdown());
console.log("wrote docs/diagnostics.md");

const language = join(PACKAGE_ROOT, "docs", "language.md");
writeFileSync(language, withLayerTable(readFileSync(language, "utf8")));
console.log("wrote the layer table in docs/language.md");
