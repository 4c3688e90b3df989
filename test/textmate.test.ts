/** The editors' TextMate grammar: generated from grammar/tokens.ts, committed fresh, every pattern valid. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { textMateGrammar, textMateGrammarJson } from "../grammar/textmate.js";
import { keywords } from "../grammar/tokens.js";

test("editors/vscode/syntaxes/anet.tmLanguage.json is fresh (npm run textmate to regenerate)", () => {
  const committed = readFileSync("editors/vscode/syntaxes/anet.tmLanguage.json", "utf8");
  assert.ok(committed === textMateGrammarJson(), "anet.tmLanguage.json is stale: run npm run textmate");
});

test("every keyword of the lexer is highlighted as one, and every pattern compiles", () => {
  const json = textMateGrammarJson();
  const grammar = textMateGrammar() as { repository: { keywords: { match: string } } };
  const keywordRe = new RegExp(grammar.repository.keywords.match);
  for (const k of keywords) assert.ok(keywordRe.test(String((k.PATTERN as RegExp).source)), k.name);
  for (const m of json.matchAll(/"(?:match|begin|end)": "((?:[^"\\]|\\.)*)"/g)) new RegExp(JSON.parse(`"${m[1]}"`) as string, "u");
});

test.run();
