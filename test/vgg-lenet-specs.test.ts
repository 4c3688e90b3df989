/**
 * The classic CNNs in specs/ (lenet5, vgg11, vgg11-bn) against PyTorch layer by layer: every
 * layer's output shape, trainable params and running statistics as `alexc check --format json`
 * reports them equal the figures torchvision's models give (test/fixtures/torch/vgg-lenet-layers.json,
 * made by make_vgg_lenet_fixtures.py; CI needs no torch). And batch normalisation's running statistics
 * survive a checkpoint: a run resumed after one step ends where an uninterrupted one does, and
 * predict uses the saved statistics, not fresh ones (the tiny VGG-11-BN, a few steps on wasm).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { renderBuiltin, selectBackend } from "../src/runtime/index.js";
import { FIXTURES, ROOT, runCli, importTs } from "./support.js";

interface TorchLayer {
  name: string;
  type: string;
  output: number[];
  trainable: number;
  runningStatistics: number;
}
interface TorchModel {
  input: number[];
  layers: TorchLayer[];
  trainable: number;
  runningStatistics: number;
}
interface AlexcLayer {
  name: string;
  kind: string;
  output: number[];
  params: number;
  trainableParams?: number;
  nonTrainableParams?: number;
}

const zoo = JSON.parse(readFileSync(join(FIXTURES, "torch", "vgg-lenet-layers.json"), "utf8")).models as Record<string, TorchModel>;

test("lenet5, vgg11 and vgg11-bn equal torchvision layer by layer (output shapes, params, running statistics)", () => {
  const specs = Object.keys(zoo);
  const r = runCli(["check", ...specs.map((s) => `specs/${s}.anet`), "--format", "json"], { cwd: ROOT });
  assert.is(r.status, 0, r.stderr);
  const files = JSON.parse(r.stdout).files as Array<{ input: number[]; layers: AlexcLayer[]; totals: Record<string, number> }>;
  for (const [i, spec] of specs.entries()) {
    const torch = zoo[spec]!;
    const alexc = files[i]!;
    assert.equal(alexc.input, torch.input, `${spec} input`);
    const byName = new Map(alexc.layers.map((l) => [l.name, l]));
    let previous: number[] = torch.input;
    for (const t of torch.layers) {
      const a = byName.get(t.name);
      if (t.type === "AdaptiveAvgPool2d") {
        // torchvision's VGG pools to 7×7 before the classifier: an identity at 224, left out of the spec.
        assert.is(a, undefined, `${spec}: ${t.name} is not in the spec`);
        assert.equal(t.output, previous, `${spec}: ${t.name} is an identity at this input`);
        continue;
      }
      assert.ok(a, `${spec}: ${t.name} (${t.type}) is in the spec`);
      assert.equal(a!.output, t.output, `${spec}: ${t.name} output`);
      assert.is(a!.nonTrainableParams ?? 0, t.runningStatistics, `${spec}: ${t.name} running statistics`);
      assert.is(a!.params - (a!.nonTrainableParams ?? 0), t.trainable, `${spec}: ${t.name} trainable params`);
      previous = t.output;
    }
    // Every spec layer has its PyTorch module, but the flatten (torch.flatten in VGG.forward).
    const torchNames = new Set(torch.layers.map((l) => l.name));
    assert.equal(
      alexc.layers.filter((l) => !torchNames.has(l.name)).map((l) => l.kind),
      ["flatten"],
      `${spec}: layers PyTorch lacks`,
    );
    assert.is(alexc.totals["params"]! - (alexc.totals["nonTrainableParams"] ?? 0), torch.trainable, `${spec} trainable total`);
    assert.is(alexc.totals["nonTrainableParams"] ?? 0, torch.runningStatistics, `${spec} running statistics total`);
  }
  // The figures the specs' comments and the issue quote.
  assert.is(zoo["vgg11"]!.trainable, 132_863_336);
  assert.is(zoo["vgg11-bn"]!.trainable, 132_868_840);
  assert.is(zoo["lenet5"]!.trainable, 61_706);
});

type Main = (args: string[]) => Promise<unknown>;
const GENERATED = join(ROOT, "generated", "vgg11_bn-tiny");
const runs = mkdtempSync(join(tmpdir(), "alexc-zoo-"));
// One step per epoch (--steps is per epoch): two epochs straight, or one and a resumed second.
const OPTIONS = [
  "--data",
  "builtin:16",
  "--val-split",
  "0",
  "--batch",
  "4",
  "--steps",
  "1",
  "--seed",
  "5",
  "--workers",
  "0",
  "--backend",
  "wasm",
  "--quiet",
];

/** The checkpoint's running statistics, by weight name. */
function savedStatistics(dir: string): Map<string, Float32Array> {
  const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  const specs = json.weightsManifest[0].weights as tf.io.WeightsManifestEntry[];
  const bytes = readFileSync(join(dir, "weights.bin"));
  const named = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, specs);
  const out = new Map<string, Float32Array>();
  for (const [name, t] of Object.entries(named)) {
    if (/moving_(mean|variance)$/.test(name)) out.set(name, t.dataSync() as Float32Array);
    t.dispose();
  }
  return out;
}

