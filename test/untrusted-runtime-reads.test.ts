/**
 * What the runtime reads and did not write itself is untrusted (issue 14 items 8, 9, 15, 16, 20):
 * a truncated, empty or missing weights.bin / optimizer.bin / model.json, weight paths leading out
 * of the checkpoint folder, state.json fields that would allocate gigabytes or predict nothing, a
 * FIFO or device where an image should be, and a class folder's symlink to its parent. Each is a
 * clear error or a skipped file, never exit 70, a hang or an unbounded read.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeFile, UnreadableImage } from "../src/runtime/decode.js";
import { scanImageFolder } from "../src/runtime/dataset.js";
import { readBoundedSync, ReadRefused } from "../src/runtime/bounded-read.js";
import { main as trainMain } from "../generated/alexnet_mini/train.js";
import { main as predictMain } from "../generated/alexnet_mini/predict.js";
import { FIXTURES } from "./support.js";

const IMAGES = join(FIXTURES, "images");
const dir = mkdtempSync(join(tmpdir(), "alexc-untrusted-reads-"));
const RUN = join(dir, "run");
const IMAGE = join(IMAGES, "faces", "grin.jpg");
test.after(() => rmSync(dir, { recursive: true, force: true }));

const mkfifo = (path: string): void => void execFileSync("mkfifo", [path]);

/** A copy of the run's last/ checkpoint with `damage` done to it. */
function damaged(name: string, damage: (ckpt: string) => void): string {
  const ckpt = join(dir, name);
  cpSync(join(RUN, "last"), ckpt, { recursive: true });
  damage(ckpt);
  return ckpt;
}

async function refusal(run: () => Promise<unknown>): Promise<string> {
  const started = performance.now();
  try {
    await run();
  } catch (e) {
    // By name: generated code reaches the built runtime (dist/), this file the source one.
    assert.is((e as Error).name, "AlexcRuntimeError", `an AlexcRuntimeError (exit 2), not ${(e as Error).stack}`);
    assert.ok(performance.now() - started < 10_000, "refused without hanging");
    return (e as Error).message;
  }
  assert.unreachable("refused");
  return "";
}

test.before(async () => {
  await trainMain([
    "--data",
    "builtin:32",
    "--val-split",
    "0",
    "--epochs",
    "1",
    "--batch",
    "16",
    "--seed",
    "1",
    "--workers",
    "0",
    "--quiet",
    "--backend",
    "wasm",
    "--out",
    RUN,
  ]);
});

const predictWith = (ckpt: string) => () => predictMain([IMAGE, "--checkpoint", ckpt, "--backend", "wasm"]);

test("damaged weights.bin, model.json or state.json: one clear error naming the file", async () => {
  const cases: Array<[string, (c: string) => void, RegExp]> = [
    [
      "truncated weights.bin",
      (c) => truncateSync(join(c, "weights.bin"), 1000),
      /weights\.bin: not a usable checkpoint: 1000 bytes, but .*model\.json describes 817568: the file is truncated/,
    ],
    [
      "empty weights.bin",
      (c) => truncateSync(join(c, "weights.bin"), 0),
      /weights\.bin: not a usable checkpoint: 0 bytes, but .*model\.json describes \d+/,
    ],
    ["missing weights.bin", (c) => rmSync(join(c, "weights.bin")), /weights\.bin: not a usable checkpoint: no such file/],
    ["empty model.json", (c) => writeFileSync(join(c, "model.json"), ""), /model\.json: not a usable checkpoint: the file is empty/],
    [
      "truncated model.json",
      (c) => truncateSync(join(c, "model.json"), 200),
      /model\.json: not a usable checkpoint: not valid JSON .*truncated/,
    ],
    ["missing model.json", (c) => rmSync(join(c, "model.json")), /model\.json: not a usable checkpoint: no such file/],
    [
      "a weight path out of the folder",
      (c) =>
        writeFileSync(
          join(c, "model.json"),
          readFileSync(join(c, "model.json"), "utf8").replace('"./weights.bin"', '"../../../../etc/passwd"'),
        ),
      /the weight path "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" leaves the checkpoint folder/,
    ],
    [
      "a huge inputShape",
      (c) => editState(c, (s) => (s.inputShape = [100000, 100000, 3])),
      /inputShape must be \[height, width, channels\] with sides 1–8192/,
    ],
    ["no classes", (c) => editState(c, (s) => (s.classes = [])), /classes must be a list of 1 to 100000 class names/],
    [
      "state.json a FIFO",
      (c) => (rmSync(join(c, "state.json")), mkfifo(join(c, "state.json"))),
      /state\.json: not a usable checkpoint: not a regular file \(a FIFO \(named pipe\)\)/,
    ],
  ];
  for (const [name, damage, want] of cases) {
    const message = await refusal(predictWith(damaged(name.replace(/\W+/g, "-"), damage)));
    assert.match(message, want, name);
  }
});

