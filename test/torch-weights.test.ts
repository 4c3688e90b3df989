/**
 * Weight import and export between PyTorch and alexc checkpoints (`alexc import-weights`,
 * `export-weights`), against files made by test/fixtures/torch-weights/make_fixtures.py with
 * python3-torch (torch is not needed here):
 *
 * - the readers: torch.save's zip format (a train.py-style dict holding the state dict under
 *   `model`, plain state dicts, views at offsets, non-contiguous tensors) and safetensors, in
 *   float32, float16, bfloat16, float64 and int64;
 * - the generated model, with imported weights loaded by the runtime from the written checkpoint,
 *   gives torch's logits (1e-4 relative) for the mini spec, a grouped conv and the seed spec (its
 *   16.6 M weights drawn here with the fixture script's hash, so only torch's logits are committed);
 * - every mismatch is a one-line problem naming the layer and its spec line; hostile files are
 *   refused before anything is allocated or executed;
 * - import → export → import gives back the same tensors; every layer kind's torch hook covers
 *   exactly the weights its lowering builds;
 * - the CLI: import-weights, then predict with that checkpoint, then export-weights, as a user runs them.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../src/runtime/index.js";
import { assertSameModel, readState, restoreWeights } from "../src/runtime/checkpoint.js";
import { readStateDict } from "../src/runtime/torch/state-dict.js";
import { readSafetensors, writeSafetensors } from "../src/runtime/torch/safetensors.js";
import { BadWeightFile } from "../src/runtime/torch/errors.js";
import type { StateDict } from "../src/runtime/torch/dtypes.js";
import { checkSource } from "../src/check/check-spec.js";
import type { CheckedModel } from "../src/check/check.js";
import { emitModel } from "../src/emit/emit.js";
import { writeOutputs } from "../src/emit/write.js";
import { layerKinds } from "../src/layers/index.js";
import { torchBatchNorm } from "../src/layers/torch-params.js";
import { buildTfjsModel } from "../src/views/export/tfjs-json.js";
import { expectedTorchParams, permuteAxes, tfjsToTorch, torchToTfjs, type TfjsWeights } from "../src/views/export/torch-state.js";
import { readCheckpointWeights, writeImportedCheckpoint } from "../src/views/export/torch-checkpoint.js";
import { FIXTURES, ROOT, runCli, importTs } from "./support.js";
import { relErr } from "./numeric.js";

const DIR = join(FIXTURES, "torch-weights");
const fixture = (name: string): string => join(DIR, name);
const expected = JSON.parse(readFileSync(fixture("logits.json"), "utf8")) as Record<string, { batch: number; logits: number[] }>;
/**
 * Both sides compute in float32 in different orders. Measured: mini 4.6e-7 (float16 file 6.8e-7), grouped 2.4e-7,
 * the seed spec 2.1e-6; a wrong transpose, group order or flatten order is off by far more than 1e-4.
 */
const LOGITS_TOL = 1e-4;

mkdirSync(join(ROOT, "tmp"), { recursive: true });
const work = mkdtempSync(join(ROOT, "tmp", "torch-weights-"));
test.after(() => rmSync(work, { recursive: true, force: true }));
test.before(async () => {
  await selectBackend("cpu", () => {});
});

/** make_fixtures.py's `draw`: n float32 values in [-scale, scale) from an integer hash of (index, salt). */
function draw(n: number, salt: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let h = (Math.imul(i, 2654435761 | 0) + salt) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d) >>> 0;
    h ^= h >>> 12;
    h = Math.imul(h, 0x297a2d39) >>> 0;
    h ^= h >>> 15;
    out[i] = ((h >>> 8) / 2 ** 24 - 0.5) * 2 * scale;
  }
  return out;
}

