/**
 * `alexc compile --target pytorch`: the generated files (golden for the seed spec), the CLI, and
 * the same-model proof on small specs — every layer kind's example, the helper modules for uneven
 * padding, and alexnet-mini: PyTorch's parameter count and per-layer output shapes equal the
 * check's, and with PyTorch's weights moved into the generated tfjs model (src/runtime/torch-weights.ts)
 * both give the same logits to 1e-4 relative. The full-size specs are proven by `npm run parity:torch`
 * (docs/pytorch.md has its figures). PyTorch tests skip with a message where no python has torch.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { renderBuiltin, selectBackend } from "../src/runtime/index.js";
import { checkSource } from "../src/check/check-spec.js";
import { emitModel } from "../src/emit/emit.js";
import { writeOutputs } from "../src/emit/write.js";
import { buildTorchIr } from "../src/lower/torch-ir.js";
import { readHeader } from "../src/lower/generated-header.js";
import { layerKinds } from "../src/layers/index.js";
import { FIXTURES, ROOT, golden, runCli, specText } from "./support.js";
import { TORCH_PYTHON, warnWhenMissing } from "./torch-python.js";
import { compileBoth, logitsDiff, runPython } from "./torch/same-model.js";

const LOGITS_TOL = 1e-4;
warnWhenMissing("PyTorch-target tests (same-model proof, built-in images)");
const torchTest = TORCH_PYTHON ? test : test.skip;

mkdirSync(join(ROOT, "tmp"), { recursive: true });
const work = mkdtempSync(join(ROOT, "tmp", "pytorch-target-"));

function checked(path: string, text: string) {
  const r = checkSource(path, text);
  assert.equal(
    r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`),
    [],
  );
  return r;
}

const both = (path: string, text: string) => compileBoth(work, checked(path, text));
const python = (args: string[]) => runPython(args, (status, stderr) => assert.is(status, 0, `${args.join(" ")}: ${stderr}`));

test("the seed spec's PyTorch files are deterministic and match the golden files (UPDATE=1 to accept)", () => {
  const r = checked("specs/alexnet.anet", specText("alexnet.anet"));
  const a = emitModel(r.checked!, r.file, "pytorch");
  const b = emitModel(checked("specs/alexnet.anet", specText("alexnet.anet")).checked!, r.file, "pytorch");
  assert.equal([...a.files.keys()], ["model.py", "train.py", "predict.py", "builtin.py", "requirements.txt", "README.md"]);
  for (const [name, text] of a.files) {
    assert.is(text, b.files.get(name), `${name} is the same twice`);
    assert.not.match(text, /\r|\/work\/|\d{4}-\d\d-\d\dT/, `${name}: no CR, absolute path or date`);
    golden(join(FIXTURES, "pytorch", "alexnet", name), text);
    // compile --check and the obsolete-file sweep read it back: `#` in Python and requirements.txt, `<!-- -->` in Markdown.
    assert.is(readHeader(text)?.spec, "specs/alexnet.anet", `${name}: alexc's header line`);
  }
});

test("the seed spec's state_dict keys are the seed's nn.Sequential layout", () => {
  const r = checked("specs/alexnet.anet", specText("alexnet.anet"));
  const keys = [0, 3, 6, 8, 10].map((i) => `features.${i}`).concat([1, 4, 6].map((i) => `classifier.${i}`));
  assert.equal(
    buildTorchIr(r.checked!, "specs/alexnet.anet").stateDict,
    keys.flatMap((k) => [`${k}.weight`, `${k}.bias`]),
  );
  const model = emitModel(r.checked!, r.file, "pytorch").files.get("model.py")!;
  assert.match(
    model,
    /self\.features = nn\.Sequential\(\n\s+# features\.0: [^\n]*\n\s+nn\.Conv2d\(3, 48, kernel_size=11, stride=4, padding=2\),/,
  );
  assert.match(model, /def forward\(self, x\):\n {8}x = self\.features\(x\)\n {8}x = self\.flatten\(x\)\n {8}x = self\.classifier\(x\)\n/);
});

test("named layers among a block's numbered ones: each module under its own name, forward calls them in spec order", () => {
  const r = checked("specs/alexnet-table.anet", specText("alexnet-table.anet"));
  const ir = buildTorchIr(r.checked!, "specs/alexnet-table.anet");
  assert.ok(ir.stateDict.includes("conv1.weight") && ir.stateDict.includes("classifier.6.bias"));
  assert.equal(ir.forward.slice(0, 3), ["x = self.conv1(x)", 'x = getattr(self.features, "1")(x)', "x = self.pool1(x)"]);
  assert.equal(ir.helpers, ["Conv2dPadded"], "conv1's padding [1, 2] is uneven");
});

test("a layer named like an nn.Module attribute is refused for --target pytorch in one line (exit 2), not emitted as a broken model", () => {
  const dir = join(work, "reserved");
  mkdirSync(dir, { recursive: true });
  const spec = join(dir, "r.anet");
  writeFileSync(spec, "model r {\n  input 1x4x4\n  forward: relu\n  flatten\n  dense(2)\n}\n");
  const r = runCli(["compile", spec, "--target", "pytorch", "-o", join(dir, "out")]);
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /layer forward: PyTorch cannot hold a module named 'forward' \(an attribute of torch\.nn\.Module\)/);
  assert.not.match(r.stderr, /\n\s+at /, "no stack trace");
  assert.not.ok(existsSync(join(dir, "out")), "nothing written");
  assert.is(runCli(["compile", spec, "-o", join(dir, "ts")]).status, 0, "the tfjs target accepts the name");
});

test("alexc compile --target pytorch writes the folder, --check agrees (Python's __pycache__ ignored), tfjs stays the default", () => {
  const out = join(work, "cli");
  const r = runCli(["compile", "specs/alexnet-mini.anet", "--target", "pytorch", "-o", out]);
  assert.is(r.status, 0, r.stderr);
  for (const f of ["model.py", "train.py", "predict.py", "builtin.py", "requirements.txt", "README.md"])
    assert.ok(existsSync(join(out, "alexnet_mini", f)), f);
  mkdirSync(join(out, "alexnet_mini", "__pycache__"));
  writeFileSync(join(out, "alexnet_mini", "__pycache__", "model.cpython-311.pyc"), "");
  const check = runCli(["compile", "specs/alexnet-mini.anet", "--target", "pytorch", "-o", out, "--check"]);
  assert.is(check.status, 0, check.stdout + check.stderr);
  // A tfjs compile into the same root leaves the Python files alone (its obsolete-file sweep is per target).
  assert.is(runCli(["compile", "specs/alexnet-mini.anet", "-o", out]).status, 0);
  assert.ok(existsSync(join(out, "alexnet_mini", "model.py")) && existsSync(join(out, "alexnet_mini", "model.ts")));
  const bad = runCli(["compile", "specs/alexnet-mini.anet", "--target", "onnx"]);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--target onnx: write tfjs \(the default\) or pytorch/);
});

/** Every layer kind's documented example (plus a flatten, as test/layer-table.test.ts does), and the helper modules' cases. */
const SMALL_SPECS: Array<[string, string]> = [
  ...[...layerKinds.values()].map((k): [string, string] => [`kind_${k.kind}`, `${k.docs.example}\n  flatten`]),
  // Uneven padding: Conv2dPadded, MaxPool2dPadded (ceil mode's extension too) and AvgPool2dPadded (padding not counted).
  [
    "uneven",
    "input 4x11x11\n  conv(6, kernel=3, padding=[1, 2], groups=2)\n  maxpool(kernel=3, stride=2, padding=[0, 1], ceil_mode=true)\n" +
      "  avgpool(kernel=2, stride=1, padding=[1, 0], count_include_pad=false)\n  avgpool(kernel=3, stride=2, padding=[1, 0])\n  flatten\n  dense(5)",
  ],
  ["same", "input 3x10x10\n  conv(4, kernel=4, stride=3, padding=same)\n  maxpool(kernel=2, padding=same)\n  flatten\n  dense(3)"],
];

