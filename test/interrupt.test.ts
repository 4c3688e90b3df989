/**
 * Ctrl-C and SIGTERM however train.ts was started: the real tsx CLI (`npx tsx train.ts`, which
 * relays signals to its child and SIGKILLs a child that does not answer within 60 ms), plain
 * `node --import tsx`, `timeout -s TERM`, a signal to the process group (a terminal's Ctrl-C,
 * process managers) or to the launcher alone. (`node` on tsc's output takes the same path as
 * `node --import tsx`: no launcher in between.) Each case must leave last/ with the position inside the epoch
 * and exit 130; --resume carries on from the saved batch.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support.js";

const TSX_CLI = join(ROOT, "node_modules", ".bin", "tsx");
const MINI = join(ROOT, "generated", "alexnet_mini", "train.ts");
const SEED = join(ROOT, "generated", "alexnet", "train.ts");
const runs = mkdtempSync(join(tmpdir(), "alexc-interrupt-"));
const env = { ...process.env, ALEXC_BACKEND: "wasm", NO_COLOR: "1" };

test.after(() => rmSync(runs, { recursive: true, force: true }));

interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

type Launch = "tsx-cli" | "node-import" | "timeout";

/**
 * How each launcher starts `program`. `timeout` is not started in a group of its own: it makes one
 * itself, and sends the signal to it as well as to the command. Its duration is only a backstop:
 * the test raises SIGALRM, which is how timeout's own timer expires, once training runs, instead of
 * guessing how long start-up takes (a fixed 7 s fell before training on a loaded machine).
 */
const LAUNCHERS: Record<Launch, { command: string; prefix: string[]; detached: boolean }> = {
  "tsx-cli": { command: TSX_CLI, prefix: [], detached: true },
  "node-import": { command: process.execPath, prefix: ["--import", "tsx"], detached: true },
  timeout: { command: "timeout", prefix: ["--preserve-status", "-s", "TERM", "600", TSX_CLI], detached: false },
};

/**
 * The trainer prints `writing` once its Ctrl-C handling is in place; signals go out this long after,
 * some steps into an epoch that lasts seconds. (A signal before the first step would still save after
 * it: the position is at least 1 batch either way.)
 */
const INTO_THE_EPOCH_MS = 500;

/**
 * Starts `program` in a process group of its own (as a shell does; `timeout` makes its own), waits
 * until `ready` matches its output, then `after` ms later sends `signals` (each [delay ms, signal,
 * to the group or the pid]).
 */
