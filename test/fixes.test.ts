/**
 * Exact fixes carried as data on diagnostics (`Diagnostic.fixes`): applying each one removes the
 * finding it belongs to, and the rendered diagnostics (what alexc prints) do not show them.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { checkSource, checkSpec } from "../src/check/check-spec.js";
import type { Diagnostic, Fix } from "../src/diagnostics/diagnostic.js";
import { renderDiagnostic } from "../src/diagnostics/render.js";

const SEED = readFileSync("specs/alexnet.anet", "utf8");

function apply(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.span.start - a.span.start);
  for (const e of edits) text = text.slice(0, e.span.start) + e.text + text.slice(e.span.end);
  return text;
}

function only(text: string, code: string): Diagnostic {
  const found = checkSpec("t.anet", text)
    .results.flatMap((r) => r.diagnostics)
    .filter((d) => d.code === code);
  assert.is(found.length, 1, `${code} once in ${JSON.stringify(found.map((d) => d.message))}`);
  return found[0]!;
}

const codes = (text: string): string[] => checkSpec("t.anet", text).results.flatMap((r) => r.diagnostics.map((d) => d.code));

test("E0201: the fix writes the expression that arrives, and the error goes", () => {
  const text = SEED.replace("dense(128*6*6 -> 2048)", "dense(128*5*5 -> 2048)");
  const d = only(text, "E0201");
  assert.is(d.fixes?.length, 1);
  const fixed = apply(text, d.fixes![0]!);
  assert.ok(fixed.includes("dense(128*6*6 -> 2048)"));
  assert.not.ok(codes(fixed).includes("E0201"));
});

test("W0301: the fix adds an allow clause after the layer, which acknowledges it", () => {
  const d = only(SEED, "W0301");
  const fixed = apply(SEED, d.fixes![0]!);
  assert.match(fixed, /conv\(48, kernel=11, stride=4, padding=2\) allow inexact "[^"]+"/);
  const again = checkSource("t.anet", fixed).diagnostics.filter((x) => x.code === "W0301");
  assert.is(again.length, 1);
  assert.ok(again[0]!.acknowledged, "acknowledged");
  assert.equal(
    codes(fixed).filter((c) => c.startsWith("E")),
    [],
  );
});

const small = (body: string, extra = ""): string =>
  `model m {\n  param width: int = 8\n  input 3x8x8\n${body}\n  flatten\n  dense(10)\n${extra}}\n`;

const misspellings: Array<[string, string, string]> = [
  ["E0103 unknown layer kind", small("  comv(4, kernel=3)"), "E0103"],
  ["E0104 unknown argument", small("  conv(4, kernal=3)"), "E0104"],
  ["E0101 unknown parameter", small("  conv(widt, kernel=3)"), "E0101"],
  ["E0115 unknown function", small("  conv(flor(width / 2), kernel=3)"), "E0115"],
  ["E0116 unknown allow name", small('  conv(4, kernel=3, stride=2) allow inexct "x"'), "E0116"],
];
for (const [what, text, code] of misspellings)
  test(`${what}: the did-you-mean fix replaces the name and the finding goes`, () => {
    const d = only(text, code);
    assert.ok(d.fixes?.length, `${code} has a fix`);
    assert.is(d.fixes![0]!.edits[0]!.span.start, d.span!.start, "it replaces the name the finding points at");
    assert.not.ok(codes(apply(text, d.fixes![0]!)).includes(code));
  });

test("no fix where there is no single answer (no close name)", () => {
  const d = only(small("  zzzzzz(4)"), "E0103");
  assert.is(d.fixes, undefined);
});

test("rendering does not change with fixes (they are data, not text)", () => {
  const text = SEED.replace("dense(128*6*6 -> 2048)", "dense(128*5*5 -> 2048)");
  const r = checkSource("t.anet", text);
  const d = r.diagnostics.find((x) => x.code === "E0201")!;
  const { fixes: _ignored, ...withoutFixes } = d;
  assert.is(renderDiagnostic(d, r.file), renderDiagnostic(withoutFixes as Diagnostic, r.file));
});

test.run();