torchTest(
  "same model: every kind's example, uneven padding and alexnet-mini give check's params and shapes in PyTorch, and tfjs's logits",
  async () => {
    await selectBackend("cpu", () => {});
    const cases = [
      ...SMALL_SPECS.map(([name, body]) => both(`${name}.anet`, `model ${name} {\n  ${body}\n}\n`)),
      both("specs/alexnet-mini.anet", specText("alexnet-mini.anet")),
    ];
    const reports = python(["test/torch/check_model.py", ...cases.map((c) => c.torch)])
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { ok: boolean; params: number; wrong_shapes: object; bad_keys: string[] });
    cases.forEach((c, i) => {
      const rep = reports[i]!;
      assert.ok(rep.ok, `${c.torch}: ${JSON.stringify(rep)}`);
      assert.is(BigInt(rep.params), c.r.checked!.totals.params, `${c.torch}: parameters`);
    });
    python(["test/torch/logits.py", ...cases.map((c) => c.torch)]);
    for (const c of cases) {
      const err = await logitsDiff(c);
      assert.ok(err <= LOGITS_TOL, `${c.torch}: logits differ by ${err.toExponential(2)} (relative) > ${LOGITS_TOL}`);
    }
  },
);

torchTest("builtin.py draws the built-in images byte for byte as the tfjs trainer does", () => {
  const r = checked("specs/alexnet-mini.anet", specText("alexnet-mini.anet"));
  const dir = join(work, "builtin");
  writeOutputs(dir, "m", emitModel(r.checked!, r.file, "pytorch").files);
  const cases: Array<[number, number, number, number]> = [
    [0, 32, 32, 3],
    [1, 32, 32, 3],
    [6, 40, 24, 3],
    [7, 48, 48, 1],
    [2999, 64, 64, 3],
  ];
  const script = `import sys, json, base64; sys.path.insert(0, ${JSON.stringify(join(dir, "m"))}); import builtin
for i, w, h, c in json.loads(sys.argv[1]): print(base64.b64encode(builtin.render(i, w, h, c).tobytes()).decode())`;
  const lines = python(["-c", script, JSON.stringify(cases)])
    .trim()
    .split("\n");
  cases.forEach(([i, w, h, c], k) => {
    const js = Buffer.from(renderBuiltin(i, w, h, c));
    assert.ok(Buffer.from(lines[k]!, "base64").equals(js), `image ${i} at ${w}×${h}×${c}`);
  });
});

