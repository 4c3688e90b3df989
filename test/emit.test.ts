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
import { checkSpec } from "../src/check/check-spec.js";
import { emitModel } from "../src/emit/emit.js";
import { commentText, literal } from "../src/lower/ir.js";
import { ROOT, runCli } from "./support.js";

const specs = readdirSync(join(ROOT, "specs"))
  .filter((f) => f.endsWith(".anet"))
  .sort();

/** Every configuration of a spec (base and variants), emitted. */
function emitAll(spec: string) {
  const path = `specs/${spec}`;
  const { results } = checkSpec(path, readFileSync(join(ROOT, path), "utf8"));
  return results.map((r) => {
    assert.ok(r.checked?.complete, `${spec} ${r.variant ?? ""} must check cleanly`);
    return emitModel(r.checked!, r.file);
  });
}

for (const spec of specs) {
  test(`generated/ holds a fresh compile of specs/${spec} and each of its variants`, () => {
    for (const out of emitAll(spec)) {
      const committed = readdirSync(join(ROOT, "generated", out.dir))
        .filter((f) => f.endsWith(".ts"))
        .sort();
      assert.equal(committed, [...out.files.keys()].sort(), `generated/${out.dir} has other files than a compile writes`);
      for (const [name, content] of out.files) {
        assert.fixture(
          readFileSync(join(ROOT, "generated", out.dir, name), "utf8"),
          content,
          `generated/${out.dir}/${name} is stale: run npx alexc compile specs/${spec} --all-variants`,
        );
      }
    }
  });

  test(`compiling specs/${spec} twice gives identical bytes with no dates, absolute paths or CRs`, () => {
    const [a, b] = [emitAll(spec), emitAll(spec)];
    a.forEach((out, i) => {
      for (const [name, content] of out.files) {
        assert.is(b[i]!.files.get(name), content);
        assert.not.match(content, /\r/);
        assert.not.match(content, new RegExp(ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
        assert.not.match(content, /20\d\d-\d\d-\d\d/);
      }
    });
  });
}

test("generated/ has no folder that no spec compiles to", () => {
  const expected = specs.flatMap((s) => emitAll(s).map((e) => e.dir)).sort();
  const present = readdirSync(join(ROOT, "generated"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.equal(present, expected);
});

test("--all-variants writes the same bytes on every run", () => {
  const dirs = [mkdtempSync(join(tmpdir(), "alexc-a-")), mkdtempSync(join(tmpdir(), "alexc-b-"))];
  try {
    for (const d of dirs) assert.is(runCli(["compile", "specs/alexnet-table.anet", "--all-variants", "-o", d]).status, 0);
    const listing = (d: string) => readdirSync(d, { recursive: true }).map(String).sort();
    assert.equal(listing(dirs[0]!), listing(dirs[1]!));
    assert.equal(
      listing(dirs[0]!),
      [
        "alexnet_table",
        "alexnet_table-cifar",
        "alexnet_table-flowers",
        ...["alexnet_table", "alexnet_table-cifar", "alexnet_table-flowers"].flatMap((m) => [
          `${m}/model.ts`,
          `${m}/predict.ts`,
          `${m}/train.ts`,
        ]),
      ].sort(),
    );
    for (const f of listing(dirs[0]!).filter((f) => f.endsWith(".ts"))) {
      assert.is(readFileSync(join(dirs[0]!, f), "utf8"), readFileSync(join(dirs[1]!, f), "utf8"));
      assert.is(readFileSync(join(dirs[0]!, f), "utf8"), readFileSync(join(ROOT, "generated", f), "utf8"));
    }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

test("--variant compiles just that variant; an unknown one is a usage error", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-v-"));
  try {
    assert.is(runCli(["compile", "specs/alexnet-table.anet", "--variant", "flowers", "-o", dir]).status, 0);
    assert.equal(readdirSync(dir), ["alexnet_table-flowers"]);
    const r = runCli(["compile", "specs/alexnet-table.anet", "--variant", "flower", "-o", dir]);
    assert.is(r.status, 2);
    assert.match(r.stderr, /no variant 'flower' \(variants: flowers, cifar\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

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

test("compile takes several specs, folders and globs: all written in one run, none when one has errors or two share a folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-many-"));
  try {
    const both = runCli(["compile", "specs/alexnet.anet", "specs/lenet5.anet", "-o", join(dir, "out")]);
    assert.is(both.status, 0, both.stderr);
    assert.equal(readdirSync(join(dir, "out")).sort(), ["alexnet", "lenet5"]);
    // The committed generated/ holds every spec with every variant: one --check over the folder.
    const check = runCli(["compile", "specs/", "--all-variants", "--check"]);
    assert.is(check.status, 0, check.stderr);
    assert.is(check.stderr.match(/^generated: up to date with specs\/.*\.anet$/gm)?.length, specs.length);
    const stale = runCli(["compile", "specs/*.anet", "--check", "-o", join(dir, "out")]);
    assert.is(stale.status, 1);
    assert.match(stale.stdout, /missing .*zfnet\/model\.ts/);

    const bad = join(dir, "bad.anet");
    writeFileSync(bad, readFileSync(join(ROOT, "test/fixtures/diagnostics/dense-in-mismatch.anet")));
    const refused = runCli(["compile", "specs/lenet5.anet", bad, "-o", join(dir, "refused")]);
    assert.is(refused.status, 1);
    assert.match(refused.stderr, /error\[E0201\][\s\S]*nothing written/);
    assert.throws(() => readdirSync(join(dir, "refused")));

    const twin = join(dir, "twin.anet");
    writeFileSync(twin, readFileSync(join(ROOT, "specs/lenet5.anet")));
    const shared = runCli(["compile", "specs/lenet5.anet", twin, "-o", join(dir, "shared")]);
    assert.is(shared.status, 2);
    assert.match(
      shared.stderr,
      /specs\/lenet5\.anet and .*twin\.anet both compile to .*shared\/lenet5\/: give one of the models another name/,
    );
    assert.throws(() => readdirSync(join(dir, "shared")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("check and compile both refuse a model whose output is not a vector of class scores (E0204)", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-emit-"));
  try {
    const spec = join(dir, "maps.anet");
    writeFileSync(spec, "model maps { input 3x8x8\n conv(4, kernel=3) }\n");
    const r = runCli(["compile", spec, "-o", join(dir, "out")]);
    assert.is(r.status, 1);
    assert.match(r.stderr, /error\[E0204\]: maps ends in a 4×6×6 feature map/);
    assert.throws(() => readdirSync(join(dir, "out")));
    // Before, `alexc check` passed this spec (exit 0) and only compile refused it.
    const c = runCli(["check", spec]);
    assert.is(c.status, 1);
    assert.match(c.stderr, /error\[E0204\]: maps ends in a 4×6×6 feature map/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compile --variant refuses a variant whose errors it shares with the base (shown once, on the base)", () => {
  // Before, the shared E0201 was left out of the variant's findings and the variant compiled with "0 errors".
  const dir = mkdtempSync(join(tmpdir(), "alexc-emit-"));
  try {
    const r = runCli(["compile", join(ROOT, "test", "fixtures", "readme", "broken.anet"), "--variant", "flowers", "-o", join(dir, "out")]);
    assert.is(r.status, 1, r.stderr);
    assert.is((r.stderr.match(/error\[E0201\]/g) ?? []).length, 1);
    assert.match(r.stderr, /1 spec: 1 error, .*; nothing written/);
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
