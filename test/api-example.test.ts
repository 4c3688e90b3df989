/**
 * The API example at the top of src/index.ts is real code: the same lines are here, type-checked
 * against the package entry by `tsc -p test/tsconfig.json` and run, and a test keeps the comment
 * and this copy identical.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support.js";
// The example imports from "alexc"; here the same entry by path.
import { compile, parseOverride, renderDiagnostic, writeOutputs } from "../src/index.js";

/** The example's body: it reads the project's spec, and writes under `out` instead of the project's generated/. */
function example(out: string, errors: string[]): void {
  const console = { error: (s: string) => errors.push(s) };
  const readFileSync = (path: string, encoding: "utf8") => readFileSyncIn(ROOT, path, encoding);
  const writeOutputsIn = (root: string, dir: string, files: Map<string, string>) => writeOutputs(join(out, root), dir, files);
  // --- example (src/index.ts) ---
  const text = readFileSync("specs/alexnet.anet", "utf8");
  const result = compile("specs/alexnet.anet", text, { overrides: [parseOverride("num_classes=5")] });
  for (const r of result.spec.results) for (const d of r.diagnostics) console.error(renderDiagnostic(d, r.file));
  if (result.outputs) for (const out of result.outputs) writeOutputsIn("generated", out.dir, out.files);
  // --- end ---
}

function readFileSyncIn(cwd: string, path: string, encoding: "utf8"): string {
  return readFileSync(join(cwd, path), encoding);
}

/** The lines between the markers, with the stand-ins' names put back. */
function exampleLines(): string[] {
  const source = readFileSync(join(ROOT, "test", "api-example.test.ts"), "utf8").split("\n");
  const from = source.findIndex((l) => l.includes("// --- example (src/index.ts) ---"));
  const to = source.findIndex((l) => l.includes("// --- end ---"));
  return source.slice(from + 1, to).map((l) => l.trim().replace("writeOutputsIn(", "writeOutputs("));
}

test("the example in src/index.ts is the code this test runs", () => {
  const doc = readFileSync(join(ROOT, "src", "index.ts"), "utf8");
  const comment = doc
    .slice(0, doc.indexOf("*/"))
    .split("\n")
    .map((l) => l.replace(/^ \*\s?/, "").trim());
  const body = comment.slice(comment.findIndex((l) => l.startsWith("const text")));
  assert.equal(
    body.filter((l) => l !== ""),
    exampleLines(),
  );
  assert.ok(comment.includes('import { compile, parseOverride, renderDiagnostic, writeOutputs } from "alexc";'));
});

test("the example compiles specs/alexnet.anet with an override and writes its files", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-api-"));
  try {
    const errors: string[] = [];
    example(dir, errors);
    // alexnet.anet's one finding is its acknowledged W0301 (the seed's 55.25 → 55).
    assert.ok(
      errors.every((e) => e.includes("W0301")),
      errors.join("\n"),
    );
    assert.equal(readdirSync(join(dir, "generated", "alexnet")).sort(), ["model.ts", "predict.ts", "train.ts"]);
    assert.match(readFileSync(join(dir, "generated", "alexnet", "model.ts"), "utf8"), /--set num_classes=5|num_classes=5/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
