/**
 * Generated code: committed generated/ equals a fresh compile, output is deterministic, code is
 * injection-safe, and the generated TypeScript passes `tsc --strict --noEmit`.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSource } from "../src/compiler.js";
import { emitModel } from "../src/emit.js";
import { commentText, literal } from "../src/ir.js";
import { ROOT, runCli } from "./support.js";

const specs = readdirSync(join(ROOT, "specs")).filter((f) => f.endsWith(".anet")).sort();

function emit(spec: string) {
  const path = `specs/${spec}`;
  const r = checkSource(path, readFileSync(join(ROOT, path), "utf8"));
  assert.ok(r.checked?.complete, `${spec} must check cleanly`);
  return emitModel(r.checked!, r.file);
}

for (const spec of specs) {
  test(`generated/ holds a fresh compile of specs/${spec}`, () => {
    const out = emit(spec);
    assert.equal(out.diagnostics, []);
    const committed = readdirSync(join(ROOT, "generated", out.dir)).filter((f) => f.endsWith(".ts")).sort();
    assert.equal(committed, [...out.files.keys()].sort(), `generated/${out.dir} has other files than a compile writes`);
    for (const [name, content] of out.files) {
      assert.fixture(readFileSync(join(ROOT, "generated", out.dir, name), "utf8"), content, `generated/${out.dir}/${name} is stale: run npx alexc compile specs/${spec}`);
    }
  });

  test(`compiling specs/${spec} twice gives identical bytes with no dates, absolute paths or CRs`, () => {
    const a = emit(spec);
    const b = emit(spec);
    for (const [name, content] of a.files) {
      assert.is(b.files.get(name), content);
      assert.not.match(content, /\r/);
      assert.not.match(content, new RegExp(ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      assert.not.match(content, /20\d\d-\d\d-\d\d/);
    }
  });
}

test("the CLI writes atomically into <out>/<model>/ and refuses specs with errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-emit-"));
  try {
    const ok = runCli(["compile", "specs/alexnet.anet", "-o", dir]);
    assert.is(ok.status, 0, ok.stderr);
    assert.equal(readdirSync(join(dir, "alexnet")).sort(), ["model.ts", "predict.ts", "train.ts"]);
    const bad = join(dir, "bad.anet");
    spawnSync("cp", [join(ROOT, "test/fixtures/diagnostics/dense-in-mismatch.anet"), bad]);
    const refused = runCli(["compile", bad, "-o", join(dir, "refused")]);
    assert.is(refused.status, 1);
    assert.match(refused.stderr, /nothing written/);
    assert.throws(() => readdirSync(join(dir, "refused")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compile refuses a model whose output is not a vector of class scores", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-emit-"));
  try {
    const spec = join(dir, "maps.anet");
    writeFileSync(spec, "model maps { input 3x8x8\n conv(4, kernel=3) }\n");
    const r = runCli(["compile", spec, "-o", join(dir, "out")]);
    assert.is(r.status, 1);
    assert.match(r.stderr, /error\[E0203\]: maps ends in a 4×6×6 feature map/);
    assert.throws(() => readdirSync(join(dir, "out")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("literals and comments cannot break out of their place in generated code", () => {
  assert.is(literal({ a: 'x"; process.exit(1); "' }), '{ a: "x\\"; process.exit(1); \\"" }');
  assert.throws(() => literal({ "a: 1, b": 2 }));
  assert.throws(() => literal(Infinity));
  assert.is(commentText("a\nb\u2028c */ d"), "a b c *\\/ d");
});

test("generated TypeScript passes tsc --strict --noEmit", () => {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "generated", "tsconfig.json")], { encoding: "utf8" });
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test.run();
