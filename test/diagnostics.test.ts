/**
 * Golden diagnostics: every fixture in test/fixtures/diagnostics is checked and its rendered
 * diagnostics compared with the .txt beside it (UPDATE=1 rewrites them).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSource, checkSpec } from "../src/check/check-spec.js";
import { renderDiagnostic } from "../src/diagnostics/render.js";
import { FIXTURES, golden } from "./support.js";

const dir = join(FIXTURES, "diagnostics");
const specs = readdirSync(dir)
  .filter((f) => f.endsWith(".anet"))
  .sort();

for (const name of specs) {
  test(`diagnostics of ${name}`, () => {
    const path = `test/fixtures/diagnostics/${name}`;
    const { file, results } = checkSpec(path, readFileSync(join(dir, name), "utf8"));
    const diagnostics = results.flatMap((r) => r.diagnostics);
    assert.ok(diagnostics.length > 0, "a diagnostics fixture must produce diagnostics");
    const text = diagnostics.map((d) => renderDiagnostic(d, file)).join("\n\n") + "\n";
    assert.not.match(text, /at .*\(.*:\d+:\d+\)/, "no stack traces");
    golden(join(dir, name.replace(/\.anet$/, ".txt")), text);
  });
}

test("three syntax errors are all reported, each on its own line", () => {
  const r = checkSource("three.anet", readFileSync(join(dir, "three-syntax-errors.anet"), "utf8"));
  assert.equal(
    r.diagnostics.map((d) => d.code),
    ["E0002", "E0002", "E0002"],
  );
  assert.equal(
    r.diagnostics.map((d) => r.file.position(d.span!.start).line),
    [3, 5, 7],
  );
});

test("every location lies inside the file", () => {
  for (const name of specs) {
    const text = readFileSync(join(dir, name), "utf8");
    for (const d of checkSource(name, text).diagnostics) {
      if (!d.span) continue;
      assert.ok(
        d.span.start >= 0 && d.span.end <= text.length && d.span.start <= d.span.end,
        `${name}: ${d.code} span ${JSON.stringify(d.span)}`,
      );
    }
  }
});

test.run();
