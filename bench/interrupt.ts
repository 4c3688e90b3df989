/**
 * Ctrl-C to the seed's trainer (generated/alexnet, 224×224, batch 8, wasm) in the middle of a step:
 * how long from the signal to the process's exit with last/ saved, beside how long one step of the
 * same run takes. A step cannot be cut short (wasm holds the thread), so what the trainer adds is
 * the exit time less one step: the save of weights and Adam's slots (about 175 MB). The tests check
 * the same stop in steps (test/user-project.test.ts); the milliseconds are measured here.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, ROOT, type BenchResult } from "./common.js";

const ROUNDS = Number(process.env["BENCH_INTERRUPT_ROUNDS"] ?? 3);
const BATCH = 8;
const PROGRESS = /epoch 1\/1 +[\d,]+\/[\d,]+ +([\d.]+) img\/s/;

interface Stop {
  /** From SIGINT to the exit, ms. */
  exitMs: number;
  /** One step at the speed the progress line showed, ms. */
  stepMs: number;
}

function interruptOnce(out: string): Promise<Stop> {
  return new Promise((resolve, reject) => {
    const args = ["--import", "tsx", join(ROOT, "generated", "alexnet", "train.ts"), "--data", "builtin:200", "--batch", String(BATCH)];
    const child = spawn(process.execPath, [...args, "--seed", "4", "--epochs", "1", "--workers", "1", "--out", out], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let sentAt = 0;
    let stepMs = 0;
    const watch = (d: Buffer): void => {
      output += d.toString();
      const shown = PROGRESS.exec(output);
      if (sentAt || !shown) return;
      stepMs = (1000 * BATCH) / Number(shown[1]);
      sentAt = performance.now();
      process.kill(-child.pid!, "SIGINT");
    };
    child.stdout.on("data", watch);
    child.stderr.on("data", watch);
    // Timed at "exit"; judged at "close", once the pipes have handed over the last output.
    let exitMs = 0;
    child.on("exit", () => (exitMs = performance.now() - sentAt));
    child.on("close", (status) => {
      if (status !== 130 || !/saved .*last \(0 epochs \+ \d+ batches\)/.test(output))
        reject(new Error(`the trainer exited ${status} without the mid-epoch save:\n${output}`));
      else resolve({ exitMs, stepMs });
    });
  });
}

export async function run(): Promise<BenchResult> {
  const stops: Stop[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const out = mkdtempSync(join(tmpdir(), "alexc-bench-interrupt-"));
    try {
      stops.push(await interruptOnce(out));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return {
    name: "interrupt",
    title: "Ctrl-C mid-step: the seed model at 224×224, batch 8, wasm",
    metrics: [
      { name: "SIGINT to exit, last/ saved", unit: "ms", samples: stops.map((s) => s.exitMs) },
      { name: "one step of the same run", unit: "ms", samples: stops.map((s) => s.stepMs) },
      { name: "beyond the step in progress (exit − one step)", unit: "ms", samples: stops.map((s) => s.exitMs - s.stepMs) },
    ],
    notes: [
      "The signal goes to the process group on the first progress line, so it lands in a step. The exit",
      "can come at most one step plus the save after it; the difference is an upper bound on the save.",
    ],
  };
}

await main(import.meta.url, run);
