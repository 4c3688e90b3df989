/**
 * The generated training and prediction programs, run as a user runs them (a child process per
 * run, real files, the wasm backend): learning on the built-in set and on real JPEG/PNG images,
 * reproducibility, kill + --resume, Ctrl-C, refusals, data errors and an unreadable image.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, FIXTURES, ROOT } from "./support.js";

const IMAGES = join(FIXTURES, "images");
const MINI = join(ROOT, "generated", "alexnet_mini");
/** A compile of the mini spec for the three image classes; inside the package so it resolves alexc/runtime. */
const MINI3_ROOT = join(ROOT, "tmp", `train-test-${process.pid}`);
const MINI3 = join(MINI3_ROOT, "alexnet_mini");
const runs = mkdtempSync(join(tmpdir(), "alexc-train-"));

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const env = { ...process.env, ALEXC_BACKEND: "wasm", NO_COLOR: "1" };

/** Runs `program` (a generated .ts file) with tsx, as `npx tsx program args` does. */
function run(
  program: string,
  args: string[],
  hooks: { onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", program, ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      hooks.onStdout?.(stdout, child);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

interface Row {
  epoch: number;
  train_loss: number;
  train_accuracy: number;
  val_loss: number;
  val_accuracy: number;
}

function metrics(out: string): Row[] {
  const [header, ...lines] = readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n");
  const keys = header!.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v === "" ? NaN : Number(v)])) as unknown as Row);
}

const state = (dir: string): { epoch: number; position?: { batches: number }; classes: string[] } =>
  JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));

function assertOk(r: Run): void {
  assert.is(r.status, 0, `exit ${r.status} ${r.signal ?? ""}\n${r.stdout}\n${r.stderr}`);
}

function assertRefused(r: Run, message: RegExp): void {
  assert.is(r.status, 2, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, message);
  assert.not.match(r.stderr, /\n\s+at /, "no stack trace");
}

/**
 * A run several tests read: started by the first that needs it, whichever that is, and shared by
 * the rest (each training process costs seconds of CPU before it even starts training).
 */
function shared<T>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => (started ??= start());
}

/** Arguments of the runs on the real images; the kill + --resume test repeats this run's epochs 2 and 3. */
const IMAGE_ARGS = ["--data", IMAGES, "--val-split", "0.25", "--epochs", "3", "--batch", "2", "--lr", "0.0003", "--seed", "2"];
const imagesOut = join(runs, "images");
/** Three epochs on the real images, uninterrupted: learning, the class map, predict's checkpoint, the resume's reference. */
const imagesRun = shared(() => run(join(MINI3, "train.ts"), [...IMAGE_ARGS, "--out", imagesOut]));

/**
 * The real images plus one that is not an image, without validation: two runs with one seed (the
 * second not --quiet) and one with another. The reproducibility test compares all three; the
 * unreadable-image test reads the second.
 */
const unreadableRuns = shared(async () => {
  const data = join(runs, "with-corrupt");
  for (const cls of ["faces", "hearts", "keycaps"]) {
    mkdirSync(join(data, cls), { recursive: true });
    for (const f of readdirSync(join(IMAGES, cls))) copyFileSync(join(IMAGES, cls, f), join(data, cls, f));
  }
  writeFileSync(join(data, "hearts", "broken.jpg"), "this is not a JPEG");
  const args = (seed: string, out: string): string[] => [
    "--data",
    data,
    "--val-split",
    "0",
    "--epochs",
    "2",
    "--batch",
    "8",
    "--seed",
    seed,
    "--out",
    join(runs, out),
  ];
  const [quiet, twin, otherSeed] = await Promise.all([
    run(join(MINI3, "train.ts"), [...args("1", "seed-a"), "--quiet"]),
    run(join(MINI3, "train.ts"), args("1", "seed-b")),
    run(join(MINI3, "train.ts"), [...args("6", "seed-c"), "--quiet"]),
  ]);
  return { quiet, twin, otherSeed };
});