function interrupted(
  launch: Launch,
  program: string,
  args: string[],
  ready: RegExp,
  after: number,
  signals: Array<[number, NodeJS.Signals, "group" | "pid" | "supervisor"]>,
): Promise<Finished> {
  const { command, prefix, detached } = LAUNCHERS[launch];
  return new Promise((resolve) => {
    const child = spawn(command, [...prefix, program, ...args], { cwd: ROOT, env, detached });
    let stdout = "";
    let stderr = "";
    let armed = false;
    const arm = (): void => {
      if (armed || !ready.test(stdout + stderr)) return;
      armed = true;
      for (const [delay, signal, to] of signals) {
        setTimeout(() => {
          try {
            process.kill(to === "group" ? -child.pid! : to === "pid" ? child.pid! : supervisorOf(child.pid!), signal);
          } catch {
            // already gone
          }
        }, after + delay);
      }
    };
    child.stdout.on("data", (d: Buffer) => ((stdout += d.toString()), arm()));
    child.stderr.on("data", (d: Buffer) => ((stderr += d.toString()), arm()));
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** The program tsx's CLI runs as its child: under tsx it supervises the trainer (src/runtime/supervise.ts). */
function supervisorOf(tsxPid: number): number {
  const children = readFileSync(`/proc/${tsxPid}/task/${tsxPid}/children`, "utf8").trim().split(/\s+/).map(Number);
  const supervisor = children.find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("preflight"));
  assert.ok(supervisor, `no child of tsx (${tsxPid}) runs its preflight: ${children.join(" ")}`);
  return supervisor;
}

function finish(program: string, args: string[]): Promise<Finished> {
  return interrupted("node-import", program, args, /^$/, 0, []);
}

const state = (dir: string): { epoch: number; position?: { batches: number } } =>
  JSON.parse(readFileSync(join(dir, "last", "state.json"), "utf8"));

function assertSavedMidEpoch(r: Finished, out: string): number {
  assert.is(r.status, 130, `exit ${r.status} ${r.signal}\n${r.stdout}\n${r.stderr}`);
  return assertSaved(r, out);
}

function assertSaved(r: Finished, out: string): number {
  assert.match(r.stdout, /saved .*last \(0 epochs \+ \d+ batches\); continue with --resume --out/);
  assert.not.match(r.stderr, /quitting without saving/);
  assert.ok(existsSync(join(out, "last", "state.json")), "last/ saved");
  const batches = state(out).position?.batches ?? 0;
  assert.ok(batches >= 1, `position ${batches}`);
  return batches;
}

const MINI_ARGS = ["--data", "builtin:2400", "--epochs", "1", "--batch", "8", "--seed", "5", "--workers", "1"];

test("npx tsx train.ts, Ctrl-C to the process group mid-epoch: last/ saved with the position, exit 130, --resume continues from that batch", async () => {
  const out = join(runs, "tsx-group");
  const r = await interrupted("tsx-cli", MINI, [...MINI_ARGS, "--out", out], /^writing /m, INTO_THE_EPOCH_MS, [[0, "SIGINT", "group"]]);
  const batches = assertSavedMidEpoch(r, out);
  // Two more batches end the epoch (--steps caps it): enough to show where it continued.
  const resumed = await finish(MINI, ["--resume", "--out", out, "--steps", String(batches + 2)]);
  assert.is(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`resuming .*: 0 epochs done, ${batches} batches into epoch 1`));
  assert.is(state(out).epoch, 1);
});

/**
 * A SIGTERM through tsx's relay: the supervisor acknowledges it and the run exits 130, or, when the
 * machine is too loaded for the supervisor to answer within tsx's 30 ms, tsx kills it and exits 143
 * and the trainer saves on its own (the test after these forces that case). Saved either way.
 */
function assertSavedThroughRelay(r: Finished, out: string): void {
  if (r.status === 143) assert.match(r.stderr, /the launching process is gone: stopping as on SIGTERM/, `exit 143\n${r.stderr}`);
  else {
    assert.is(r.status, 130, `exit ${r.status} ${r.signal}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /SIGTERM: stopping after this step to save/);
  }
  assertSaved(r, out);
}

test("npx tsx train.ts, SIGTERM to the tsx process alone (a process manager): saved, exit 130", async () => {
  const out = join(runs, "tsx-pid");
  const r = await interrupted("tsx-cli", MINI, [...MINI_ARGS, "--out", out], /^writing /m, INTO_THE_EPOCH_MS, [[0, "SIGTERM", "pid"]]);
  assertSavedThroughRelay(r, out);
});

test("timeout -s TERM around npx tsx train.ts (it signals the command and its own group): saved, exit 130", async () => {
  const out = join(runs, "timeout");
  const r = await interrupted("timeout", MINI, [...MINI_ARGS, "--out", out], /^writing /m, INTO_THE_EPOCH_MS, [[0, "SIGALRM", "pid"]]);
  assertSavedThroughRelay(r, out);
});

test("tsx gives up on a supervisor that cannot answer (stopped, as on an overloaded machine): tsx exits 143, the trainer still saves", async () => {
  const out = join(runs, "tsx-gave-up");
  const r = await interrupted("tsx-cli", MINI, [...MINI_ARGS, "--out", out], /^writing /m, INTO_THE_EPOCH_MS, [
    [0, "SIGSTOP", "supervisor"],
    [20, "SIGTERM", "pid"],
  ]);
  assert.is(r.status, 143, `exit ${r.status} ${r.signal}\n${r.stderr}`);
  assert.match(r.stderr, /the launching process is gone: stopping as on SIGTERM\n/);
  assert.match(r.stderr, /SIGTERM: stopping after this step to save .*tsx-gave-up/);
  assertSaved(r, out);
});

test("node --import tsx, the group's Ctrl-C plus a relayed copy 20 ms later: one request, saved (not 'quit without saving')", async () => {
  const out = join(runs, "node-dup");
  const r = await interrupted("node-import", MINI, [...MINI_ARGS, "--out", out], /^writing /m, INTO_THE_EPOCH_MS, [
    [0, "SIGINT", "group"],
    [20, "SIGINT", "pid"],
  ]);
  assertSavedMidEpoch(r, out);
});

test("a second Ctrl-C quits at once, saying what last/ keeps: even mid-step of the seed model under the tsx CLI", async () => {
  const cases: Array<[Launch, string, string[]]> = [["tsx-cli", SEED, ["--data", "builtin:64", "--batch", "8"]]];
  for (const [launch, program, data] of cases) {
    const out = join(runs, `twice-${launch}`);
    const r = await interrupted(
      launch,
      program,
      [...data, "--epochs", "1", "--seed", "5", "--workers", "1", "--out", out],
      /^writing /m,
      INTO_THE_EPOCH_MS,
      [
        [0, "SIGINT", "group"],
        [900, "SIGINT", "group"],
      ],
    );
    assert.is(r.status, 130, `${launch}: exit ${r.status} ${r.signal}\n${r.stderr}`);
    assert.match(
      r.stderr,
      /SIGINT again: quitting without saving; (no checkpoint was saved in .*last yet|.*last keeps the checkpoint after \d+ epochs?)/,
      launch,
    );
    // "At once", shown without a stopwatch: the first signal asked for a save after the step in
    // progress (a 224×224 step lasts seconds); the second came 0.9 s later and no save happened.
    assert.not.match(r.stdout, /saved .*last \(/, `${launch}: saved before quitting\n${r.stdout}`);
    if (existsSync(join(out, "last", "state.json"))) assert.is(state(out).position, undefined, `${launch}: a mid-epoch save was written`);
  }
});

// The seed model at 224×224, Ctrl-C in the middle of a step through `npx tsx train.ts`: in
// test/user-project.test.ts, in an installed package, where users run it.

test.run();
