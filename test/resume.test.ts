/**
 * A resumed run agrees with an uninterrupted one to about six decimals, over five epochs: resumed
 * at an epoch boundary after epoch 3, and from a Ctrl-C inside epoch 4. Everything a step depends
 * on must come back: weights, optimizer slots and step count, Adam's bias-correction products,
 * the shuffle, augmentation and dropout streams, and the list of unreadable images.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT, specText, importTs } from "./support.js";

const runs = mkdtempSync(join(tmpdir(), "alexc-resume-"));
/** The mini spec with dropout (the seed's layout), compiled inside the package so it resolves alexc/runtime. */
const GEN_ROOT = join(ROOT, "tmp", `resume-test-${process.pid}`);
let main: (args: string[]) => Promise<{ interrupted: boolean } | undefined>;

test.before(async () => {
  mkdirSync(GEN_ROOT, { recursive: true });
  const spec = join(GEN_ROOT, "mini-dropout.anet");
  writeFileSync(
    spec,
    specText("alexnet-mini.anet")
      .replace("model alexnet_mini", "model mini_dropout")
      .replace("dense(32*3*3 -> 256)", "dropout(0.3)\n    dense(32*3*3 -> 256)")
      .replace("dense(256 -> 256)", "dropout(0.3)\n    dense(256 -> 256)"),
  );
  const r = spawnSync(process.execPath, [CLI, "compile", spec, "-o", GEN_ROOT], { cwd: ROOT, encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  ({ main } = await importTs<{ main: typeof main }>(join(GEN_ROOT, "mini_dropout", "train.ts")));
});

test.after(() => {
  rmSync(runs, { recursive: true, force: true });
  rmSync(GEN_ROOT, { recursive: true, force: true });
});

// 144 training images: 18 steps an epoch, so the Ctrl-C below lands well inside epoch 4 and the
// fifteen epochs the three runs train stay short.
const BASE = ["--data", "builtin:160", "--batch", "8", "--seed", "11", "--workers", "0", "--quiet", "--backend", "wasm"];

interface Rec {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
}
const history = (out: string): Rec[] => JSON.parse(readFileSync(join(out, "last", "state.json"), "utf8")).history;

function assertAgree(got: Rec[], want: Rec[]): void {
  assert.equal(
    got.map((r) => r.epoch),
    want.map((r) => r.epoch),
  );
  for (const [i, w] of want.entries()) {
    const g = got[i]!;
    for (const key of ["trainLoss", "trainAccuracy", "valLoss"] as const) {
      assert.ok(Math.abs(g[key]! - w[key]!) < 1e-6, `epoch ${w.epoch} ${key}: resumed ${g[key]} vs uninterrupted ${w[key]}`);
    }
  }
}

let whole: Rec[] = [];

test("uninterrupted reference: 5 epochs", async () => {
  const out = join(runs, "whole");
  await main([...BASE, "--epochs", "5", "--out", out]);
  whole = history(out);
  assert.is(whole.length, 5);
});

test("stopped after epoch 3, resumed to epoch 5: the same losses to 6 decimals", async () => {
  const out = join(runs, "boundary");
  await main([...BASE, "--epochs", "3", "--out", out]);
  await main([...BASE.filter((a, i) => a !== "--data" && BASE[i - 1] !== "--data"), "--resume", "--epochs", "5", "--out", out]);
  assertAgree(history(out), whole);
});

test("Ctrl-C inside epoch 4, resumed: the same losses to 6 decimals", async () => {
  const out = join(runs, "mid-epoch");
  // The signal is delivered in-process once epoch 3's checkpoint exists: some batch of epoch 4 (a
  // step here is about 10 ms; the epoch has 18).
  const poll = setInterval(() => {
    const path = join(out, "last", "state.json");
    if (existsSync(path) && JSON.parse(readFileSync(path, "utf8")).epoch === 3) {
      clearInterval(poll);
      setTimeout(() => process.emit("SIGINT", "SIGINT"), 10);
    }
  }, 5);
  const first = await main([...BASE, "--epochs", "5", "--out", out]);
  clearInterval(poll);
  assert.ok(first?.interrupted, "interrupted");
  const saved = JSON.parse(readFileSync(join(out, "last", "state.json"), "utf8"));
  assert.is(saved.epoch, 3);
  assert.ok(saved.position.batches >= 1, JSON.stringify(saved.position));
  await main(["--resume", "--epochs", "5", "--out", out, "--workers", "0", "--quiet", "--backend", "wasm"]);
  assertAgree(history(out), whole);
});

test.run();