test("batchnorm's running statistics: saved by a step, restored by --resume, used by predict", async () => {
  await selectBackend("wasm", () => {});
  const train = ((await importTs(join(GENERATED, "train.ts"))) as { main: Main }).main;
  const predict = ((await importTs(join(GENERATED, "predict.ts"))) as { main: Main }).main;
  const [straight, resumed] = [join(runs, "straight"), join(runs, "resumed")];
  await train([...OPTIONS, "--epochs", "2", "--out", straight]);
  await train([...OPTIONS, "--epochs", "1", "--out", resumed]);
  const afterOne = savedStatistics(join(resumed, "last"));
  assert.is(afterOne.size, 16, "8 batchnorm layers, a mean and a variance each");
  const mean = afterOne.get("features.1/moving_mean")!;
  assert.ok(
    mean.some((v) => v !== 0),
    "one step moved the running mean off its initial zeros",
  );
  await train([...OPTIONS, "--epochs", "2", "--resume", "--out", resumed]);
  const want = savedStatistics(join(straight, "last"));
  const got = savedStatistics(join(resumed, "last"));
  for (const [name, values] of want) {
    const g = got.get(name)!;
    const worst = Math.max(...values.map((v, i) => Math.abs(v - g[i]!)));
    assert.ok(worst <= 1e-6, `${name}: resumed differs from uninterrupted by ${worst}`);
    assert.ok(
      values.some((v, i) => v !== afterOne.get(name)![i]),
      `${name} moved in the second step`,
    );
  }

  // predict in evaluation mode: the saved statistics decide the scores. Shrinking the running
  // variances in a copy of the checkpoint changes the probabilities, so predict read them (and did
  // not normalise by the image's own statistics, which the copy leaves alike).
  const image = join(runs, "image.png");
  const [h, w] = [32, 32];
  await sharp(Buffer.from(renderBuiltin(3, w, h, 3)), { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(image);
  type Top = Array<{ top: Array<{ index: number; probability: number }> }>;
  const scores = async (checkpoint: string) =>
    ((await predict([image, "--checkpoint", checkpoint, "--top", "8", "--json", "--backend", "wasm"])) as Top)[0]!.top;
  const saved = await scores(join(straight, "last"));
  const reset = join(runs, "reset");
  const json = JSON.parse(readFileSync(join(straight, "last", "model.json"), "utf8"));
  const specs = json.weightsManifest[0].weights as tf.io.WeightsManifestEntry[];
  const bytes = readFileSync(join(straight, "last", "weights.bin"));
  const named = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, specs);
  // In the manifest's order, so weights.bin lines up with model.json as saved.
  const fresh = Object.fromEntries(
    specs.map(({ name }) => {
      const t = named[name]!;
      return [name, /moving_variance$/.test(name) ? tf.mul(t, 1e-4) : t];
    }),
  );
  const encoded = await tf.io.encodeWeights(fresh);
  tf.dispose([...new Set([...Object.values(named), ...Object.values(fresh)])]);
  rmSync(reset, { recursive: true, force: true });
  cpSync(join(straight, "last"), reset, { recursive: true });
  writeFileSync(join(reset, "weights.bin"), new Uint8Array(encoded.data));
  const withoutStatistics = await scores(reset);
  const p = (top: Array<{ index: number; probability: number }>) => [...top].sort((a, b) => a.index - b.index).map((t) => t.probability);
  const diff = Math.max(...p(saved).map((v, i) => Math.abs(v - p(withoutStatistics)[i]!)));
  assert.ok(diff > 1e-4, `predict's scores depend on the saved statistics (max difference ${diff})`);
});

test.after(() => rmSync(runs, { recursive: true, force: true }));

test.run();
