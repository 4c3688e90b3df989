/**
 * The trainer treats image files as untrusted: a decompression bomb (a PNG declaring huge
 * dimensions), a truncated or fake image, and symlink loops or broken links in the data folder are
 * each reported and skipped, never a crash or a hang.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { decodeFile, MAX_INPUT_PIXELS, UnreadableImage } from "../src/runtime/decode.js";
import { imagesUnder, scanImageFolder } from "../src/runtime/dataset.js";

const SIZE = { width: 32, height: 32, channels: 3 };
const whole = (w: number, h: number) => ({ box: { left: 0, top: 0, width: w, height: h }, flip: false });

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

/** A 75-byte PNG that declares 100,000 × 100,000 RGB pixels (30 GB decoded). */
function pngBomb(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const temp = (): string => mkdtempSync(join(tmpdir(), "alexc-untrusted-"));

test("a PNG bomb is refused before decoding, naming the file and the limit", async () => {
  const dir = temp();
  try {
    const path = join(dir, "bomb.png");
    writeFileSync(path, pngBomb());
    const before = process.memoryUsage().rss;
    const error = await decodeFile(path, SIZE, whole).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(error, UnreadableImage);
    assert.match((error as Error).message, /bomb\.png: not a readable JPEG or PNG image/);
    assert.match((error as Error).message, /pixel|limit/i);
    assert.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024, "nothing near the declared size was allocated");
    assert.ok(MAX_INPUT_PIXELS < 100_000 * 100_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an image just inside the limit still decodes", async () => {
  const dir = temp();
  try {
    const path = join(dir, "wide.png");
    writeFileSync(
      path,
      await sharp({ create: { width: 4000, height: 20, channels: 3, background: "#808080" } })
        .png()
        .toBuffer(),
    );
    const pixels = await decodeFile(path, SIZE, whole);
    assert.is(pixels.length, 32 * 32 * 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a symlink loop and a broken link in the data folder are skipped with a warning, not followed forever", async () => {
  const dir = temp();
  try {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } })
      .png()
      .toBuffer();
    for (const c of ["cats", "dogs"]) {
      mkdirSync(join(dir, c));
      writeFileSync(join(dir, c, "a.png"), png);
    }
    symlinkSync(join(dir, "cats"), join(dir, "cats", "loop"));
    symlinkSync(dir, join(dir, "dogs", "up"));
    symlinkSync(join(dir, "nowhere"), join(dir, "dogs", "broken"));
    symlinkSync(join(dir, "self"), join(dir, "self"));
    const warnings: string[] = [];
    const images = imagesUnder(join(dir, "cats"), (m) => warnings.push(m));
    assert.equal(images, [join(dir, "cats", "a.png")]);
    assert.match(warnings.join("\n"), /symlink loop/);
    const dogs: string[] = [];
    const found = imagesUnder(join(dir, "dogs"), (m) => dogs.push(m));
    assert.ok(found.includes(join(dir, "dogs", "a.png")));
    assert.match(dogs.join("\n"), /broken or looping symlink/);
    const set = scanImageFolder(dir);
    assert.equal(set.classes, ["cats", "dogs"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
