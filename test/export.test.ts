/**
 * `alexc export --format tfjs-json`: the model.json (and weights.bin) load through
 * tf.loadLayersModel over HTTP, as a browser app would load them, with the checker's layer shapes
 * and parameter counts; the topology is the one the generated buildModel() constructs; output is
 * deterministic; topology-only export loads with strict: false.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkSource } from "../src/check/check-spec.js";
import { exportTfjsJson } from "../src/views/export/tfjs-json.js";
import { shapeDims } from "../src/layers/kind.js";
import { ROOT, runCli, specText, importTs } from "./support.js";

tf.enableProdMode();
const dir = mkdtempSync(join(tmpdir(), "alexc-export-"));
let server: Server;
let base = "";

/** A static file server over the export folder: tf.loadLayersModel fetches model.json, then the weights. */
test.before(async () => {
  await tf.setBackend("cpu");
  server = createServer((req, res) => {
    try {
      const body = readFileSync(join(dir, decodeURIComponent(new URL(req.url!, "http://x").pathname)));
      // No keep-alive: a socket the server times out between tests must not be reused by fetch.
      res
        .writeHead(200, {
          "content-type": req.url!.endsWith(".json") ? "application/json" : "application/octet-stream",
          connection: "close",
        })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

test.after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** tfjs is channels-last: [null, H, W, C] → [C, H, W]; [null, N] → [N]. */
function toChw(shape: tf.Shape): number[] {
  const dims = shape.slice(1) as number[];
  return dims.length === 3 ? [dims[2]!, dims[0]!, dims[1]!] : dims;
}

for (const spec of ["alexnet.anet"]) {
  test(`${spec}: model.json + weights.bin load with tf.loadLayersModel over HTTP, layer by layer as checked`, async () => {
    const name = spec.replace(".anet", "");
    const r = runCli(["export", `specs/${spec}`, "--format", "tfjs-json", "-o", join(dir, name)]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*model\.json\nwrote .*weights\.bin\n/);
    const checked = checkSource(spec, specText(spec)).checked!;
    const model = await tf.loadLayersModel(`${base}/${name}/model.json`);
    try {
      for (const layer of checked.layers) {
        const loaded = model.getLayer(layer.name);
        assert.equal(toChw(loaded.outputShape as tf.Shape), shapeDims(layer.output), `${layer.name} output shape`);
        assert.is(BigInt(loaded.countParams()), layer.params, `${layer.name} params`);
      }
      assert.is(BigInt(model.countParams()), checked.totals.params);
      // The loaded weights are the file's bytes, in the manifest's order.
      const json = JSON.parse(readFileSync(join(dir, name, "model.json"), "utf8"));
      const bin = readFileSync(join(dir, name, "weights.bin"));
      const spec0 = json.weightsManifest[0].weights[0];
      const first = new Float32Array(bin.buffer, bin.byteOffset, 8);
      const kernel = model.getLayer(spec0.name.split("/")[0]).getWeights()[0]!.dataSync().slice(0, 8);
      assert.equal([...kernel], [...first]);
      assert.is(bin.length, Number(checked.totals.params) * 4);
    } finally {
      model.dispose();
    }
  });
}

test("the exported topology is the one the generated buildModel() constructs", async () => {
  const mod = (await importTs(join(ROOT, "generated", "alexnet", "model.ts"))) as { buildModel(): tf.LayersModel };
  const generated = mod.buildModel();
  const exported = JSON.parse(readFileSync(join(dir, "alexnet", "model.json"), "utf8")).modelTopology;
  // Seeds are the export's (for reproducible weights.bin); everything else must be identical.
  const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === "seed" ? undefined : x)));
  try {
    assert.equal(strip(exported.config), strip((generated.toJSON(null, false) as { config: unknown }).config));
  } finally {
    generated.dispose();
  }
});

/** The export of specs/<spec> with weights drawn from `seed`, in-process. */
function exportSpec(spec: string, seed: number): ReturnType<typeof exportTfjsJson> {
  return exportTfjsJson(checkSource(`specs/${spec}`, specText(spec)).checked!, `specs/${spec}`, { weights: true, seed });
}

test("exporting twice gives the same bytes; --seed changes the weights, not the layers", async () => {
  const again = await exportSpec("alexnet.anet", 0);
  const bin = (e: typeof again) => Buffer.from(e.files.get("weights.bin") as Uint8Array);
  // In-process and through the CLI alike.
  assert.ok(bin(again).equals(readFileSync(join(dir, "alexnet", "weights.bin"))));
  assert.is(again.files.get("model.json"), readFileSync(join(dir, "alexnet", "model.json"), "utf8"));
  // Another seed, on the small spec (a second draw of alexnet's 16 million weights takes seconds):
  // the weights change, the layers do not.
  const [a, b] = [await exportSpec("alexnet-mini.anet", 0), await exportSpec("alexnet-mini.anet", 7)];
  assert.not.ok(bin(b).equals(bin(a)));
  const layers = (e: typeof a) =>
    JSON.parse(e.files.get("model.json") as string).modelTopology.config.layers.map((l: { name: string }) => l.name);
  assert.equal(layers(b), layers(a));
});

test("--no-weights: an empty manifest (Netron needs one); tf.loadLayersModel builds it with strict: false", async () => {
  // The small spec: the topology-only path is the same for any model, and tfjs builds this one three
  // times (the export and both loads).
  const out = join(dir, "topology");
  const r = runCli(["export", "specs/alexnet-mini.anet", "--no-weights", "-o", out]);
  assert.is(r.status, 0, r.stderr);
  assert.throws(() => readFileSync(join(out, "weights.bin")));
  const json = JSON.parse(readFileSync(join(out, "model.json"), "utf8"));
  assert.equal(json.weightsManifest, []);
  assert.is(json.format, "layers-model");
  assert.match(json.convertedBy, /^alexc /);
  assert.is(json.userDefinedMetadata.alexc.spec, "specs/alexnet-mini.anet");
  const model = await tf.loadLayersModel(`${base}/topology/model.json`, { strict: false });
  assert.is(BigInt(model.countParams()), checkSource("specs/alexnet-mini.anet", specText("alexnet-mini.anet")).checked!.totals.params);
  model.dispose();
  await tf.loadLayersModel(`${base}/topology/model.json`).then(
    () => assert.unreachable("strict loading needs weights"),
    (e: Error) => assert.match(e.message, /weights are not set/),
  );
});

test("export refuses a spec with errors and writes nothing", () => {
  const out = join(dir, "refused");
  const r = runCli(["export", "test/fixtures/diagnostics/dense-in-mismatch.anet", "-o", out]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /nothing written/);
  assert.throws(() => readFileSync(join(out, "model.json")));
  assert.is(runCli(["export", "specs/alexnet.anet", "--format", "onnx"]).status, 2);
  assert.is(runCli(["export", "specs/alexnet.anet", "--seed", "-1"]).status, 2);
});

test.run();
