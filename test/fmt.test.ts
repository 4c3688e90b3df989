/** alexc fmt: canonical layout, comments kept, idempotent on every spec and fixture, --check. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { globSync } from "tinyglobby";
import { formatSource, printExpr } from "../src/syntax/printer.js";
import { parse } from "../src/syntax/parse.js";
import { checkSource } from "../src/check/check-spec.js";
import type { Expr, LayerNode } from "../src/syntax/ast.js";
import { FIXTURES, ROOT, golden, runCli } from "./support.js";

const all = globSync(["specs/**/*.anet", "test/fixtures/**/*.anet"], { cwd: ROOT }).sort();
const parseable = all.filter((f) => parse(readFileSync(join(ROOT, f), "utf8")).ast);

for (const f of parseable) {
  test(`fmt is idempotent on ${f} and keeps its meaning`, () => {
    const source = readFileSync(join(ROOT, f), "utf8");
    const once = formatSource(source).text!;
    assert.is(formatSource(once).text, once);
    // Same diagnostics codes and the same checked totals before and after.
    const before = checkSource(f, source);
    const after = checkSource(f, once);
    assert.equal(
      after.diagnostics.map((d) => d.code),
      before.diagnostics.map((d) => d.code),
    );
    assert.is(after.checked?.totals.params, before.checked?.totals.params);
    // Every comment survives, in order.
    assert.equal(
      parse(once).comments.map((c) => c.image.trim()),
      parse(source).comments.map((c) => c.image.trim()),
    );
  });
}

test("the committed specs and fixtures are formatted", () => {
  // Fuzz counterexamples stay byte for byte as found; the fmt fixture is messy on purpose.
  const r = runCli([
    "fmt",
    "--check",
    "specs/",
    ...parseable.filter((f) => f.startsWith("test/") && !f.includes("/fmt/") && !f.includes("/fuzz/")),
  ]);
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test("a messy spec gets the canonical layout (golden)", () => {
  const text = formatSource(readFileSync(join(FIXTURES, "fmt", "messy.anet"), "utf8")).text!;
  golden(join(FIXTURES, "fmt", "messy.formatted"), text);
});

const expressions: Array<[string, string]> = [
  ["1+2*3", "1 + 2*3"],
  ["(1+2)*3", "(1 + 2)*3"],
  ["8-(4-2)", "8 - (4 - 2)"],
  ["8-4-2", "8 - 4 - 2"],
  ["2**3**2", "2**3**2"],
  ["(2**3)**2", "(2**3)**2"],
  ["-(2+1)", "-(2 + 1)"],
  ["-2**2", "-2**2"],
  ["(-2)**2", "(-2)**2"],
  ["2**-1", "2**-1"],
  ["round(96 * width)", "round(96*width)"],
  ["a/(b*c)", "a/(b*c)"],
];
for (const [source, expected] of expressions) {
  test(`expression ${source} prints as ${expected} and parses back to the same tree`, () => {
    const arg = (text: string): Expr => (parse(`model m { input 1x1x1\n conv(${text}) }`).ast!.body[0] as LayerNode).args[0]!.value as Expr;
    assert.is(printExpr(arg(source)), expected);
    const strip = (e: Expr): unknown => JSON.parse(JSON.stringify(e, (k, v) => (k === "span" || k === "calleeSpan" ? undefined : v)));
    assert.equal(strip(arg(expected)), strip(arg(source)));
  });
}

test("fmt --check exits 1 and lists a badly indented copy; fmt fixes it; broken files are reported", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-fmt-"));
  try {
    copyFileSync(join(ROOT, "specs", "alexnet.anet"), join(dir, "good.anet"));
    writeFileSync(join(dir, "bad.anet"), readFileSync(join(ROOT, "specs", "alexnet.anet"), "utf8").replace(/^ {4}/gm, "\t"));
    const check = runCli(["fmt", "--check", dir]);
    assert.is(check.status, 1);
    assert.is(check.stdout.trim(), join(dir, "bad.anet"));
    assert.is(runCli(["fmt", dir]).status, 0);
    assert.is(readFileSync(join(dir, "bad.anet"), "utf8"), readFileSync(join(ROOT, "specs", "alexnet.anet"), "utf8"));
    assert.is(runCli(["fmt", "--check", dir]).status, 0);
    writeFileSync(join(dir, "broken.anet"), "model m { conv( }");
    const broken = runCli(["fmt", dir]);
    assert.is(broken.status, 1);
    assert.match(broken.stderr, /error\[E0002\]/);
    assert.is(readFileSync(join(dir, "broken.anet"), "utf8"), "model m { conv( }");
    assert.equal(readdirSync(dir).sort(), ["bad.anet", "broken.anet", "good.anet"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
