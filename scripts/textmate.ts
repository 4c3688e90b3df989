/** Writes editors/vscode/syntaxes/anet.tmLanguage.json from the lexer's tokens (npm run textmate). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { textMateGrammarJson } from "../grammar/textmate.js";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

const dir = join(PACKAGE_ROOT, "editors", "vscode", "syntaxes");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "anet.tmLanguage.json"), textMateGrammarJson());
console.log("wrote editors/vscode/syntaxes/anet.tmLanguage.json");
