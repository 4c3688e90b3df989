/**
 * The data side of the trainer on real files: ImageFolder scanning and its errors, the stratified
 * split, JPEG/PNG decoding through libvips, unreadable images, and the worker-thread loader (same
 * batches as the main thread, in order, with prefetch).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { builtinDataset, imagesUnder, openDataset, scanImageFolder, splitDataset, type Dataset } from "../src/runtime/dataset.js";
import { decodeFile, UnreadableImage } from "../src/runtime/decode.js";
import { makeBatch } from "../src/runtime/batch.js";
import { DataLoader } from "../src/runtime/loader.js";
import { AlexcRuntimeError } from "../src/runtime/errors.js";
import type { Preprocessing } from "../src/runtime/preprocess.js";
import { FIXTURES } from "./support.js";

const IMAGES = join(FIXTURES, "images");
const PRE: Preprocessing = {
  train: { kind: "random_resized_crop", scale: [0.08, 1], ratio: [3 / 4, 4 / 3] },
  flip: "horizontal",
  val: { kind: "resize" },
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
};
const SIZE = { width: 32, height: 32, channels: 3 };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "alexc-data-"));
}

/** A copy of the committed image folder to break in various ways. */
function copyOfImages(): string {
  const dir = tempDir();
  for (const cls of ["faces", "hearts", "keycaps"]) {
    mkdirSync(join(dir, cls));
    for (const f of readdirSync(join(IMAGES, cls))) copyFileSync(join(IMAGES, cls, f), join(dir, cls, f));
  }
  return dir;
}

test("the committed image folder: three sorted classes, every JPEG and PNG, the attribution file ignored", () => {
  const data = scanImageFolder(IMAGES);
  assert.equal(data.classes, ["faces", "hearts", "keycaps"]);
  assert.is(data.samples.length, 42);
  const paths = data.samples.map((s) => ("path" in s ? s.path : ""));
  assert.ok(paths.some((p) => p.endsWith(".jpg")) && paths.some((p) => p.endsWith(".png")));
  assert.ok(
    data.samples.every((s) => "path" in s && s.path.includes(`/${data.classes[s.label]}/`)),
    "labels follow folders",
  );
});