torchTest(
  "predict.py: a checkpoint with fewer classes than outputs names the extra outputs by index; a closed pipe ends it quietly",
  () => {
    const r = checked("specs/alexnet-mini.anet", specText("alexnet-mini.anet"));
    const dir = join(work, "predict");
    writeOutputs(dir, "m", emitModel(r.checked!, r.file, "pytorch").files);
    const folder = join(dir, "m");
    const checkpoint = join(folder, "two-classes.pt");
    python([
      "-c",
      `import sys, torch; sys.path.insert(0, ${JSON.stringify(folder)}); import model
torch.manual_seed(1); torch.save({"model": model.build_model().state_dict(), "classes": ["circle", "ring"]}, ${JSON.stringify(checkpoint)})`,
    ]);
    const top = python([join(folder, "predict.py"), "--builtin", "2", "--top", "8", "--json", "--checkpoint", checkpoint])
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { predictions: Array<{ class: string; index: number }> });
    assert.is(top.length, 2);
    for (const row of top) for (const t of row.predictions) assert.is(t.class, t.index < 2 ? ["circle", "ring"][t.index] : String(t.index));
    // `| head -1`: the reader closes the pipe after one line.
    const piped = spawnSync("sh", ["-c", `${TORCH_PYTHON} ${folder}/predict.py --builtin 300 --checkpoint ${checkpoint} | head -1`], {
      encoding: "utf8",
    });
    assert.is(piped.status, 0);
    assert.is(piped.stderr, "", "no traceback");
  },
);

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
