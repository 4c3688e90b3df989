/**
 * avgpool's checks and lowering choice (its numbers against PyTorch are in torch-parity.test.ts):
 * PyTorch's defaults, its padding limit, the pooling warnings naming avgpool, and which windows need
 * alexc's rescaling layer instead of tfjs's averagePooling2d.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSource } from "../src/check/check-spec.js";
import { lowerModel } from "../src/lower/fuse.js";
import type { TfjsLayer } from "../src/layers/kind.js";

const spec = (layer: string, input = "3x7x7") => checkSource("t.anet", `model t {\n  input ${input}\n  ${layer}\n  flatten\n}\n`);
const codes = (layer: string, input?: string) => spec(layer, input).diagnostics.map((d) => d.code);

function factories(layer: string, input?: string): string[] {
  const r = spec(layer, input);
  assert.ok(r.checked?.complete, JSON.stringify(r.diagnostics.map((d) => d.message)));
  const lowered = lowerModel(r.checked!);
  return (lowered.layers[0]!.steps as TfjsLayer[]).map((s) => `${s.runtime ? "alexc." : ""}${s.factory}`);
}

test("stride defaults to the kernel and count_include_pad to true, as nn.AvgPool2d", () => {
  const r = spec("avgpool(2)", "3x8x8");
  const layer = r.checked!.layers[0]!;
  assert.equal(layer.resolved.args["stride"], [2, 2]);
  assert.is(layer.resolved.args["count_include_pad"], true);
  assert.equal(layer.output, { rank: "chw", c: 3, h: 4, w: 4 });
  assert.is(layer.params, 0n);
});

test("padding above half the kernel is E0111 naming avgpool, as PyTorch refuses it", () => {
  const r = spec("avgpool(kernel=3, padding=2)");
  const e = r.diagnostics.find((d) => d.code === "E0111");
  assert.ok(e && e.message.includes("avgpool"), JSON.stringify(r.diagnostics.map((d) => d.message)));
});

test("ceil mode that changes the size is W0310 naming avgpool; a flat input is E0203", () => {
  const r = spec("avgpool(kernel=3, stride=2, ceil_mode=true)", "3x6x6");
  const w = r.diagnostics.find((d) => d.code === "W0310");
  assert.ok(w && w.message.includes("avgpool"));
  assert.ok(codes("flatten\n  avgpool(2)").includes("E0203"));
});

test("full windows lower to tfjs pooling; counted-out padding and ceil's partial windows to alexc.avgPool2d", () => {
  assert.equal(factories("avgpool(2)", "3x8x8"), ["averagePooling2d"]);
  assert.equal(factories("avgpool(kernel=3, stride=2, padding=1)"), ["zeroPadding2d", "averagePooling2d"]);
  assert.equal(factories("avgpool(kernel=3, stride=2, padding=1, count_include_pad=false)"), ["alexc.avgPool2d"]);
  assert.equal(factories('avgpool(kernel=3, stride=2, ceil_mode=true) allow ceil_mode "PyTorch"', "3x6x6"), ["alexc.avgPool2d"]);
});

test.run();
