/** Writes grammar/diagrams.html from the parser (npm run diagrams). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { diagramsHtml } from "../grammar/diagrams.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

writeFileSync(join(PACKAGE_ROOT, "grammar", "diagrams.html"), diagramsHtml());
console.log("wrote grammar/diagrams.html");
