/**
 * Training under `npx tsx train.ts`. tsx's CLI runs the program as its child and, on SIGINT or
 * SIGTERM, waits 30 ms for the child's preflight handler to report the signal over tsx's IPC pipe;
 * without a report it sends the signal again, waits another 30 ms and then SIGKILLs the child and
 * exits 130. A training step on wasm holds the JS thread for up to seconds, so the report cannot
 * be sent in time and the run was killed with nothing saved.
 *
 * So under tsx's CLI the program supervises instead of training: it starts the same entry script
 * again (same loader, same arguments) as the trainer, in a session of its own, and keeps its own
 * thread free. tsx gets its report at once; the trainer gets exactly one copy of each signal (the
 * supervisor drops the copies a keypress produces) and saves; a second Ctrl-C kills the trainer
 * and says what the run folder keeps.
 *
 * tsx's 30 ms can still pass before the supervisor answers: on a loaded machine it may simply not be
 * scheduled in time (CI saw it), and tsx then SIGKILLs it and exits 143. The trainer, in a session of
 * its own, sees its IPC channel close and takes that as the stop it was: it saves after the step in
 * progress, as on SIGTERM, so no training is left running without its launcher and none is lost.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { isMainThread } from "node:worker_threads";
import { describeKept, DUPLICATE_MS } from "./interrupt.js";

export const TRAINER_ENV = "ALEXC_TRAINER_CHILD";

const TSX_PREFLIGHT = /[\\/]tsx[\\/]dist[\\/]preflight\.cjs$/;

/** True under tsx's CLI, whose signal relay kills a child that is busy for more than 60 ms. */
function underTsxCli(execArgv: readonly string[] = process.execArgv): boolean {
  return execArgv.some((a) => TSX_PREFLIGHT.test(a));
}

/** The node options for the trainer: the parent's, minus tsx's preflight (it reports to tsx's pipe, keyed by parent pid). */
function trainerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if ((a === "--require" || a === "-r") && TSX_PREFLIGHT.test(execArgv[i + 1] ?? "")) {
      i++;
      continue;
    }
    if (/^--require=/.test(a) && TSX_PREFLIGHT.test(a)) continue;
    out.push(a);
  }
  return out;
}

/**
 * Whether train() should supervise: the program was started by tsx's CLI as itself (the arguments
 * are the command line's, so rerunning the entry script reruns this training), and this process is
 * not already the trainer.
 */
export function shouldSupervise(args: readonly string[]): boolean {
  if (process.env[TRAINER_ENV] === "1" || !isMainThread || !underTsxCli()) return false;
  const argv = process.argv.slice(2);
  return process.argv[1] !== undefined && args.length === argv.length && args.every((a, i) => a === argv[i]);
}

/** Runs the trainer as a child and ends this process with its exit status. */
export function supervise(lastDir: string): Promise<never> {
  const child = spawn(process.execPath, [...trainerExecArgv(process.execArgv), process.argv[1]!, ...process.argv.slice(2)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    detached: true,
    env: { ...process.env, [TRAINER_ENV]: "1" },
  });
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = performance.now();
    if (firstAt === undefined) {
      firstAt = now;
      child.kill(signal);
      // Said now: the trainer only hears the signal once the step in progress has finished.
      process.stderr.write(`\nalexc: ${signal}: stopping after this step to save ${lastDir} (again to quit without saving)\n`);
      return;
    }
    if (now - firstAt < DUPLICATE_MS) return;
    child.kill("SIGKILL");
    process.stderr.write(`\nalexc: ${signal} again: quitting without saving; ${describeKept(lastDir)}\n`);
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return new Promise((_, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/**
 * In the trainer: when the supervisor is gone (killed, usually by tsx's relay giving up on it), stop
 * as on SIGTERM instead of training on unseen: after the step in progress, saving. Before training
 * has its handler in place, SIGTERM's default ends the process, and there is nothing to save yet.
 */
export function followSupervisor(): void {
  if (process.env[TRAINER_ENV] !== "1" || !process.channel) return;
  process.channel.unref();
  process.on("disconnect", () => {
    process.stderr.write("\nalexc: the launching process is gone: stopping as on SIGTERM\n");
    process.kill(process.pid, "SIGTERM");
  });
}
