/**
 * Crash consistency of a training run folder: a trainer killed with SIGKILL at a random point
 * (between the writes of a checkpoint, of the copy to best/, of metrics.csv, or inside a step;
 * fault points from src/runtime/fault.ts, plus kills at a random time from outside), then resumed
 * to the end. After each resume best/, last/, state.json and metrics.csv must agree, nothing
 * half-written may be left, and the losses must equal an uninterrupted run's. Shared by
 * test/crash.test.ts (a sample) and `npm run fuzz:crash` (50 cases).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { seeded } from "../src/runtime/random.js";
import { ROOT } from "./support.js";

const PROGRAM = join(ROOT, "generated", "alexnet_mini", "train.ts");
const EPOCHS = 3;
/** 48 training images, 16 validation, batch 16: 3 steps an epoch, three epochs, seconds per run. */
const ARGS = [
  "--data",
  "builtin:64",
  "--val-split",
  "0.25",
  "--batch",
  "16",
  "--epochs",
  String(EPOCHS),
  "--seed",
  "21",
  "--workers",
  "0",
  "--quiet",
  "--backend",
  "wasm",
];

/** How often each point is reached in a whole run (an upper bound is fine: a fault that never fires is a completed run). */
const POINTS: Array<[string, number]> = [
  ["step", 3 * EPOCHS],
  ["save:temp-written", EPOCHS],
  ["swap:old-moved", 2 * EPOCHS],
  ["swap:done", 2 * EPOCHS],
  ["best:before-copy", EPOCHS],
  ["best:temp-written", EPOCHS],
  ["metrics:before-append", EPOCHS],
  ["epoch:end", EPOCHS],
  ["time", 0],
];

export interface CrashCase {
  index: number;
  point: string;
  /** n-th time the point is reached, or milliseconds for "time". */
  at: number;
}

export function crashCases(count: number, seed: number): CrashCase[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, index) => {
    const [point, times] = POINTS[Math.floor(random() * POINTS.length)]!;
    const at = point === "time" ? 1500 + Math.floor(random() * 5000) : 1 + Math.floor(random() * times);
    return { index, point, at };
  });
}

interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

function runTrainer(args: string[], extraEnv: Record<string, string>, killAfterMs?: number): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", PROGRAM, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", ...extraEnv },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (status, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ status, signal, out });
    });
  });
}

interface History {
  epoch: number;
  trainLoss: number;
  valLoss?: number;
}
interface State {
  epoch: number;
  position?: unknown;
  best?: History;
  history: History[];
}
const readState = (dir: string): State => JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));

/** An uninterrupted run's history, the yardstick for every resumed one. */
export async function referenceRun(out: string): Promise<History[]> {
  const r = await runTrainer([...ARGS, "--out", out], {});
  if (r.status !== 0) throw new Error(`reference run failed: ${r.out}`);
  return readState(join(out, "last")).history;
}

/** Problems found in the run folder after the case (empty: consistent), and whether the kill happened (a fault point past the run's end does not fire). */
export async function runCrashCase(c: CrashCase, out: string, reference: History[]): Promise<{ problems: string[]; killed: boolean }> {
  const problems = await crashCase(c, out, reference);
  return { problems: problems.list, killed: problems.killed };
}

async function crashCase(c: CrashCase, out: string, reference: History[]): Promise<{ list: string[]; killed: boolean }> {
  const killed = await runTrainer(
    [...ARGS, "--out", out],
    c.point === "time" ? {} : { ALEXC_FAULT: `${c.point}:${c.at}` },
    c.point === "time" ? c.at : undefined,
  );
  const problems: string[] = [];
  const wasKilled = killed.signal === "SIGKILL";
  if (!wasKilled && killed.status !== 0) return { list: [`first run: exit ${killed.status}: ${killed.out}`], killed: wasKilled };
  if (wasKilled) {
    const saved = existsSync(join(out, "last", "state.json")) || existsSync(join(out, "last.old", "state.json"));
    const resumed = await runTrainer(
      saved ? ["--resume", "--out", out, "--workers", "0", "--quiet", "--backend", "wasm"] : [...ARGS, "--out", out],
      {},
    );
    if (resumed.status !== 0)
      return { list: [`resume: exit ${resumed.status} ${resumed.signal ?? ""}: ${resumed.out}`], killed: wasKilled };
  }
  const last = readState(join(out, "last"));
  if (last.epoch !== EPOCHS || last.position !== undefined)
    problems.push(`last/ at epoch ${last.epoch}${last.position ? " mid-epoch" : ""}, want ${EPOCHS}`);
  if (last.history.map((h) => h.epoch).join() !== "1,2,3") problems.push(`history epochs ${last.history.map((h) => h.epoch).join()}`);
  for (const [i, want] of reference.entries()) {
    const got = last.history[i];
    if (!got || Math.abs(got.trainLoss - want.trainLoss) > 1e-6 || Math.abs((got.valLoss ?? NaN) - (want.valLoss ?? NaN)) > 1e-6) {
      problems.push(`epoch ${i + 1}: loss ${got?.trainLoss}/${got?.valLoss} vs uninterrupted ${want.trainLoss}/${want.valLoss}`);
    }
  }
  const csv = readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n").slice(1);
  const csvEpochs = csv.map((l) => l.split(",")[0]).join();
  if (csvEpochs !== "1,2,3") problems.push(`metrics.csv epochs ${csvEpochs}`);
  csv.forEach((line, i) => {
    const h = last.history[i];
    if (h && line.split(",")[1] !== h.trainLoss.toFixed(6))
      problems.push(`metrics.csv epoch ${i + 1} loss ${line.split(",")[1]} vs state.json ${h.trainLoss.toFixed(6)}`);
  });
  if (!last.best) problems.push("state.json names no best epoch");
  else if (!existsSync(join(out, "best", "state.json"))) problems.push(`best/ missing; state.json names epoch ${last.best.epoch}`);
  else {
    const best = readState(join(out, "best"));
    if (best.epoch !== last.best.epoch || best.position !== undefined)
      problems.push(`best/ holds epoch ${best.epoch}, state.json names ${last.best.epoch}`);
    if (best.history.at(-1)?.trainLoss !== last.history[last.best.epoch - 1]?.trainLoss)
      problems.push("best/ history differs from last/'s for that epoch");
    for (const f of ["model.json", "weights.bin", "optimizer.json", "optimizer.bin", "class_indices.json"]) {
      if (!existsSync(join(out, "best", f))) problems.push(`best/${f} missing`);
    }
    if (statSync(join(out, "best", "weights.bin")).size !== statSync(join(out, "last", "weights.bin")).size)
      problems.push("best/weights.bin size differs from last/'s");
  }
  const leftovers = readdirSync(out).filter((n) => /\.tmp$|\.old$|alexc-lock/.test(n));
  if (leftovers.length > 0) problems.push(`left behind: ${leftovers.join(", ")}`);
  return { list: problems, killed: wasKilled };
}
