/**
 * The layer table owns everything about a layer kind: no other part of the compiler names a kind,
 * every kind has its docs, an example that checks, and a lowering that builds and runs in tfjs, and
 * docs/language.md's layer table is generated from it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/runtime/index.js";
import { checkSource } from "../src/check/check-spec.js";
import { emitModel } from "../src/emit/emit.js";
import { writeOutputs } from "../src/emit/write.js";
import { layerKinds } from "../src/layers/index.js";
import { defineKind, NO_PARAMS, type LayerKind } from "../src/layers/kind.js";
import { withLayerTable } from "../src/layers/docs.js";
import { ROOT, importTs } from "./support.js";

const kinds = [...layerKinds.values()];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith(".ts") || name.endsWith(".cts") ? [path] : [];
  });
}

/**
 * Quoted names that are not layer kinds: torch.nn.init's nonlinearity names (the `init` section's
 * gain, default leaky_relu), which happen to share names with kinds. Each entry must still be needed.
 */
const ALLOWED: Array<{ file: string; name: string }> = [{ file: "src/resolve/sections.ts", name: "leaky_relu" }];

test("no file outside src/layers/ names a layer kind in a string", () => {
  const found: Array<{ file: string; name: string; line: number }> = [];
  for (const path of sourceFiles(join(ROOT, "src"))) {
    const file = relative(ROOT, path).split("\\").join("/");
    if (file.startsWith("src/layers/")) continue;
    const lines = readFileSync(path, "utf8").split("\n");
    for (const k of kinds) {
      const quoted = new RegExp(`["']${k.kind}["']`);
      lines.forEach((text, i) => {
        if (quoted.test(text)) found.push({ file, name: k.kind, line: i + 1 });
      });
    }
  }
  const allowed = (f: { file: string; name: string }) => ALLOWED.some((a) => a.file === f.file && a.name === f.name);
  assert.equal(
    found.filter((f) => !allowed(f)).map((f) => `${f.file}:${f.line} names "${f.name}"`),
    [],
  );
  for (const a of ALLOWED)
    assert.ok(
      found.some((f) => f.file === a.file && f.name === a.name),
      `${a.file} no longer names "${a.name}": drop it from ALLOWED`,
    );
});

test("a misspelled argument name in a kind's declaration fails tsc", () => {
  // The check is tsc's (the test sources are type-checked): @ts-expect-error fails the build if there is no error.
  const kind: LayerKind<{ size: number }> = {
    kind: "probe",
    pytorch: "Identity",
    doc: "probe",
    docs: { pytorch: "`nn.Identity`", example: "input 1x1x1\n  probe" },
    // @ts-expect-error: "sise" is not an argument of this kind
    args: [{ name: "sise", type: "count", doc: "misspelled" }],
    role: "activation",
    infer: (_a, input) => input,
    params: () => NO_PARAMS,
    macs: () => 0n,
    describe: (a) => `${a.size}`,
    lower: () => [],
    torchParams: () => [],
    torch: () => "nn.Identity()",
  };
  assert.is(defineKind(kind).kind, "probe");
});

test("a kind without its PyTorch emission (`torch`) fails tsc", () => {
  // @ts-expect-error: property 'torch' is missing
  const kind: LayerKind<Record<string, never>> = {
    kind: "probe",
    pytorch: "Identity",
    doc: "probe",
    docs: { pytorch: "`nn.Identity`", example: "input 1x1x1\n  probe" },
    args: [],
    role: "activation",
    infer: (_a, input) => input,
    params: () => NO_PARAMS,
    macs: () => 0n,
    describe: () => "",
    lower: () => [],
  };
  assert.is(kind.kind, "probe");
});

test("docs/language.md's layer table is generated from the layer table (npm run docs)", () => {
  const doc = readFileSync(join(ROOT, "docs", "language.md"), "utf8");
  assert.ok(doc === withLayerTable(doc), "docs/language.md's layer table is stale: run npm run docs");
  for (const k of kinds) assert.ok(doc.includes(`| \`${k.kind}\` |`), `docs/language.md lists ${k.kind}`);
});

mkdirSync(join(ROOT, "tmp"), { recursive: true });
const outRoot = mkdtempSync(join(ROOT, "tmp", "layer-table-"));
let tensorsBefore = 0;
test.before(async () => {
  await selectBackend("cpu", () => {});
  tensorsBefore = tf.memory().numTensors;
});

for (const k of kinds) {
  test(`${k.kind}: documented, its example checks, and its lowering builds and runs in tfjs`, async () => {
    assert.ok(k.doc.length > 0 && k.pytorch.length > 0 && k.docs.pytorch.length > 0, "doc, pytorch and docs.pytorch");
    for (const a of k.args) assert.ok(a.doc.length > 0, `argument ${a.name} has a doc`);
    const name = `table_${k.kind}`;
    // A flatten after the example gives the vector output compile requires (a no-op on a vector).
    const text = `model ${name} {\n  ${k.docs.example}\n  flatten\n}\n`;
    const r = checkSource(`${name}.anet`, text);
    assert.equal(
      r.diagnostics
        .filter((d) => d.severity === "error" || (d.severity === "warning" && !d.acknowledged))
        .map((d) => `${d.code} ${d.message}`),
      [],
    );
    assert.ok(r.checked?.complete);
    assert.ok(
      r.checked!.layers.some((l) => l.kind === k.kind),
      `the example uses ${k.kind}`,
    );
    const out = emitModel(r.checked!, r.file);
    writeOutputs(outRoot, out.dir, out.files);
    const mod = (await importTs(join(outRoot, out.dir, "model.ts"))) as { buildModel(): tf.LayersModel };
    const model = mod.buildModel();
    try {
      const input = r.checked!.input;
      const shape = input.rank === "chw" ? [2, input.h, input.w, input.c] : [2, input.n];
      const y = tf.tidy(() => (model.predict(tf.randomNormal(shape)) as tf.Tensor).shape);
      const output = r.checked!.output!;
      assert.equal(y, [2, output.rank === "flat" ? output.n : 0], "the built model gives the checked output");
    } finally {
      model.dispose();
    }
  });
}

test("a flatten of a vector builds in tfjs (it lowered to tfjs Flatten, which rejects rank 2)", async () => {
  const r = checkSource("v.anet", "model v {\n  input 2x3x3\n  flatten\n  dense(4)\n  flatten\n}\n");
  const out = emitModel(r.checked!, r.file);
  writeOutputs(outRoot, out.dir, out.files);
  const mod = (await importTs(join(outRoot, out.dir, "model.ts"))) as { buildModel(): tf.LayersModel };
  const model = mod.buildModel();
  try {
    assert.equal(model.outputs[0]!.shape, [null, 4]);
  } finally {
    model.dispose();
  }
});

test("nothing leaks: every model built was disposed", () => {
  assert.is(tf.memory().numTensors, tensorsBefore);
});

test.after(() => rmSync(outRoot, { recursive: true, force: true }));

test.run();
