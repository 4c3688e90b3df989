/**
 * `alexc check` and `alexc compile` agree on every spec in specs/ and test/fixtures: compile
 * succeeds exactly when check reports no errors for the configuration, and reports the same
 * findings. In process, through the functions the two commands call (checkFile's checkSpecReport
 * and compile()), so the walk takes well under a second per spec.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { compile } from "../src/compile.js";
import { errorCount } from "../src/check/check-spec.js";
import { checkSpecReport } from "../src/check/variants.js";
import type { CheckResult } from "../src/check/check-spec.js";
import { readTextFile } from "../src/syntax/read.js";
import { ROOT } from "./support.js";

function anetFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? anetFiles(join(dir, e.name)) : e.name.endsWith(".anet") ? [join(dir, e.name)] : [],
  );
}

const findings = (r: CheckResult): string[] =>
  r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.span?.start ?? "-"}: ${d.message}`).sort();

/** compile() of one model against what check reported for it: the same findings, and outputs exactly when there is no error. */
function agree(where: string, checked: CheckResult, compiled: ReturnType<typeof compile>, errorsElsewhere: number): void {
  assert.is(compiled.selected.length, 1, `${where}: compile selected ${compiled.selected.length} models`);
  assert.equal(findings(compiled.selected[0]!), findings(checked), `${where}: compile reports other findings than check`);
  // Outputs only when the model itself is clean, counting what a variant shares with the base.
  const clean = errorCount(checked.diagnostics) + errorsElsewhere === 0;
  assert.is(
    compiled.outputs !== undefined,
    clean,
    `${where}: check ${clean ? "passes" : "fails"} but compile ${clean ? "fails" : "succeeds"}`,
  );
}

const specs = [...anetFiles(join(ROOT, "specs")), ...anetFiles(join(ROOT, "test", "fixtures"))]
  .map((f) => relative(ROOT, f).split("\\").join("/"))
  .sort();

test("the walk finds the specs (specs/, test/fixtures, variants and matrix included)", () => {
  assert.ok(specs.length >= 20, `only ${specs.length} specs`);
  assert.ok(specs.includes("specs/alexnet-table.anet"));
});

for (const path of specs) {
  test(`check and compile agree on ${path}`, () => {
    // Read as the CLI reads specs (invalid UTF-8 kept visible for E0004).
    const text = readTextFile(join(ROOT, path));
    const report = checkSpecReport(path, text);
    // Each model on its own: the base, then every variant.
    const base = report.results[0]!;
    for (const r of report.results) {
      const compiled = compile(path, text, r.variant === undefined ? {} : { variants: [r.variant] });
      // A variant's result leaves out the errors it shares with the base: those count against it too.
      const shared = r === base ? 0 : errorCount(base.diagnostics);
      agree(`${path}${r.variant ? ` variant ${r.variant}` : ""}`, r, compiled, shared);
    }
    // Every model at once: outputs exactly when no model has an error.
    const all = compile(path, text, { variants: "all" });
    const errors = report.results.reduce((n, r) => n + errorCount(r.diagnostics), 0);
    assert.is(
      all.outputs !== undefined,
      errors === 0,
      `${path}: --all-variants ${errors === 0 ? "fails" : "succeeds"} with ${errors} errors from check`,
    );
    if (all.outputs) assert.is(all.files.size, all.outputs.length * 3);
    // Each matrix combination compiles exactly when check found no error in it (nor in the base it builds on).
    for (const row of report.matrix) {
      const compiled = compile(path, text, { overrides: row.overrides });
      const rowErrors = errorCount(row.result.diagnostics) + errorCount(report.results[0]!.diagnostics);
      assert.is(compiled.outputs !== undefined, rowErrors === 0, `${path} matrix ${row.label}: check found ${rowErrors} errors`);
    }
  });
}

test("a model that ends in a feature map fails check (E0204), as compile fails on it", () => {
  const text = "model m {\n  input 3x8x8\n  conv(8, kernel=3)\n}\n";
  const report = checkSpecReport("m.anet", text);
  assert.equal(
    report.results[0]!.diagnostics.map((d) => d.code),
    ["E0204"],
  );
  assert.match(report.results[0]!.diagnostics[0]!.message, /m ends in a 8×6×6 feature map/);
  const compiled = compile("m.anet", text);
  assert.is(compiled.outputs, undefined);
  assert.equal(
    compiled.selected[0]!.diagnostics.map((d) => d.code),
    ["E0204"],
  );
  assert.is(compiled.files.size, 0);
});

test("compile() returns every output file by its path under the output root", () => {
  const text = "model m {\n  input 3x8x8\n  conv(8, kernel=3)\n  flatten\n  dense(2)\n}\n";
  const compiled = compile("m.anet", text);
  assert.equal([...compiled.files.keys()], ["m/model.ts", "m/train.ts", "m/predict.ts"]);
  assert.match(compiled.files.get("m/model.ts")!, /from m\.anet/);
});

test("a malformed matrix section fails check and compile alike", () => {
  // Before, compile ignored the matrix section: check failed (E0106) while compile wrote files.
  const text =
    "model m {\n  param w = 8\n  input 3x8x8\n  conv(w, kernel=3)\n  flatten\n  dense(2)\n  matrix {\n    w = [[8, 16]]\n  }\n}\n";
  const report = checkSpecReport("m.anet", text);
  const codes = report.results[0]!.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
  assert.ok(codes.length > 0, "check reports the matrix entry");
  const compiled = compile("m.anet", text);
  assert.equal(
    compiled.selected[0]!.diagnostics.filter((d) => d.severity === "error").map((d) => d.code),
    codes,
  );
  assert.is(compiled.outputs, undefined);
});

test("compile() names variants the spec lacks instead of compiling the base", () => {
  const compiled = compile("s.anet", readFileSync(join(ROOT, "specs", "alexnet-table.anet"), "utf8"), { variants: ["nope"] });
  assert.equal(compiled.unknownVariants, ["nope"]);
  assert.is(compiled.outputs, undefined);
});

test.run();