/** make_fixtures.py's `drawn_state` for a checked spec: the k-th tensor with salt 1000003·(k+1). */
function drawnState(checked: CheckedModel): StateDict {
  const dict: StateDict = new Map();
  expectedTorchParams(checked).forEach((e, k) => {
    const shape = e.param.shape;
    const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 0;
    const n = shape.reduce((a, b) => a * b, 1);
    dict.set(e.key, { dtype: "float32", shape, values: draw(n, (1000003 * (k + 1)) % 2 ** 32, fanIn ? Math.sqrt(3 / fanIn) : 0.1) });
  });
  return dict;
}

/** make_fixtures.py's `inputs`: NCHW, as torch takes them. */
const inputs = (c: number, h: number, w: number, batch: number): Float32Array => {
  const out = new Float32Array(batch * c * h * w);
  for (let b = 0; b < batch; b++) out.set(draw(c * h * w, 7 + b, 1), b * c * h * w);
  return out;
};

function checkedOf(path: string): { checked: CheckedModel; where: (l: { name: string }) => string } {
  const r = checkSource(path.startsWith(ROOT) ? path.slice(ROOT.length + 1) : path, readFileSync(path, "utf8"));
  assert.ok(r.checked?.complete, `${path} checks`);
  return { checked: r.checked!, where: (l) => `${path}:${l.name}` };
}
const spec = (name: string) => checkedOf(join(ROOT, "specs", name));
const grouped = () => checkedOf(fixture("grouped.anet"));

let compiled = 0;
/** The generated model.ts of a checked spec, built. */
async function generatedModel(checked: CheckedModel, text: string, path: string): Promise<tf.LayersModel> {
  const r = checkSource(path, text);
  const out = emitModel(r.checked!, r.file);
  const root = join(work, `gen${compiled++}`);
  writeOutputs(root, out.dir, out.files);
  const mod = (await importTs(join(root, out.dir, "model.ts"))) as {
    buildModel(): tf.LayersModel;
    SPEC_HASH: string;
    MODEL_NAME: string;
  };
  const model = mod.buildModel();
  assert.is(mod.MODEL_NAME, checked.model.name);
  return Object.assign(model, { specHash: mod.SPEC_HASH });
}

/** Imports `dict` into a checkpoint, loads it into the generated model as predict.ts does, and returns the logits for torch's inputs. */
async function importedLogits(specPath: string, dict: StateDict, batch: number): Promise<Float32Array> {
  const { checked } = checkedOf(specPath);
  const result = torchToTfjs(checked, dict, { where: (l) => l.name });
  assert.equal(result.problems, []);
  const dir = join(work, `ckpt${compiled}`);
  await writeImportedCheckpoint(checked, result.weights, { dir, classes: ["a"], data: "builtin", seed: 0 });
  const model = (await generatedModel(checked, readFileSync(specPath, "utf8"), specPath.slice(ROOT.length + 1))) as tf.LayersModel & {
    specHash: string;
  };
  try {
    // The runtime's own checks and loading: what predict.ts and train.ts --resume do with it.
    assertSameModel(dir, readState(dir), model, checked.model.name, model.specHash);
    await restoreWeights(dir, model);
    const { c, h, w } = checked.model.input;
    return tf.tidy(() => {
      const x = tf.tensor4d(inputs(c, h, w, batch), [batch, c, h, w]).transpose([0, 2, 3, 1]);
      return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    });
  } finally {
    model.dispose();
  }
}

function expectLogits(what: string, actual: Float32Array, want: number[]): void {
  assert.is(actual.length, want.length, `${what}: logit count`);
  const err = relErr(actual, want);
  assert.ok(err <= LOGITS_TOL, `${what}: relative error ${err.toExponential(2)} > ${LOGITS_TOL}`);
}

// ─── readers ────────────────────────────────────────────────────────────────────────────────

test("torch.save zip: a train.py dict's 'model', float32 values in file order", () => {
  const d = readStateDict(fixture("mini.pt"));
  const { checked } = spec("alexnet-mini.anet");
  assert.equal(
    [...d.keys()],
    expectedTorchParams(checked).map((e) => e.key),
  );
  const first = d.get("features.0.weight")!;
  assert.is(first.dtype, "float32");
  assert.equal(first.shape, [16, 3, 5, 5]);
  assert.equal(Array.from(first.values), Array.from(draw(16 * 3 * 25, 1000003, Math.sqrt(3 / 75))));
});

