/**
 * Ctrl-C (SIGINT) and SIGTERM during training: the first one asks the loop to stop after the step
 * in progress and save a checkpoint; a second one quits at once, saying what the run folder keeps.
 *
 * One keypress often arrives more than once: a terminal signals the whole process group, and
 * launchers that also relay signals to their child (npm exec, tsx's CLI, process managers) add a
 * copy within milliseconds. Signals within DUPLICATE_MS of the first count as that first one, so a
 * single Ctrl-C never turns into "quit without saving". A step on the wasm backend holds the thread
 * for its whole duration, so both the request and its copies are handled when the step ends.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { READ_LIMITS, readBoundedSync } from "./bounded-read.js";

export const DUPLICATE_MS = 500;

/** One line on what `lastDir` holds now: the checkpoint a quit leaves behind. */
export function describeKept(lastDir: string): string {
  for (const dir of [lastDir, `${lastDir}.old`]) {
    const path = join(dir, "state.json");
    if (!existsSync(path)) continue;
    try {
      const s = JSON.parse(readBoundedSync(path, READ_LIMITS.json).toString("utf8")) as {
        epoch?: unknown;
        position?: { batches?: unknown };
      };
      if (typeof s.epoch !== "number") break;
      const position = typeof s.position?.batches === "number" ? ` + ${s.position.batches} batches` : "";
      return `${dir} keeps the checkpoint after ${s.epoch} epoch${s.epoch === 1 ? "" : "s"}${position}; --resume continues from there`;
    } catch {
      break;
    }
  }
  return `no checkpoint was saved in ${lastDir} yet`;
}

export class InterruptFlag {
  private count = 0;
  private firstAt = 0;
  private readonly handler = (signal: NodeJS.Signals): void => {
    const now = performance.now();
    if (this.count > 0 && now - this.firstAt < DUPLICATE_MS) return;
    this.count++;
    if (this.count === 1) {
      this.firstAt = now;
      this.onFirst(signal);
      return;
    }
    process.stderr.write(`\nalexc: ${signal} again: quitting without saving; ${describeKept(this.lastDir)}\n`);
    process.exit(130);
  };

  constructor(
    private readonly onFirst: (signal: NodeJS.Signals) => void,
    private readonly lastDir: string,
  ) {
    process.on("SIGINT", this.handler);
    process.on("SIGTERM", this.handler);
  }

  get requested(): boolean {
    return this.count > 0;
  }

  dispose(): void {
    process.off("SIGINT", this.handler);
    process.off("SIGTERM", this.handler);
  }
}
