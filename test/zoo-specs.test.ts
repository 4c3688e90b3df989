/**
 * specs/torchvision-alexnet.anet and specs/zfnet.anet against PyTorch, layer by layer: every
 * module's output shape and parameter count, for the base and the variant, as
 * test/fixtures/torch/make_zoo_fixtures.py recorded them from torchvision.models.alexnet and a
 * hand-written ZFNet (CI needs no torch), compared with what `alexc check --format json` reports.
 * Also what issue 16 asks to see: 61,100,840 params, an input of 100 checks thanks to the adaptive
 * pool, and 62 fails naming the layer that has nothing left to pool.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, runCli } from "./support.js";

interface TorchLayer {
  name: string;
  output: number[];
  params: number;
}
interface Configuration {
  input: number[];
  params: number;
  layers: TorchLayer[];
}
interface Reported {
  input: number[];
  layers: Array<{ name: string; kind: string; output: number[]; params: number }>;
  totals?: { params: number };
}

const fixture = JSON.parse(readFileSync(join(FIXTURES, "torch", "zoo-layers.json"), "utf8")) as Record<
  string,
  { configurations: Record<string, Configuration> } | string
>;

for (const [spec, entry] of Object.entries(fixture)) {
  if (typeof entry === "string") continue;
  test(`${spec}: every layer's output shape and params equal PyTorch's, base and variant`, () => {
    const r = runCli(["check", "--format", "json", `specs/${spec}`]);
    assert.is(r.status, 0, r.stderr);
    const file = (JSON.parse(r.stdout) as { files: Array<Reported & { variants: Array<Reported & { name: string }> }> }).files[0]!;
    for (const [variant, torch] of Object.entries(entry.configurations)) {
      const ours: Reported = variant === "" ? file : file.variants.find((v) => v.name === variant)!;
      assert.ok(ours, `variant ${variant} reported`);
      const where = `${spec}${variant ? ` (${variant})` : ""}`;
      assert.equal(ours.input, torch.input, `${where} input`);
      const byName = new Map(ours.layers.map((l) => [l.name, l]));
      for (const t of torch.layers) {
        const l = byName.get(t.name);
        assert.ok(l, `${where}: PyTorch's ${t.name} has no alexc layer of that name`);
        assert.equal(l!.output, t.output, `${where} ${t.name} output`);
        assert.is(l!.params, t.params, `${where} ${t.name} params`);
      }
      // torch.flatten is a function in both models, not a module: the only alexc layer PyTorch does not list.
      const unmatched = ours.layers.filter((l) => !torch.layers.some((t) => t.name === l.name)).map((l) => l.kind);
      assert.equal(unmatched, ["flatten"], `${where}: alexc layers PyTorch does not have`);
      const total = ours.layers.reduce((n, l) => n + l.params, 0);
      assert.is(total, torch.params, `${where} total params`);
    }
  });
}

test("torchvision-alexnet: 61,100,840 params at 224; an input of 100 checks (adaptive pool); 62 fails at features.12", () => {
  const base = runCli(["check", "specs/torchvision-alexnet.anet"]);
  assert.is(base.status, 0, base.stderr);
  assert.match(base.stdout, /total params 61,100,840 /);
  const at100 = runCli(["check", "specs/torchvision-alexnet.anet", "--set", "size=100"]);
  assert.is(at100.status, 0, at100.stderr);
  assert.match(at100.stdout, /avgpool +adaptive_avgpool +output 6 +256×6×6/);
  assert.match(at100.stdout, /total params 61,100,840 /);
  const at62 = runCli(["check", "specs/torchvision-alexnet.anet", "--set", "size=62"]);
  assert.is(at62.status, 1);
  assert.match(at62.stderr, /error\[E0202\]: features\.12 \(maxpool\) has an empty output/);
  assert.match(at62.stderr, /the smallest input for which every layer's output is non-empty is 63/);
});

test("torchvision-alexnet: alexc inputs knows the adaptive pool fixes the classifier's size: valid from 63 up", () => {
  const r = runCli(["inputs", "specs/torchvision-alexnet.anet"]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /valid inputs +63 and up/);
});

test.run();