function editState(ckpt: string, edit: (s: Record<string, unknown>) => void): void {
  const path = join(ckpt, "state.json");
  const s = JSON.parse(readFileSync(path, "utf8"));
  edit(s);
  writeFileSync(path, JSON.stringify(s));
}

test("--resume with a truncated optimizer.bin: a clear error before training", async () => {
  const out = join(dir, "resume-truncated");
  cpSync(RUN, out, { recursive: true });
  truncateSync(join(out, "last", "optimizer.bin"), 10);
  const message = await refusal(() =>
    trainMain(["--resume", "--out", out, "--epochs", "2", "--workers", "0", "--quiet", "--backend", "wasm"]),
  );
  assert.match(message, /optimizer\.bin: not a usable checkpoint: 10 bytes, but .*optimizer\.json describes \d+/);
});

test("a FIFO or a device where an image should be: refused at once, never read", async () => {
  const fifo = join(dir, "pipe.jpg");
  mkfifo(fifo);
  const zero = join(dir, "zero.jpg");
  symlinkSync("/dev/zero", zero);
  for (const [path, why] of [
    [fifo, /not a regular file \(a FIFO/],
    [zero, /not a regular file \(a device\)/],
  ] as const) {
    const started = performance.now();
    const e = await decodeFile(path, { width: 32, height: 32, channels: 3 }, (w, h) => ({
      box: { left: 0, top: 0, width: w, height: h },
      flip: false,
    })).catch((x: unknown) => x);
    assert.ok(e instanceof UnreadableImage, String(e));
    assert.match((e as Error).message, why);
    assert.ok(performance.now() - started < 2000);
  }
  assert.throws(
    () => readBoundedSync(IMAGE, 100),
    (e: unknown) => e instanceof ReadRefused && /over the limit of 100 bytes/.test((e as Error).message),
  );
  const message = await refusal(() => predictMain([fifo, "--checkpoint", RUN, "--backend", "wasm"]));
  assert.match(message, /pipe\.jpg: not a regular file or folder/);
});

test("a data folder with a FIFO named *.jpg: skipped with a warning, training runs", async () => {
  const data = join(dir, "fifo-data");
  for (const cls of ["faces", "hearts"]) {
    mkdirSync(join(data, cls), { recursive: true });
    copyFileSync(join(IMAGES, cls, cls === "faces" ? "grin.jpg" : "blue_heart.png"), join(data, cls, cls === "faces" ? "a.jpg" : "a.png"));
  }
  mkfifo(join(data, "hearts", "stuck.jpg"));
  const warned: string[] = [];
  const original = console.error;
  console.error = (m: string) => warned.push(m);
  try {
    const found = scanImageFolder(data);
    assert.equal(
      found.samples.map((s) => ("path" in s ? s.path.slice(data.length) : "")),
      ["/faces/a.jpg", "/hearts/a.png"],
    );
  } finally {
    console.error = original;
  }
  assert.match(warned.join("\n"), /skipping .*hearts\/stuck\.jpg: not a regular file/);
  const r = await trainMain([
    "--data",
    data,
    "--val-split",
    "0",
    "--epochs",
    "1",
    "--batch",
    "2",
    "--workers",
    "1",
    "--quiet",
    "--backend",
    "wasm",
    "--out",
    join(dir, "fifo-run"),
  ]);
  assert.is(r?.history.length, 1);
});

test("a symlink from a class folder to the data folder, above it or into another class pulls no other class in", () => {
  const data = join(dir, "linked");
  for (const cls of ["circle", "square"]) {
    mkdirSync(join(data, cls), { recursive: true });
    copyFileSync(IMAGE, join(data, cls, `${cls}.jpg`));
  }
  symlinkSync("..", join(data, "circle", "up"));
  symlinkSync("../..", join(data, "circle", "way-up"));
  symlinkSync(join(data, "square"), join(data, "circle", "squares"));
  const warned: string[] = [];
  const original = console.error;
  console.error = (m: string) => warned.push(m);
  try {
    const found = scanImageFolder(data);
    assert.equal(
      found.samples.map((s) => [s.label, "path" in s ? s.path.slice(data.length) : ""]),
      [
        [0, "/circle/circle.jpg"],
        [1, "/square/square.jpg"],
      ],
    );
  } finally {
    console.error = original;
  }
  assert.is(warned.length, 3, warned.join("\n"));
  assert.match(warned.join("\n"), /circle\/squares: it leads to .*square, another class folder/);
  assert.match(warned.join("\n"), /circle\/up: (a symlink loop|it leads to .*, the data folder or above it)/);
});

test.run();
