/**
 * `alexc explain` and docs/diagnostics.md: every code in the catalogue has a page whose example
 * really raises it and whose fixed spec does not; the committed docs equal a fresh render.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { catalogue, type Code } from "../src/diagnostics/catalogue.js";
import { explanations } from "../src/diagnostics/explanations.js";
import { diagnosticsMarkdown, exampleDiagnostics } from "../src/views/explain.js";
import { ROOT, runCli } from "./support.js";

const codes = (text: string, lock?: string, refusedAs?: string): string[] =>
  exampleDiagnostics(text, lock, refusedAs).diagnostics.map((d) => d.code);

for (const entry of catalogue.values()) {
  test(`${entry.code} ${entry.name}: the example raises it, the fix does not`, () => {
    const x = explanations[entry.code as Code];
    assert.ok(
      codes(x.example, x.lock, x.refusedAs).includes(entry.code),
      `example raises ${JSON.stringify(codes(x.example, x.lock, x.refusedAs))}`,
    );
    const fixedLock = x.fixedLock ?? x.lock;
    assert.not.ok(codes(x.fixed, fixedLock).includes(entry.code), `fixed still raises ${entry.code}`);
    assert.equal(
      codes(x.fixed, fixedLock).filter((c) => c.startsWith("E")),
      [],
      "the fixed example has no errors at all",
    );
  });
}

test("every explanation belongs to a catalogue code", () => {
  assert.equal(Object.keys(explanations).sort(), [...catalogue.keys()].sort());
});

test("docs/diagnostics.md is generated from the catalogue (npm run docs)", () => {
  assert.ok(
    readFileSync(join(ROOT, "docs", "diagnostics.md"), "utf8") === diagnosticsMarkdown(),
    "docs/diagnostics.md is stale: run npm run docs",
  );
});

test("alexc explain E0201 prints the page with a failing example and the fix", () => {
  const r = runCli(["explain", "E0201"]);
  assert.is(r.status, 0);
  assert.match(r.stdout, /^E0201 dense-in-mismatch \(error, shape\)/);
  assert.match(r.stdout, /Example:\n\n {4}model m \{/);
  assert.match(r.stdout, /alexc reports:\n\n {4}error\[E0201\]/);
  assert.match(r.stdout, /Fix: Write the produced size/);
});

test("alexc explain takes names too, lists every code, and suggests on typos", () => {
  assert.match(runCli(["explain", "inexact"]).stdout, /^W0301 inexact \(warning, shape\)/);
  const all = runCli(["explain"]);
  assert.is(all.stdout.trim().split("\n").length, catalogue.size);
  const typo = runCli(["explain", "E020l"]);
  assert.is(typo.status, 2);
  assert.match(typo.stderr, /did you mean E0201\?/);
});

test.run();
