/**
 * A run folder (--out) belongs to one training at a time, and what a killed run leaves in it is
 * put right before the next one starts:
 *
 *   .alexc-lock       {pid, start time, host} of the owner, made with an exclusive create. A lock
 *                     whose process is gone (or whose pid now names another process: the start
 *                     time differs) is stale and taken over; a live one is a clear error.
 *   .<name>.<pid>.tmp checkpoint folders and files a kill left half-written, and <dir>.old beside
 *                     a whole <dir>: removed (the owner of the lock is the only writer, so nothing
 *                     live is removed).
 *   best/             must hold the epoch state.json names as best: a kill between the save of
 *                     last/ and the copy to best/ leaves it behind, and it is copied again.
 */
import { existsSync, linkSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { copyCheckpoint, existingCheckpoint, type CheckpointState } from "./checkpoint.js";
import { AlexcRuntimeError } from "./errors.js";
import { mkdirSync } from "node:fs";

const LOCK_FILE = ".alexc-lock";

interface LockInfo {
  pid: number;
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22); '' where unknown. */
  start: string;
  host: string;
  since: string;
}

function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces and parentheses) start after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
  } catch {
    return "";
  }
}

function alive(lock: LockInfo): boolean {
  if (lock.host !== hostname()) return true; // cannot tell from here: assume it runs
  try {
    process.kill(lock.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const now = startTime(lock.pid);
  return now === "" || lock.start === "" || now === lock.start;
}

function readLock(path: string): LockInfo | undefined {
  try {
    const l = JSON.parse(readFileSync(path, "utf8")) as LockInfo;
    return Number.isInteger(l.pid) && typeof l.start === "string" && typeof l.host === "string" ? l : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the run folder's lock, or throws naming its owner. Returns the release function. */
export function lockRunFolder(outDir: string): () => void {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, start: startTime(process.pid), host: hostname(), since: new Date().toISOString() };
  const text = JSON.stringify(mine) + "\n";
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temp, path); // exclusive: fails when a lock exists
        const release = (): void => {
          if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
          process.off("exit", release);
        };
        process.on("exit", release);
        return release;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const held = readLock(path);
      if (held && alive(held)) {
        throw new AlexcRuntimeError(
          `${outDir} is in use by another training (pid ${held.pid} on ${held.host}, since ${held.since}): wait for it to end or stop it, ` +
            `or choose another --out. If no such training runs, delete ${path}.`,
        );
      }
      // Stale (or unreadable): move it aside under a name of our own; only one taker wins the rename.
      const aside = `${path}.stale.${process.pid}`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = readLock(aside);
      if (moved && held && moved.pid !== held.pid) {
        // Another process took over between our read and the rename: give its lock back.
        try {
          linkSync(aside, path);
        } catch {
          // it is gone again; the next attempt decides
        }
      }
      rmSync(aside, { force: true });
    }
    throw new AlexcRuntimeError(`${outDir}: could not take the run folder's lock ${path}; try again`);
  } finally {
    rmSync(temp, { force: true });
  }
}

const TEMP = /^(\..+\.\d+\.tmp|.+\.\d+\.tmp|\.alexc-lock\.stale\.\d+)$/;

/** Removes what killed runs left half-written in the run folder. Call with the lock held. */
export function removeStaleTemps(outDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return [];
  }
  const removed = names.filter((n) => TEMP.test(n) && !n.endsWith(`.${process.pid}.tmp`));
  // <dir>.old is the previous checkpoint kept while <dir> is swapped in: stale once <dir> is whole.
  for (const n of names) if (n.endsWith(".old") && existsSync(join(outDir, n.slice(0, -4), "state.json"))) removed.push(n);
  for (const n of removed) rmSync(join(outDir, n), { recursive: true, force: true });
  return removed;
}

/**
 * Puts best/ in line with state.json: when the state names the epoch it holds as best but best/
 * holds another epoch (or nothing), the copy a kill interrupted is made again.
 */
export function repairBest(lastDir: string, bestDir: string, state: CheckpointState): string | undefined {
  if (!state.best || state.position || state.best.epoch !== state.epoch) return undefined;
  const found = existingCheckpoint(bestDir);
  let bestEpoch: number | undefined;
  if (found) {
    try {
      const s = JSON.parse(readFileSync(join(found, "state.json"), "utf8")) as { epoch?: unknown; position?: unknown };
      if (typeof s.epoch === "number" && s.position === undefined) bestEpoch = s.epoch;
    } catch {
      // unreadable: copied again below
    }
  }
  if (bestEpoch === state.epoch && found === bestDir) return undefined;
  const from = existingCheckpoint(lastDir);
  if (!from || !existsSync(from)) return undefined;
  copyCheckpoint(from, bestDir);
  return `${bestDir} did not hold epoch ${state.epoch}, the best so far (a run was stopped while copying it): copied again from ${from}`;
}