test("class order is Python's sorted(): byte order, uppercase first, like torchvision's ImageFolder", () => {
  const dir = tempDir();
  try {
    for (const cls of ["b", "B", "a", "_x"]) {
      mkdirSync(join(dir, cls));
      writeFileSync(join(dir, cls, "x.png"), "");
    }
    mkdirSync(join(dir, ".hidden"));
    assert.equal(scanImageFolder(dir).classes, ["B", "_x", "a", "b"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("images are found in nested folders and by extension, case-insensitively; other files are ignored", () => {
  const dir = tempDir();
  try {
    mkdirSync(join(dir, "deep", "er"), { recursive: true });
    for (const f of ["a.JPG", "b.jpeg", "c.Png", "d.gif", "e.txt", ".f.png", "deep/g.jpg", "deep/er/h.png"])
      writeFileSync(join(dir, f), "");
    symlinkSync(join(dir, "deep"), join(dir, "link"));
    assert.equal(
      imagesUnder(dir).map((p) => p.slice(dir.length + 1)),
      ["a.JPG", "b.jpeg", "c.Png", "deep/er/h.png", "deep/g.jpg", "link/er/h.png", "link/g.jpg"],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const badFolders: Array<[string, (dir: string) => string, RegExp]> = [
  ["a missing folder", (dir) => join(dir, "nope"), /--data .*nope: no such folder/],
  [
    "a file instead of a folder",
    (dir) => (writeFileSync(join(dir, "f.jpg"), ""), join(dir, "f.jpg")),
    /is a file, not a folder of class sub-folders/,
  ],
  ["no class folders", (dir) => dir, /found no class folders; a classifier needs at least two/],
  [
    "one class folder",
    (dir) => (mkdirSync(join(dir, "cats")), writeFileSync(join(dir, "cats", "a.jpg"), ""), dir),
    /found one class folder \(cats\); a classifier needs at least two/,
  ],
  [
    "an empty class folder",
    (dir) => (
      mkdirSync(join(dir, "cats")),
      mkdirSync(join(dir, "dogs")),
      writeFileSync(join(dir, "cats", "a.jpg"), ""),
      writeFileSync(join(dir, "dogs", "notes.txt"), ""),
      dir
    ),
    /the class folder .*dogs has no images \(\.jpg, \.jpeg, \.png\)/,
  ],
];

for (const [name, make, message] of badFolders) {
  test(`--data with ${name} is a clear error before anything else`, () => {
    const dir = tempDir();
    try {
      const target = make(dir);
      assert.throws(
        () => scanImageFolder(target),
        (e: Error) => e instanceof AlexcRuntimeError && message.test(e.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("builtin and builtin:N name the drawn set; anything else is an error", () => {
  assert.is(builtinDataset("builtin").samples.length, 3000);
  assert.is(openDataset("builtin:80").samples.length, 80);
  assert.throws(() => openDataset("builtin:3"), /at least 8 images/);
  assert.throws(() => openDataset("builtin:lots"), /write builtin or builtin:N/);
});

function labelCounts(d: Dataset): number[] {
  return d.classes.map((_, c) => d.samples.filter((s) => s.label === c).length);
}

test("the validation split is stratified, disjoint, complete and fixed by the seed", () => {
  const data = scanImageFolder(IMAGES);
  const a = splitDataset(data, 0.25, 5);
  assert.equal(labelCounts(a.val), [4, 4, 4]);
  assert.equal(labelCounts(a.train), [10, 10, 10]);
  const key = (d: Dataset): string[] => d.samples.map((s) => ("path" in s ? s.path : String(s.builtin))).sort();
  assert.equal([...key(a.train), ...key(a.val)].sort(), key(data));
  assert.equal(key(splitDataset(data, 0.25, 5).val), key(a.val));
  assert.not.equal(key(splitDataset(data, 0.25, 6).val), key(a.val));
  assert.equal(
    labelCounts(splitDataset(builtinDataset("builtin:16"), 0.9, 1).train),
    new Array(8).fill(1),
    "every class keeps a training image",
  );
});

test("JPEG, RGBA PNG and palette PNG decode to the input size in RGB and greyscale", async () => {
  for (const file of ["faces/grinning.jpg", "faces/smiley.png", "faces/smile.png"]) {
    const rgb = await decodeFile(join(IMAGES, file), SIZE, (w, h) => ({ box: { left: 0, top: 0, width: w, height: h }, flip: false }));
    assert.is(rgb.length, 32 * 32 * 3, file);
    const grey = await decodeFile(join(IMAGES, file), { width: 20, height: 10, channels: 1 }, (w, h) => ({
      box: { left: 0, top: 0, width: w, height: h },
      flip: false,
    }));
    assert.is(grey.length, 20 * 10, file);
  }
  // The yellow face on white: the centre is yellow (red and green high, blue low).
  const px = await decodeFile(join(IMAGES, "faces/grinning.jpg"), SIZE, (w, h) => ({
    box: { left: 0, top: 0, width: w, height: h },
    flip: false,
  }));
  const centre = (16 * 32 + 10) * 3;
  assert.ok(
    px[centre]! > 200 && px[centre + 1]! > 150 && px[centre + 2]! < 120,
    `centre pixel ${Array.from(px.subarray(centre, centre + 3))}`,
  );
});

test("a 16-bit, a greyscale and a CMYK image still decode to 8-bit RGB", async () => {
  const dir = tempDir();
  try {
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .png()
      .toColourspace("rgb16")
      .toFile(join(dir, "deep.png"));
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .greyscale()
      .jpeg()
      .toFile(join(dir, "grey.jpg"));
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 200, b: 10 } } })
      .toColourspace("cmyk")
      .jpeg()
      .toFile(join(dir, "cmyk.jpg"));
    for (const f of ["deep.png", "grey.jpg", "cmyk.jpg"]) {
      const px = await decodeFile(join(dir, f), SIZE, (w, h) => ({ box: { left: 0, top: 0, width: w, height: h }, flip: false }));
      assert.is(px.length, 32 * 32 * 3, f);
    }
    const deep = await decodeFile(join(dir, "deep.png"), SIZE, (w, h) => ({ box: { left: 0, top: 0, width: w, height: h }, flip: false }));
    assert.ok(Math.abs(deep[0]! - 200) <= 1 && deep[1]! < 20, `16-bit red scaled to 8 bits: ${Array.from(deep.subarray(0, 3))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const corrupt: Array<[string, (good: Buffer) => Buffer | string]> = [
  ["an empty file", () => Buffer.alloc(0)],
  ["text with a .jpg name", () => "not an image at all"],
  ["a truncated JPEG", (good) => good.subarray(0, Math.floor(good.length / 3))],
];

for (const [name, make] of corrupt) {
  test(`${name} is an UnreadableImage naming the file`, async () => {
    const dir = tempDir();
    try {
      const good = await sharp({
        create: { width: 300, height: 200, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 50 } },
      })
        .jpeg()
        .toBuffer();
      const path = join(dir, "bad.jpg");
      writeFileSync(path, make(good));
      await decodeFile(path, SIZE, (w, h) => ({ box: { left: 0, top: 0, width: w, height: h }, flip: false })).then(
        () => assert.unreachable("decoded"),
        (e: Error) => {
          assert.instance(e, UnreadableImage);
          assert.match(e.message, `${path}: not a readable JPEG or PNG image`);
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("a batch leaves an unreadable image out and says which one", async () => {
  const dir = copyOfImages();
  try {
    writeFileSync(join(dir, "hearts", "zz-broken.png"), "garbage");
    const data = scanImageFolder(dir);
    const broken = data.samples.findIndex((s) => "path" in s && s.path.endsWith("zz-broken.png"));
    const batch = await makeBatch(
      { samples: data.samples, size: SIZE, preprocessing: PRE },
      { indices: Int32Array.from([0, broken, 1]), train: true, epoch: 1, seed: 1 },
    );
    assert.is(batch.n, 2);
    assert.is(batch.x.length, 2 * 32 * 32 * 3);
    assert.equal(
      batch.skipped.map((s) => s.index),
      [broken],
    );
    assert.match(batch.skipped[0]!.reason, /not a readable JPEG or PNG image/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function epochBatches(workers: number, prefetch: number) {
  const data = scanImageFolder(IMAGES);
  const loader = new DataLoader({ samples: data.samples, size: SIZE, preprocessing: PRE }, workers, prefetch);
  try {
    const order = Int32Array.from({ length: data.samples.length }, (_, i) => (i * 17) % data.samples.length);
    const out = [];
    for await (const b of loader.epoch({ order, batchSize: 10, train: true, epoch: 3, seed: 9 })) out.push(b);
    const resumed = [];
    for await (const b of loader.epoch({ order, batchSize: 10, train: true, epoch: 3, seed: 9, startBatch: 3 })) resumed.push(b);
    return { out, resumed };
  } finally {
    await loader.close();
  }
}

test("worker threads make exactly the batches the main thread makes, in order, and resume at any batch", async () => {
  const main = await epochBatches(0, 1);
  const threaded = await epochBatches(2, 3);
  assert.equal(
    main.out.map((b) => [b.index, b.of, b.n]),
    [
      [0, 5, 10],
      [1, 5, 10],
      [2, 5, 10],
      [3, 5, 10],
      [4, 5, 2],
    ],
  );
  for (let i = 0; i < main.out.length; i++) {
    assert.equal(threaded.out[i]!.y, main.out[i]!.y, `labels of batch ${i}`);
    assert.equal(threaded.out[i]!.x, main.out[i]!.x, `pixels of batch ${i}`);
  }
  assert.equal(
    threaded.resumed.map((b) => b.index),
    [3, 4],
  );
  assert.equal(threaded.resumed[0]!.x, main.out[3]!.x);
});

test("a closed loader fails pending and later requests instead of hanging", async () => {
  const loader = new DataLoader({ samples: builtinDataset("builtin:64").samples, size: SIZE, preprocessing: PRE }, 1, 2);
  await loader.close();
  const stream = loader.epoch({ order: Int32Array.from({ length: 64 }, (_, i) => i), batchSize: 8, train: false, epoch: 1, seed: 1 });
  await stream.next().then(
    () => assert.unreachable("a batch from a closed loader"),
    (e: Error) => assert.match(e.message, /closed/),
  );
});

test("closing the loader while its worker has batches in the making keeps the process alive until it is closed", () => {
  // Its own process: the failure was the event loop running dry, which exited the process with 0.
  const r = spawnSync(process.execPath, ["--import", "tsx", join(FIXTURES, "runtime", "close-mid-epoch.ts")], { encoding: "utf8" });
  assert.is(r.stderr, "");
  assert.is(r.stdout, "caught: the step failed\nclosed\n");
  assert.is(r.status, 0);
});

test.run();
