/**
 * Max pooling in ceil mode: the checker's size equals PyTorch's for a table of settings (measured
 * with torch in test/fixtures/torch/maxpool.json), including PyTorch's rule that the last window
 * must start inside the input or its leading padding (pytorch#57178, #45357); the input-size scan
 * agrees with the checker; and the lowering (−∞ padding + an unpadded floor-mode pool) gives exactly
 * that size, so the generated model never has a silently different shape.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSource } from "../src/check/check-spec.js";
import { formatShape } from "../src/layers/kind.js";
import { poolPadding } from "../src/layers/pool.js";
import { windowAxis, caffePoolAxis } from "../src/layers/window.js";
import { verdictAt } from "../src/check/valid-inputs.js";
import { FIXTURES } from "./support.js";

interface SizeCase {
  input: [number, number];
  kernel: number;
  stride: number;
  padding: number;
  ceil_mode: boolean;
  output: [number, number];
}
const cases = (JSON.parse(readFileSync(join(FIXTURES, "torch", "maxpool.json"), "utf8")) as { sizes: SizeCase[] }).sizes;

for (const c of cases) {
  const layer = `maxpool(kernel=${c.kernel}, stride=${c.stride}, padding=${c.padding}, ceil_mode=${c.ceil_mode})`;
  test(`${layer} on ${c.input.join("×")}: ${c.output.join("×")}, as PyTorch`, () => {
    const r = checkSource("t.anet", `model t {\n  input 1x${c.input[0]}x${c.input[1]}\n  ${layer}\n  flatten\n}\n`);
    assert.equal(
      r.diagnostics.filter((d) => d.severity === "error"),
      [],
    );
    assert.is(formatShape(r.checked!.output!), `${c.output[0] * c.output[1]}`);
    assert.is(formatShape(r.checked!.layers[0]!.output), `1×${c.output[0]}×${c.output[1]}`);
    // The input-size scan (src/check/valid-inputs.ts) runs the same rule.
    assert.is(verdictAt(r.checked!.model, c.input[0], c.input[1]).features, c.output[0] * c.output[1]);
    // Lowering: −∞ padding, then a floor-mode pool without padding, gives the same size.
    const pad = poolPadding(c.input, {
      kernel: [c.kernel, c.kernel],
      stride: [c.stride, c.stride],
      padding: [
        [c.padding, c.padding],
        [c.padding, c.padding],
      ],
      ceil_mode: c.ceil_mode,
    });
    const lowered = [0, 1].map((i) => windowAxis(c.input[i]! + pad[i]![0] + pad[i]![1], c.kernel, 0, 0, c.stride).out);
    assert.equal(lowered, c.output);
    // Only the bottom/right is extended, and never by a whole window: PyTorch's last-window rule.
    for (const i of [0, 1]) {
      assert.is(pad[i]![0], c.padding);
      assert.ok(pad[i]![1] - c.padding < c.kernel, `extra padding ${pad[i]![1] - c.padding} on axis ${i}`);
    }
  });
}

// The rule's edge cases, spelled out: (size, kernel, stride, padding) → PyTorch ceil, Caffe, floor.
const rule: Array<[number, number, number, number, number, number, number, string]> = [
  [32, 1, 2, 0, 16, 17, 16, "pytorch#57178: ceil gives 17, but the 17th window would start at 32 = the input size"],
  [6, 1, 2, 0, 3, 4, 3, "pytorch#45357: the 4th window starts at 6, past the input"],
  [5, 2, 2, 1, 3, 3, 3, "a window that would start in the trailing padding is dropped, by Caffe too (it has padding)"],
  [56, 3, 2, 0, 28, 28, 27, "the partial last window is kept: ceil and floor differ"],
  [55, 3, 2, 0, 27, 27, 27, "AlexNet's pool1: exact, every rule agrees"],
  [2, 3, 2, 0, 1, 1, 0, "a kernel larger than the input still gives one window in ceil mode"],
];

for (const [size, kernel, stride, padding, pytorch, caffe, floor, why] of rule) {
  test(`rule: ${size}, kernel ${kernel}, stride ${stride}, padding ${padding}: PyTorch ${pytorch}, Caffe ${caffe}, floor ${floor} (${why})`, () => {
    assert.is(windowAxis(size, kernel, padding, padding, stride, true).out, pytorch);
    assert.is(caffePoolAxis(size, kernel, padding, padding, stride), caffe);
    assert.is(windowAxis(size, kernel, padding, padding, stride).out, floor);
  });
}

test("ceil mode reports the dropped last window in its arithmetic", () => {
  const r = checkSource("t.anet", "model t {\n  input 3x32x32\n  maxpool(1, stride=2, ceil_mode=true)\n  flatten\n}\n");
  const w = r.diagnostics.find((d) => d.code === "W0301");
  assert.ok(w, "32 with stride 2 and kernel 1 never reads the last row");
  assert.match(
    w!.notes.join("\n"),
    /ceil\(15\.5\) \+ 1 = 17, less the last window, which would start at 16 × 2 = 32, past the input and its leading padding \(32 \+ 0\): 16/,
  );
  assert.match(w!.notes.join("\n"), /the stride 2 is larger than the kernel 1/);
});

test.run();