test.before(() => {
  const r = spawnSync(process.execPath, [CLI, "compile", "specs/alexnet-mini.anet", "--set", "num_classes=3", "-o", MINI3_ROOT], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.is(r.status, 0, r.stderr);
});

test.after(() => {
  rmSync(MINI3_ROOT, { recursive: true, force: true });
  rmSync(runs, { recursive: true, force: true });
});

test("the mini spec learns the built-in shapes: 2 epochs, validation accuracy ≥ 2× chance, the loss falls", async () => {
  const out = join(runs, "builtin");
  const r = await run(join(MINI, "train.ts"), ["--data", "builtin", "--epochs", "2", "--seed", "3", "--out", out]);
  assertOk(r);
  const rows = metrics(out);
  assert.equal(
    rows.map((x) => x.epoch),
    [1, 2],
  );
  assert.ok(rows[1]!.val_accuracy >= 2 / 8, `validation accuracy ${rows[1]!.val_accuracy} (chance 1/8)`);
  assert.ok(rows[1]!.train_loss < rows[0]!.train_loss && rows[1]!.val_loss < rows[0]!.val_loss, `losses ${JSON.stringify(rows)}`);
  assert.match(r.stdout, /data builtin:3000: 8 classes, 2,696 training images, 304 validation/);
  assert.match(r.stdout, /^epoch 2\/2: loss [\d.]+ acc [\d.]+% \| val loss [\d.]+ acc [\d.]+% \| [\d.]+ img\/s/m);
  assert.match(r.stderr, /alexc: backend wasm/);
  for (const f of [
    "class_indices.json",
    "metrics.csv",
    "metrics.svg",
    "last/model.json",
    "last/weights.bin",
    "last/optimizer.bin",
    "best/state.json",
  ])
    assert.ok(existsSync(join(out, f)), f);
  assert.is(JSON.parse(readFileSync(join(out, "class_indices.json"), "utf8"))["7"], "diamond");
});

test("real JPEG and PNG images: the class map, --val-split, and accuracy ≥ 2× chance after 2 epochs", async () => {
  const out = imagesOut;
  const r = await imagesRun();
  assertOk(r);
  assert.match(r.stdout, /3 classes, 30 training images, 12 validation \(25% of each class held out\)/);
  assert.match(r.stdout, /adam\(lr=0\.0003, /);
  assert.is(readFileSync(join(out, "class_indices.json"), "utf8"), '{\n    "0": "faces",\n    "1": "hearts",\n    "2": "keycaps"\n}\n');
  const rows = metrics(out);
  assert.ok(rows[1]!.val_accuracy >= 2 / 3, `validation accuracy ${rows[1]!.val_accuracy} (chance 1/3)`);
  assert.ok(rows[1]!.train_loss < rows[0]!.train_loss, `losses ${JSON.stringify(rows)}`);
});

test("predict.ts names a class from the map for a training image, and for every image of a folder", async () => {
  const out = imagesOut;
  assertOk(await imagesRun());
  const one = await run(join(MINI3, "predict.ts"), [join(IMAGES, "faces", "grinning.jpg"), "--checkpoint", out, "--json"]);
  assertOk(one);
  const classes = ["faces", "hearts", "keycaps"];
  const answer = JSON.parse(one.stdout.trim()) as {
    image: string;
    predictions: Array<{ class: string; index: number; probability: number }>;
  };
  assert.is(answer.predictions.length, 3);
  assert.ok(classes.includes(answer.predictions[0]!.class));
  assert.is(classes[answer.predictions[0]!.index], answer.predictions[0]!.class);
  const total = answer.predictions.reduce((s, p) => s + p.probability, 0);
  assert.ok(Math.abs(total - 1) < 1e-4, `probabilities sum to ${total}`);
  assert.ok(
    answer.predictions.every((p, i, all) => i === 0 || all[i - 1]!.probability >= p.probability),
    "most probable first",
  );
  const folder = await run(join(MINI3, "predict.ts"), [join(IMAGES, "hearts"), "--checkpoint", join(out, "best"), "--top", "2"]);
  assertOk(folder);
  const blocks = folder.stdout.trim().split(/\n(?=\S)/);
  assert.is(blocks.length, readdirSync(join(IMAGES, "hearts")).length);
  assert.match(blocks[0]!, /^.*hearts\/blue_heart\.png\n   1\. (faces|hearts|keycaps) +\d+\.\d%\n   2\. (faces|hearts|keycaps) +\d+\.\d%$/);
});

test("the same --seed repeats a run exactly on the same backend; another seed does not", async () => {
  const { quiet, twin, otherSeed } = await unreadableRuns();
  for (const r of [quiet, twin, otherSeed]) assertOk(r);
  const key = (out: string): string =>
    JSON.stringify(
      metrics(out).map(({ epoch, train_loss, train_accuracy, val_loss, val_accuracy }) => [
        epoch,
        train_loss,
        train_accuracy,
        val_loss,
        val_accuracy,
      ]),
    );
  assert.is(key(join(runs, "seed-b")), key(join(runs, "seed-a")));
  assert.ok(
    readFileSync(join(runs, "seed-a", "last", "weights.bin")).equals(readFileSync(join(runs, "seed-b", "last", "weights.bin"))),
    "identical weights",
  );
  assert.is.not(key(join(runs, "seed-c")), key(join(runs, "seed-a")));
  assert.is(quiet.stdout, "", "--quiet prints nothing on stdout");
});

test("killed after epoch 1, --resume continues at epoch 2 from the checkpoint's weights and class map", async () => {
  const killed = join(runs, "killed");
  const [reference, first] = await Promise.all([
    imagesRun(),
    run(join(MINI3, "train.ts"), [...IMAGE_ARGS, "--out", killed], {
      onStdout: (text, child) => {
        if (/^epoch 1\/3:/m.test(text)) child.kill("SIGKILL");
      },
    }),
  ]);
  assertOk(reference);
  assert.is(first.signal, "SIGKILL");
  assert.is(state(join(killed, "last")).epoch, 1);
  const classMap = readFileSync(join(killed, "class_indices.json"), "utf8");

  const resumed = await run(join(MINI3, "train.ts"), ["--resume", "--out", killed]);
  assertOk(resumed);
  assert.match(resumed.stdout, /resuming .*killed\/last: 1 epoch done/);
  assert.not.match(resumed.stdout, /^epoch 1\/3/m);
  assert.match(resumed.stdout, /^epoch 2\/3:/m);
  assert.is(readFileSync(join(killed, "class_indices.json"), "utf8"), classMap);
  const got = metrics(killed);
  const want = metrics(imagesOut);
  assert.equal(
    got.map((r) => r.epoch),
    [1, 2, 3],
  );
  // Same data order, weights and optimizer state as the uninterrupted run: the same numbers. A
  // restart from fresh weights would repeat epoch 1's loss (about 1) instead.
  // tfjs's Adam rebuilds its bias-correction powers as beta^t on restore, where the uninterrupted run
  // multiplied them step by step: float32 rounding that grows slowly, ~1e-3 relative by epoch 3.
  for (const i of [1, 2]) {
    const close = (a: number, b: number) => Math.abs(a - b) <= 2e-3 * Math.max(1, Math.abs(b));
    assert.ok(close(got[i]!.train_loss, want[i]!.train_loss), `epoch ${i + 1}: ${got[i]!.train_loss} vs ${want[i]!.train_loss}`);
    assert.ok(close(got[i]!.val_loss, want[i]!.val_loss), `epoch ${i + 1}: ${got[i]!.val_loss} vs ${want[i]!.val_loss}`);
  }
  assert.ok(got[1]!.train_loss < got[0]!.train_loss - 0.1, "epoch 2 starts from trained weights");
  assert.is(state(join(killed, "last")).epoch, 3);

  const again = await run(join(MINI3, "train.ts"), ["--resume", "--out", killed]);
  assertOk(again);
  assert.match(again.stdout, /nothing to do: .* has finished epoch 3 of 3; pass --epochs N with N > 3/);
});

test("a run folder is protected, and a checkpoint from another spec or other classes is refused", async () => {
  // The finished run on the real images: three epochs, made from alexnet_mini.
  assertOk(await imagesRun());
  const trained = imagesOut;
  const renamed = join(runs, "other-classes");
  for (const cls of ["faces", "hearts", "smileys"]) {
    mkdirSync(join(renamed, cls), { recursive: true });
    copyFileSync(join(IMAGES, "faces", "grin.jpg"), join(renamed, cls, "grin.jpg"));
  }
  const [fresh, otherSpec, otherClasses, noCheckpoint] = await Promise.all([
    run(join(MINI3, "train.ts"), ["--data", IMAGES, "--out", trained]),
    run(join(ROOT, "generated", "alexnet_table", "train.ts"), ["--resume", "--out", trained]),
    run(join(MINI3, "train.ts"), ["--resume", "--out", trained, "--data", join(runs, "other-classes")]),
    run(join(MINI3, "train.ts"), ["--resume", "--out", join(runs, "never")]),
  ]);
  assertRefused(fresh, /already holds a run \(checkpoint after epoch 3\): pass --resume to continue it, --overwrite to start over/);
  assertRefused(
    otherSpec,
    /images\/last was made from a different spec \(model alexnet_mini, spec-hash [0-9a-f]{12}…; this program was generated for alexnet_table, spec-hash [0-9a-f]{12}…\)/,
  );
  assertRefused(
    otherClasses,
    /the classes of --data .*other-classes \(faces, hearts, smileys\) differ from the checkpoint's \(faces, hearts, keycaps\)/,
  );
  assertRefused(noCheckpoint, /--resume: .*never holds no checkpoint to resume/);
});

// Ctrl-C, SIGTERM and --resume inside an epoch: test/interrupt.test.ts (every launcher) and
// test/user-project.test.ts (an installed package).

test("an unreadable image is reported once with its path and skipped; training goes on", async () => {
  const { twin: r } = await unreadableRuns();
  assertOk(r);
  const reports = r.stderr.split("\n").filter((l) => l.includes("broken.jpg"));
  assert.is(reports.length, 1, r.stderr);
  assert.match(reports[0]!, /^alexc: skipping .*hearts\/broken\.jpg: not a readable JPEG or PNG image \(/);
  assert.equal(
    metrics(join(runs, "seed-b")).map((x) => x.epoch),
    [1, 2],
  );
  assert.match(r.stdout, /43 training images, no validation/);
});

/**
 * One refusal of each kind a real process must turn into one line and exit 2: an option, the data
 * folder, the data against the model, the backend. Every message itself is tested in-process:
 * test/run-plan.test.ts (options, data against model) and test/data-pipeline.test.ts (folders).
 */
const problems: Array<[string, (dir: string) => string[], RegExp]> = [
  ["a missing --data folder", (dir) => ["--data", join(dir, "nope")], /^alexc: --data .*nope: no such folder\n$/],
  ["a misspelt option", () => ["--data", "builtin", "--epoch", "3"], /unknown option --epoch \(did you mean --epochs\?\)/],
  [
    "more classes than outputs",
    () => ["--data", "builtin"],
    /--data builtin has 8 classes, but alexnet_mini outputs 3 scores: recompile the spec for 8 classes \(e\.g\. alexc compile <spec> --set num_classes=8\)/,
  ],
  [
    "a GPU that is not there",
    () => ["--data", IMAGES, "--backend", "gpu"],
    /backend 'gpu' was requested but @tensorflow\/tfjs-node-gpu could not be loaded .*npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/,
  ],
];

test("bad data and bad options: one clear line each, exit 2, before any training", async () => {
  const dir = join(runs, "problems");
  mkdirSync(dir, { recursive: true });
  const results = await Promise.all(problems.map(([, make]) => run(join(MINI3, "train.ts"), [...make(dir), "--out", join(dir, "out")])));
  results.forEach((r, i) => assertRefused(r, problems[i]![2]));
});

test("--help of train.ts and predict.ts lists the options with examples; train.ts run through a symlinked folder still runs (it used to exit silently)", async () => {
  // train.ts is run through the link only: run directly, it is every other test's program.
  const linked = mkdtempSync(join(tmpdir(), "alexc-link-"));
  symlinkSync(join(ROOT, "generated"), join(linked, "generated"));
  try {
    const [t, p] = await Promise.all([
      run(join(linked, "generated", "alexnet_mini", "train.ts"), ["--help"]),
      run(join(MINI, "predict.ts"), ["-h"]),
    ]);
    assertOk(t);
    assertOk(p);
    for (const option of ["--data DIR|builtin[:N]", "--val-split F", "--resume", "--backend NAME", "--seed N", "Examples:"])
      assert.ok(t.stdout.includes(option), `${option}\n${t.stdout}`);
    for (const option of ["--checkpoint DIR", "--top K", "--json", "Examples:"]) assert.ok(p.stdout.includes(option), option);
  } finally {
    rmSync(linked, { recursive: true, force: true });
  }
});

test.run();
