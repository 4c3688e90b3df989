/**
 * Preprocessing geometry (torchvision's RandomResizedCrop, CenterCrop), normalisation, the JS
 * resampler against libvips, and the built-in drawn data set: pure functions, checked directly.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import sharp from "sharp";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "./support.js";
import { centerCrop, normalise, planEval, planTrain, randomResizedCrop, type Preprocessing } from "../src/runtime/preprocess.js";
import { resample } from "../src/runtime/resample.js";
import { BUILTIN_CLASSES, builtinLabel, renderBuiltin } from "../src/runtime/builtin.js";
import { mix, seeded, seedMathRandom, shuffle } from "../src/runtime/random.js";

const SEED_SERIES: Preprocessing = {
  train: { kind: "random_resized_crop", scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
  flip: "horizontal",
  val: { kind: "resize" },
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
};

const sizes: Array<[number, number]> = [
  [500, 375],
  [64, 64],
  [32, 32],
  [224, 224],
  [1000, 60],
  [7, 900],
  [1, 1],
];

for (const [w, h] of sizes) {
  test(`random_resized_crop on ${w}×${h}: boxes inside the image, area and ratio in range unless it falls back`, () => {
    const random = seeded(mix(w, h));
    for (let i = 0; i < 500; i++) {
      const b = randomResizedCrop(w, h, [0.08, 1], [3 / 4, 4 / 3], random);
      assert.ok(
        Number.isInteger(b.left) && Number.isInteger(b.top) && Number.isInteger(b.width) && Number.isInteger(b.height),
        JSON.stringify(b),
      );
      assert.ok(
        b.left >= 0 && b.top >= 0 && b.width >= 1 && b.height >= 1 && b.left + b.width <= w && b.top + b.height <= h,
        JSON.stringify(b),
      );
      const area = (b.width * b.height) / (w * h);
      const ratio = b.width / b.height;
      const central = b.left === Math.floor((w - b.width) / 2) && b.top === Math.floor((h - b.height) / 2);
      // Rounding to whole pixels moves area and ratio a little; the fallback is a central box.
      assert.ok(
        central || (area > 0.08 * 0.8 && area <= 1 && ratio > 0.75 * 0.8 && ratio < (4 / 3) * 1.25),
        `area ${area} ratio ${ratio} ${JSON.stringify(b)}`,
      );
    }
  });
}

test("random_resized_crop falls back to the largest central box of an allowed ratio (torchvision)", () => {
  const never = (): number => 0.999999; // maximal area and ratio every try: never fits a thin image
  assert.equal(randomResizedCrop(1000, 60, [0.9, 1], [3 / 4, 4 / 3], never), { left: 460, top: 0, width: 80, height: 60 });
  assert.equal(randomResizedCrop(60, 1000, [0.9, 1], [3 / 4, 4 / 3], never), { left: 0, top: 460, width: 60, height: 80 });
});

test("the same seed gives the same plans; another seed other plans", () => {
  const plans = (seed: number) => Array.from({ length: 20 }, (_, i) => planTrain(320, 240, SEED_SERIES, seeded(mix(seed, 1, i))));
  assert.equal(plans(7), plans(7));
  assert.not.equal(plans(7), plans(8));
  const flips = plans(7)
    .concat(plans(9))
    .map((p) => p.flip);
  assert.ok(flips.includes(true) && flips.includes(false), "both mirrored and unmirrored images");
});

test("center_crop keeps torchvision's Resize(256) + CenterCrop(224) box; resize keeps everything", () => {
  // 500×375 → shorter side 375 maps to 256, the 224 crop covers 224/256 of it: 328×328 source pixels,
  // (375 − 328) / 2 = 23.5 rounded half to even.
  assert.equal(centerCrop(500, 375, 224, 224, 224 / 256), { left: 86, top: 24, width: 328, height: 328 });
  assert.equal(planEval(500, 375, 224, 224, { kind: "resize" }), { box: { left: 0, top: 0, width: 500, height: 375 }, flip: false });
  // (500 − 375) / 2 = 62.5: torchvision rounds as Python does, half to even.
  assert.equal(planEval(500, 375, 224, 224, { kind: "center_crop", fraction: 1 }).box, { left: 62, top: 0, width: 375, height: 375 });
  assert.equal(centerCrop(502, 375, 224, 224, 1).left, 64, "63.5 rounds to 64");
});

test("normalise computes (v / 255 − mean) / std per channel", () => {
  const out = new Float32Array(8);
  normalise(Uint8Array.from([0, 255, 51, 102, 204, 255]), 3, { ...SEED_SERIES, mean: [0.5, 0.2, 0], std: [0.5, 0.1, 1] }, out, 2);
  assert.equal(
    Array.from(out).map((v) => +v.toFixed(4)),
    [0, 0, -1, 8, 0.2, -0.2, 6, 1],
  );
});

interface PilCase {
  box: { left: number; top: number; width: number; height: number };
  flip: boolean;
  width: number;
  height: number;
  pixels: number[];
}
const pil = JSON.parse(readFileSync(join(FIXTURES, "pil-bilinear.json"), "utf8")) as {
  width: number;
  height: number;
  source: number[];
  cases: PilCase[];
};

for (const c of pil.cases) {
  test(`the JS resampler gives Pillow's bilinear crop-resize${c.flip ? "-flip" : ""} ${c.box.width}×${c.box.height} → ${c.width}×${c.height} within rounding`, () => {
    const ours = resample(Uint8Array.from(pil.source), pil.width, pil.height, 3, { box: c.box, flip: c.flip }, c.width, c.height);
    const diffs = Array.from(ours, (v, i) => Math.abs(v - c.pixels[i]!));
    assert.ok(Math.max(...diffs) <= 1, `largest difference ${Math.max(...diffs)}`);
  });
}

test("libvips (files) and the JS resampler agree when shrinking; a real difference would show", async () => {
  const src = renderBuiltin(5, 64, 48, 3);
  const box = { left: 0, top: 0, width: 64, height: 48 };
  const ours = resample(src, 64, 48, 3, { box, flip: true }, 32, 32);
  const theirs = await sharp(Buffer.from(src), { raw: { width: 64, height: 48, channels: 3 } })
    .resize(32, 32, { fit: "fill", kernel: "linear" })
    .flop()
    .raw()
    .toBuffer();
  const unflipped = await sharp(Buffer.from(src), { raw: { width: 64, height: 48, channels: 3 } })
    .resize(32, 32, { fit: "fill", kernel: "linear" })
    .raw()
    .toBuffer();
  const mean = (a: ArrayLike<number>): number => Array.from(ours, (v, i) => Math.abs(v - a[i]!)).reduce((s, d) => s + d, 0) / ours.length;
  assert.ok(mean(theirs) < 1, `mean absolute difference ${mean(theirs).toFixed(2)}`);
  assert.ok(mean(unflipped) > 10, "a mirror image differs");
});

test("an identity plan reproduces the pixels; a box outside the image is refused", () => {
  const src = renderBuiltin(1, 16, 12, 3);
  assert.equal(resample(src, 16, 12, 3, { box: { left: 0, top: 0, width: 16, height: 12 }, flip: false }, 16, 12), src);
  assert.throws(() => resample(src, 16, 12, 3, { box: { left: 8, top: 0, width: 16, height: 12 }, flip: false }, 16, 12), /outside/);
});

test("built-in images: a pure function of index and size, balanced labels, every class different", () => {
  assert.equal(renderBuiltin(123, 32, 32, 3), renderBuiltin(123, 32, 32, 3));
  assert.not.equal(renderBuiltin(123, 32, 32, 3), renderBuiltin(124, 32, 32, 3));
  assert.is(renderBuiltin(3, 40, 24, 3).length, 40 * 24 * 3);
  assert.is(renderBuiltin(3, 40, 24, 1).length, 40 * 24);
  const counts = new Array(BUILTIN_CLASSES.length).fill(0);
  for (let i = 0; i < 800; i++) counts[builtinLabel(i)]++;
  assert.equal(counts, new Array(BUILTIN_CLASSES.length).fill(100));
  const pixels = renderBuiltin(9, 64, 64, 3);
  const values = new Set(pixels);
  assert.ok(values.size > 100, "noise and antialiasing give many distinct values");
});

test("seeded randomness: repeatable shuffles, Math.random replaced and restored", () => {
  assert.equal(shuffle([1, 2, 3, 4, 5, 6, 7, 8], seeded(4)), shuffle([1, 2, 3, 4, 5, 6, 7, 8], seeded(4)));
  assert.equal([...shuffle([1, 2, 3, 4, 5, 6, 7, 8], seeded(4))].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
  const original = Math.random;
  const restore = seedMathRandom(11);
  const a = [Math.random(), Math.random()];
  restore();
  assert.is(Math.random, original);
  const again = seedMathRandom(11);
  assert.equal([Math.random(), Math.random()], a);
  again();
  assert.is.not(mix(1, 2), mix(2, 1));
});

test.run();
