/**
 * The run folder: one training at a time (a lock naming its owner; a stale lock of a killed run is
 * taken over), temp folders of killed runs removed, and best/ repaired when a kill fell between
 * the save of last/ and the copy to best/ (issue 14 items 1, 2 and 17).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support.js";

const PROGRAM = join(ROOT, "generated", "alexnet_mini", "train.ts");
const runs = mkdtempSync(join(tmpdir(), "alexc-run-folder-"));
test.after(() => rmSync(runs, { recursive: true, force: true }));
const ARGS = ["--data", "builtin:64", "--val-split", "0.25", "--batch", "16", "--seed", "3", "--workers", "0", "--backend", "wasm"];

interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function train(args: string[], env: Record<string, string> = {}, onStdout?: (text: string, child: ChildProcess) => void): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", PROGRAM, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => ((stdout += d.toString()), onStdout?.(stdout, child)));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

const stateOf = (dir: string): { epoch: number; best?: { epoch: number } } => JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));

test("a second training into a run folder in use is refused with the owner's pid; the first finishes alone", async () => {
  const out = join(runs, "shared");
  let second: Promise<Exit> | undefined;
  // The first run holds the lock once it says `writing`; it is stopped there (SIGSTOP) until the
  // second has been answered, so it is still in use however fast the machine, without training
  // through the second's start-up (2–3 s) to make sure of it.
  const first = await train([...ARGS, "--epochs", "2", "--out", out], {}, (text, child) => {
    if (second || !/^writing /m.test(text)) return;
    child.kill("SIGSTOP");
    second = train([...ARGS, "--epochs", "1", "--out", out, "--overwrite"]).finally(() => child.kill("SIGCONT"));
  });
  const refused = await second!;
  assert.is(first.status, 0, first.stderr);
  assert.is(refused.status, 2, refused.stdout + refused.stderr);
  assert.match(
    refused.stderr,
    /^alexc: .*shared is in use by another training \(pid \d+ on .*, since .*\): wait for it to end or stop it, or choose another --out\. If no such training runs, delete .*\.alexc-lock\.\n$/,
  );
  assert.equal(
    readFileSync(join(out, "metrics.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",")[0]),
    ["1", "2"],
  );
  assert.not.ok(existsSync(join(out, ".alexc-lock")), "lock released");
});

/** What a killed run may leave beside a stale lock: a half-written checkpoint folder and file. */
function leaveTemps(out: string): void {
  mkdirSync(join(out, ".last.424242.tmp"), { recursive: true });
  writeFileSync(join(out, ".last.424242.tmp", "weights.bin"), Buffer.alloc(1 << 20));
  writeFileSync(join(out, "metrics.csv.424242.tmp"), "half");
}

/** A run folder once its training has ended: no lock, no temp files. */
const CLEAN = ["best", "class_indices.json", "last", "metrics.csv", "metrics.svg"];

// The stale locks and temp folders of killed runs are cleared by the next start: the two tests below
// start their second training on them, rather than training again for this alone.

test("killed between the save of last/ and the copy to best/: the next start copies best/ again, takes over the lock of the dead run and removes its temp folders", async () => {
  const out = join(runs, "best-copy");
  const killed = await train([...ARGS, "--epochs", "1", "--out", out], { ALEXC_FAULT: "best:before-copy:1" });
  assert.is(killed.signal, "SIGKILL");
  assert.is(stateOf(join(out, "last")).best?.epoch, 1);
  assert.not.ok(existsSync(join(out, "best")), "the kill left no best/");
  // A stale lock whose pid is dead: the killed run's own.
  const lock = JSON.parse(readFileSync(join(out, ".alexc-lock"), "utf8")) as { pid: number };
  assert.throws(() => process.kill(lock.pid, 0), /ESRCH/, `pid ${lock.pid} of the killed run is gone`);
  leaveTemps(out);
  const resumed = await train(["--resume", "--out", out, "--epochs", "1", "--backend", "wasm"]);
  assert.is(resumed.status, 0, resumed.stderr);
  assert.equal(readdirSync(out).sort(), CLEAN);
  assert.match(
    resumed.stderr,
    /best did not hold epoch 1, the best so far \(a run was stopped while copying it\): copied again from .*last/,
  );
  assert.is(stateOf(join(out, "best")).epoch, 1);
});

test("a full disk while saving a checkpoint: one line, exit 74, the previous checkpoint intact; the next start clears the temp and resumes, taking over a lock whose pid now names another process", async () => {
  const out = join(runs, "disk-full");
  // The first save (epoch 1) succeeds, the second fails with ENOSPC after its temp folder is written.
  const failed = await train([...ARGS, "--epochs", "2", "--out", out], { ALEXC_FAULT: "save:temp-written:2:enospc" });
  assert.is(failed.status, 74, failed.stderr);
  assert.match(failed.stderr, /^alexc: ENOSPC: no space left on device, write .*; nothing half-written replaced a complete file/m);
  assert.not.match(failed.stderr, /internal error|\n\s+at /);
  assert.is(stateOf(join(out, "last")).epoch, 1);
  assert.ok(
    readdirSync(out).some((n) => /^\.last\.\d+\.tmp$/.test(n)),
    "the half-written save is left for the next start",
  );
  // A stale lock whose pid is alive but started at another time: the pid was reused (here: this test's).
  writeFileSync(
    join(out, ".alexc-lock"),
    JSON.stringify({ pid: process.pid, start: "1", host: hostname(), since: "2026-01-01T00:00:00.000Z" }),
  );
  const resumed = await train(["--resume", "--out", out, "--epochs", "2", "--backend", "wasm"]);
  assert.is(resumed.status, 0, resumed.stderr);
  assert.is(stateOf(join(out, "last")).epoch, 2);
  assert.equal(readdirSync(out).sort(), CLEAN);
});

test.run();
