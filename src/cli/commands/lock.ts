import type { Command } from "commander";
import { visible } from "../../diagnostics/visible.js";
import { existsSync } from "node:fs";
import { ReadError, readTextFile } from "../../syntax/read.js";
import { checkSpec } from "../../check/check-spec.js";
import { lockFor, LOCK_FILE, parseLock, serializeLock, type Lock } from "../../views/lock.js";
import { writeAtomic } from "../../emit/write.js";
import { describeIoError, isErrnoError } from "../stdio.js";
import { EXIT_DIAGNOSTICS, EXIT_OK, expandSpecs, failed, printDiagnostics, readSpec, UsageError } from "./common.js";

/** A lock entry is about 150 bytes: 16 MiB is a hundred thousand specs. */
const MAX_LOCK_BYTES = 16 * 1024 * 1024;

export function readLockFile(path: string): Lock {
  if (!existsSync(path)) throw new UsageError(`${path} does not exist: run alexc lock first`);
  let text: string;
  try {
    text = readTextFile(path, MAX_LOCK_BYTES, "a lock file");
  } catch (e) {
    if (e instanceof ReadError) throw new UsageError(e.message);
    throw new UsageError(
      `cannot read ${path}: ${isErrnoError(e) && e.code === "EISDIR" ? "it is a folder" : describeIoError(e as NodeJS.ErrnoException)}`,
    );
  }
  try {
    return parseLock(text);
  } catch (e) {
    if (e instanceof ReadError) throw new UsageError(e.message);
    throw new UsageError(`${path}: ${(e as Error).message}`);
  }
}

export function registerLock(program: Command): void {
  program
    .command("lock")
    .description(`record every spec's and variant's input, output, params and MACs in ${LOCK_FILE}`)
    .argument("[files...]", ".anet files, directories or glob patterns", ["specs"])
    .option("--lock <file>", "the lock file", LOCK_FILE)
    .addHelpText(
      "after",
      `
Examples:
  $ alexc lock                      # every spec under specs/ → ${LOCK_FILE}
  $ alexc check specs/ --locked     # in CI: fail when a model's size changes

Specs with errors are not locked (exit 1); entries for other specs already in the lock are kept.`,
    )
    .action((args: string[], opts: { lock: string }) => {
      const lock: Lock = existsSync(opts.lock) ? readLockFile(opts.lock) : {};
      const files = expandSpecs(args);
      let bad = false;
      for (const path of files) {
        const { results } = checkSpec(path, readSpec(path));
        if (failed(results, false)) {
          printDiagnostics(results);
          bad = true;
          continue;
        }
        Object.defineProperty(lock, path, { value: lockFor(results), enumerable: true, writable: true, configurable: true });
      }
      if (bad) {
        process.stderr.write(`${visible(opts.lock)} not written: fix the errors above\n`);
        process.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      writeAtomic(opts.lock, serializeLock(lock));
      process.stderr.write(`wrote ${visible(opts.lock)} (${files.length} spec${files.length === 1 ? "" : "s"})\n`);
      process.exitCode = EXIT_OK;
    });
}