test("int64 values and views: a tensor at an offset of a shared storage", () => {
  const d = readStateDict(fixture("views.pt"));
  assert.is(d.get("count")!.dtype, "int64");
  assert.equal(d.get("count")!.shape, []);
  // float32 holds integers exactly to 2^24; 123456789 is the nearest float32, as documented.
  assert.is(d.get("count")!.values[0], Math.fround(123456789));
  assert.equal(Array.from(d.get("view")!.values), [3, 4, 5, 6]);
  assert.equal(Array.from(d.get("other")!.values), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("bfloat16, float64, float16 and a non-contiguous view read the same from .pt and .safetensors", () => {
  const pt = readStateDict(fixture("grouped.pt"));
  const st = readStateDict(fixture("grouped.safetensors"));
  assert.equal(
    [...pt].map(([k, t]) => `${k} ${t.dtype}`),
    ["features.0.weight bfloat16", "features.0.bias float64", "classifier.0.weight float16", "classifier.0.bias float32"],
  );
  for (const [k, t] of pt) {
    assert.equal(st.get(k)!.shape, t.shape, k);
    assert.equal(Array.from(st.get(k)!.values), Array.from(t.values), `${k}: same values`);
  }
});

test("a zip with deflated entries reads as the stored one, inflated within its declared sizes", () => {
  const stored = readStateDict(fixture("grouped.pt"));
  const deflated = readStateDict(fixture("grouped-deflated.pt"));
  assert.equal([...deflated.keys()], [...stored.keys()]);
  for (const [k, t] of stored) assert.equal(Array.from(deflated.get(k)!.values), Array.from(t.values), k);
});

test("safetensors written by alexc read back exactly (float32 and int64)", () => {
  const dict: StateDict = new Map([
    ["a.weight", { dtype: "float32", shape: [2, 3], values: Float32Array.from([1, -2, 3.5, 0, 1e-30, -7]) }],
    ["a.num_batches_tracked", { dtype: "int64", shape: [], values: Float32Array.from([42]) }],
  ]);
  const back = readSafetensors("x.safetensors", writeSafetensors(dict, { format: "pt" }));
  assert.equal([...back.keys()], [...dict.keys()]);
  assert.is(back.get("a.num_batches_tracked")!.dtype, "int64");
  for (const [k, t] of dict) assert.equal(Array.from(back.get(k)!.values), Array.from(t.values), k);
});

// ─── logits against torch ───────────────────────────────────────────────────────────────────

test("mini spec: mini.pt (train.py layout, float32) imported gives torch's logits", async () => {
  const path = join(ROOT, "specs", "alexnet-mini.anet");
  expectLogits("mini.pt", await importedLogits(path, readStateDict(fixture("mini.pt")), 2), expected["mini"]!.logits);
});

test("mini spec: mini-f16.safetensors (float16) imported gives torch's logits", async () => {
  const path = join(ROOT, "specs", "alexnet-mini.anet");
  expectLogits("mini-f16", await importedLogits(path, readStateDict(fixture("mini-f16.safetensors")), 2), expected["miniF16"]!.logits);
});

test("grouped conv (split per group), bfloat16/float64/float16 and a transposed view: torch's logits", async () => {
  for (const file of ["grouped.pt", "grouped.safetensors"]) {
    expectLogits(file, await importedLogits(fixture("grouped.anet"), readStateDict(fixture(file)), 2), expected["grouped"]!.logits);
  }
});

test("seed spec (16.6 M params): weights drawn as torch drew them, imported from safetensors, give torch's logits", async () => {
  const path = join(ROOT, "specs", "alexnet.anet");
  const { checked } = spec("alexnet.anet");
  // tfjs's cpu backend takes ~10 s for this forward pass; wasm (what predict.ts uses) takes under 1.
  await selectBackend("wasm", () => {});
  const file = join(work, "seed.safetensors");
  writeFileSync(file, writeSafetensors(drawnState(checked), { format: "pt" }));
  expectLogits("seed", await importedLogits(path, readStateDict(file), 1), expected["seed"]!.logits);
});

// ─── mismatches ─────────────────────────────────────────────────────────────────────────────

test("a missing key, a misspelled key and an unknown layer: each named, with the layer's spec line and a did-you-mean", () => {
  const { checked, where } = grouped();
  const d = readStateDict(fixture("grouped.pt"));
  const bias = d.get("classifier.0.bias")!;
  d.delete("classifier.0.bias");
  d.set("features.0.wieght", bias);
  d.set("clasifier.1.bias", bias);
  const { problems } = torchToTfjs(checked, d, { where });
  assert.equal(problems, [
    `missing classifier.0.bias: classifier.0 (dense) at ${where({ name: "classifier.0" })} needs a tensor of shape [3]`,
    `unexpected features.0.wieght: features.0 (conv) at ${where({ name: "features.0" })} has weight and bias; did you mean features.0.weight?`,
    "unexpected clasifier.1.bias: the spec has no layer clasifier.1; did you mean classifier.0?",
  ]);
});

test("a shape that does not fit names expected and actual; tfjs's reversed layout is pointed out", () => {
  const { checked, where } = grouped();
  const d = readStateDict(fixture("grouped.pt"));
  const w = d.get("classifier.0.weight")!;
  d.set("classifier.0.weight", { ...w, shape: [54, 3], values: permuteAxes(w.values, [3, 54], [1, 0]) });
  d.set("features.0.weight", { ...d.get("features.0.weight")!, shape: [6, 4, 3, 3], values: new Float32Array(216) });
  assert.equal(torchToTfjs(checked, d, { where }).problems, [
    `features.0.weight has shape [6, 4, 3, 3] in the file, but features.0 (conv) at ${where({ name: "features.0" })} expects [6, 2, 3, 3]`,
    `classifier.0.weight has shape [54, 3] in the file, but classifier.0 (dense) at ${where({ name: "classifier.0" })} expects [3, 54] (the file's axes are reversed: PyTorch's own layout is expected, not tfjs's)`,
  ]);
});

test("DataParallel's module. prefix is dropped and said", () => {
  const { checked, where } = grouped();
  const d = new Map([...readStateDict(fixture("grouped.pt"))].map(([k, v]) => [`module.${k}`, v]));
  const r = torchToTfjs(checked, d, { where });
  assert.equal(r.problems, []);
  assert.is(r.strippedPrefix, "module.");
  assert.is(r.weights.size, 6, "two groups' kernels and biases, the dense kernel and bias");
});

// ─── hostile files ──────────────────────────────────────────────────────────────────────────

function refused(file: string, pattern: RegExp): void {
  try {
    readStateDict(file);
  } catch (e) {
    assert.instance(e, BadWeightFile);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`${file} was read`);
}

const hostile = (name: string, bytes: Uint8Array): string => {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
};

test("a pickle asking for os.system is refused by name and never run", () => {
  rmSync("/tmp/alexc-pwned", { force: true });
  refused(fixture("evil.pt"), /asks for the Python global "posix\.system".*executes nothing/);
  assert.not.ok(existsSync("/tmp/alexc-pwned"), "nothing was executed");
});

test("unsupported dtype (int32), the legacy format, and neither format: refused with what to do", () => {
  refused(fixture("int32.pt"), /torch\.IntStorage, which alexc does not read; convert it to float32/);
  refused(fixture("legacy.pt"), /legacy format.*save it again/);
  refused(fixture("grouped.anet"), /neither a torch\.save zip file nor a safetensors file/);
  const st = new Uint8Array(readFileSync(fixture("grouped.safetensors")));
  const bad = Buffer.from(st).toString("latin1").replace('"BF16"', '"I32" ');
  refused(hostile("i32.safetensors", Buffer.from(bad, "latin1")), /dtype "I32"; alexc reads F32, F16, BF16, F64 and I64/);
});

test("truncated files are refused at every cut, never half-read", () => {
  const whole = new Uint8Array(readFileSync(fixture("mini.pt")));
  for (const cut of [10, 1000, whole.length >> 1, whole.length - 30, whole.length - 1]) {
    refused(hostile(`cut${cut}.pt`, whole.subarray(0, cut)), /truncated|end-of-directory|runs past the end/);
  }
  const st = new Uint8Array(readFileSync(fixture("mini-f16.safetensors")));
  for (const cut of [4, 100, st.length - 2]) refused(hostile(`cut${cut}.safetensors`, st.subarray(0, cut)), /safetensors|truncated|header/);
});

test("huge declared sizes are refused before anything is allocated", () => {
  // safetensors: a header length of 2^60, and a tensor declaring 10^12 elements.
  const long = new Uint8Array(readFileSync(fixture("grouped.safetensors")));
  new DataView(long.buffer).setBigUint64(0, 1n << 60n, true);
  refused(hostile("long.safetensors", long), /header declares \d+ bytes/);
  const header = JSON.stringify({ w: { dtype: "F32", shape: [1000000, 1000000], data_offsets: [0, 4] } });
  const big = new Uint8Array(8 + header.length + 4);
  new DataView(big.buffer).setBigUint64(0, BigInt(header.length), true);
  big.set(Buffer.from(header), 8);
  refused(hostile("big.safetensors", big), /4 bytes for a float32 tensor of shape \[1000000, 1000000\], which takes 4000000000000/);
  // zip: the central directory's size of data.pkl raised to 4 GB.
  const pt = new Uint8Array(readFileSync(fixture("grouped.pt")));
  const view = new DataView(pt.buffer);
  let patched = false;
  for (let at = pt.length - 22; at > 0 && !patched; at--) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    if (
      Buffer.from(pt.subarray(at + 46, at + 46 + nameLength))
        .toString()
        .endsWith("data.pkl")
    ) {
      view.setUint32(at + 24, 0xfffffff0, true);
      patched = true;
    }
  }
  assert.ok(patched);
  refused(hostile("huge.pt", pt), /declares 4294967280 bytes|two different sizes/);
});

// ─── round trip and the hooks ───────────────────────────────────────────────────────────────

test("import → checkpoint → export → import gives back the file's tensors, bit for bit", async () => {
  for (const [specPath, file] of [
    [join(ROOT, "specs", "alexnet-mini.anet"), fixture("mini.pt")],
    [fixture("grouped.anet"), fixture("grouped.pt")],
  ] as const) {
    const { checked, where } = checkedOf(specPath);
    const original = readStateDict(file);
    const first = torchToTfjs(checked, original, { where });
    const dir = join(work, `round${compiled++}`);
    await writeImportedCheckpoint(checked, first.weights, { dir, classes: ["a"], data: "builtin", seed: 0 });
    const exported = join(work, `round${compiled++}.safetensors`);
    writeFileSync(exported, writeSafetensors(tfjsToTorch(checked, await readCheckpointWeights(checked, dir)), { format: "pt" }));
    const back = readStateDict(exported);
    assert.equal([...back.keys()], [...original.keys()], "same keys, same order");
    for (const [k, t] of original) {
      assert.equal(back.get(k)!.shape, t.shape, k);
      assert.equal(Array.from(back.get(k)!.values), Array.from(t.values), `${k}: same values`);
    }
    const again = torchToTfjs(checked, back, { where });
    for (const [name, w] of first.weights) assert.equal(Array.from(again.weights.get(name)!.values), Array.from(w.values), name);
  }
});

test("every layer kind's torch hook covers exactly the weights its lowering builds, with their shapes", () => {
  for (const k of layerKinds.values()) {
    const r = checkSource(`${k.kind}.anet`, `model table_${k.kind} {\n  ${k.docs.example}\n  flatten\n}\n`);
    const checked = r.checked!;
    const model = buildTfjsModel(checked, 1);
    try {
      const dict = new Map(
        expectedTorchParams(checked).map((e) => {
          const n = e.param.shape.reduce((a, b) => a * b, 1);
          return [e.key, { dtype: "float32" as const, shape: e.param.shape, values: draw(n, 5, 1) }];
        }),
      );
      const { weights, problems } = torchToTfjs(checked, dict, { where: (l) => l.name });
      assert.equal(problems, []);
      assert.equal(
        [...weights].map(([name, w]) => `${name} [${w.shape.join(", ")}]`).sort(),
        model.weights.map((w) => `${w.originalName} [${w.shape.join(", ")}]`).sort(),
        `${k.kind}: the hook's tfjs weights are the model's`,
      );
      const back = tfjsToTorch(checked, weights);
      // A key without a tfjs weight (batchnorm's num_batches_tracked) is checked on import and written as 0.
      const kept = new Set(expectedTorchParams(checked).flatMap((e) => (e.param.tfjs.length > 0 ? [e.key] : [])));
      for (const [key, t] of dict) {
        if (kept.has(key)) assert.equal(Array.from(back.get(key)!.values), Array.from(t.values), `${k.kind}: ${key} round trip`);
        else
          assert.ok(
            Array.from(back.get(key)!.values).every((v) => v === 0),
            `${k.kind}: ${key} written as 0`,
          );
      }
    } finally {
      model.dispose();
    }
  }
});

test("torchBatchNorm: running statistics map to tfjs's non-trainable moving weights; num_batches_tracked is checked, not kept", () => {
  // The batchnorm kind's hook will be this one-liner; a stand-in kind exercises the mapping now.
  const params = torchBatchNorm(4);
  assert.equal(
    params.map((p) => `${p.key}->${p.tfjs.map((t) => t.weight).join()}`),
    ["weight->gamma", "bias->beta", "running_mean->moving_mean", "running_var->moving_variance", "num_batches_tracked->"],
  );
  const layer = {
    name: "bn",
    kind: "bn",
    input: { rank: "flat", n: 4 },
    output: { rank: "flat", n: 4 },
    resolved: { args: {}, kind: { torchParams: () => params } },
  };
  const checked = { layers: [layer] } as unknown as CheckedModel;
  const dict: StateDict = new Map(
    params.map(
      (p) =>
        [
          `bn.${p.key}`,
          { dtype: p.integer ? "int64" : "float32", shape: p.shape, values: draw(Math.max(1, p.shape[0] ?? 1), 3, 1) },
        ] as const,
    ),
  );
  const { weights, problems } = torchToTfjs(checked, dict, { where: () => "x" });
  assert.equal(problems, []);
  assert.equal([...weights.keys()], ["bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"]);
  const back = tfjsToTorch(checked, weights as TfjsWeights);
  assert.is(back.get("bn.num_batches_tracked")!.dtype, "int64");
  assert.equal(Array.from(back.get("bn.running_var")!.values), Array.from(dict.get("bn.running_var")!.values));
});

// ─── the CLI, as a user runs it ─────────────────────────────────────────────────────────────

test("CLI: import-weights, then predict with that checkpoint, then export-weights", () => {
  const ckpt = join(work, "cli-ckpt");
  const imported = runCli(["import-weights", "specs/alexnet-mini.anet", fixture("mini.pt"), "--data", "builtin", "-o", ckpt]);
  assert.is(imported.status, 0, imported.stderr);
  assert.match(imported.stdout, /wrote .*cli-ckpt: 16 tensors from .*mini\.pt as alexnet_mini's weights, epoch 0/);
  const image = join(FIXTURES, "images");
  const predicted = runCli([
    "predict",
    "-o",
    join(work, "generated"),
    "specs/alexnet-mini.anet",
    image,
    "--checkpoint",
    ckpt,
    "--json",
    "--top",
    "1",
  ]);
  assert.is(predicted.status, 0, predicted.stderr);
  const rows = predicted.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { predictions: Array<{ class: string }> });
  assert.ok(
    rows.length > 0 &&
      rows.every((r) => ["circle", "ring", "square", "frame", "plus", "cross", "triangle", "diamond"].includes(r.predictions[0]!.class)),
  );
  const out = join(work, "cli.safetensors");
  const exported = runCli(["export-weights", "specs/alexnet-mini.anet", ckpt, "-o", out]);
  assert.is(exported.status, 0, exported.stderr);
  const other = runCli(["export-weights", "specs/alexnet.anet", ckpt, "-o", join(work, "other.safetensors")]);
  assert.is(other.status, 1, "a checkpoint of another spec is refused");
  assert.match(other.stderr, /was made from a different spec \(model alexnet_mini/);
  assert.is(runCli(["export-weights", "specs/alexnet-mini.anet", join(work, "none"), "-o", join(work, "none.safetensors")]).status, 2);
  const back = readStateDict(out);
  for (const [k, t] of readStateDict(fixture("mini.pt"))) assert.equal(Array.from(back.get(k)!.values), Array.from(t.values), k);
});

test("CLI: both commands' --help show an example and the exit statuses", () => {
  for (const cmd of ["import-weights", "export-weights"]) {
    const r = runCli([cmd, "--help"]);
    assert.is(r.status, 0);
    assert.match(r.stdout, new RegExp(`Examples:\\n  \\$ alexc ${cmd} `));
    assert.match(r.stdout, /Exit status: 0/);
  }
});

test("CLI: train --resume continues from an imported checkpoint (one step)", () => {
  const run = join(work, "resume-run");
  const imported = runCli([
    "import-weights",
    "specs/alexnet-mini.anet",
    fixture("mini.pt"),
    "--data",
    "builtin:16",
    "--seed",
    "7",
    "-o",
    join(run, "last"),
  ]);
  assert.is(imported.status, 0, imported.stderr);
  const trained = runCli([
    "train",
    "-o",
    join(work, "generated"),
    "specs/alexnet-mini.anet",
    "--resume",
    "--out",
    run,
    "--epochs",
    "1",
    "--steps",
    "1",
    "--workers",
    "0",
  ]);
  assert.is(trained.status, 0, trained.stderr);
  assert.match(trained.stderr + trained.stdout, /resuming .*last: 0 epochs done/);
  assert.is(readState(join(run, "last")).epoch, 1);
  assert.is(readState(join(run, "last")).seed, 7, "the imported run's seed is kept");
});

test("CLI: a file that does not fit exits 1 with every problem and writes nothing; a hostile file exits 1; a missing file exits 2", () => {
  const out = join(work, "never");
  const wrong = runCli(["import-weights", "specs/alexnet.anet", fixture("mini.pt"), "-o", out]);
  assert.is(wrong.status, 1);
  assert.match(wrong.stderr, /mini\.pt does not fit specs\/alexnet\.anet: \d+ problems; nothing written/);
  assert.match(
    wrong.stderr,
    /features\.0\.weight has shape \[16, 3, 5, 5\] in the file, but features\.0 \(conv\) at specs\/alexnet\.anet:9:5 `conv\(48, kernel=11, stride=4, padding=2\)` expects \[48, 3, 11, 11\]/,
  );
  assert.not.match(wrong.stderr, /\n\s+at /, "no stack trace");
  const evil = runCli(["import-weights", "specs/alexnet.anet", fixture("evil.pt"), "-o", out]);
  assert.is(evil.status, 1);
  assert.match(evil.stderr, /^alexc: .*evil\.pt \(data\.pkl\): asks for the Python global "posix\.system"/m);
  const noData = runCli(["import-weights", "specs/alexnet-mini.anet", fixture("mini.pt"), "--data", join(work, "nowhere"), "-o", out]);
  assert.is(noData.status, 2, noData.stderr);
  assert.match(noData.stderr, /^alexc: --data .*nowhere: no such folder/m);
  const missing = runCli(["import-weights", "specs/alexnet.anet", join(work, "nope.pt"), "-o", out]);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /nope\.pt: no such file/);
  assert.not.ok(existsSync(out));
});

test.run();
