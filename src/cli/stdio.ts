/**
 * The CLI's output path: standard output and error, and what a failed write means to the user.
 *
 * One mechanism for every command and format: a reader that goes away (`alexc explain | head -1`)
 * is not an error, so alexc stops writing to that stream and keeps the command's own exit status,
 * quietly. Any other failure to write (a full disk, `> /dev/full`) is reported once, in words, with
 * exit status 74 (the I/O row of the exit-status table in the README, sysexits' EX_IOERR, the same
 * status the generated programs use), never as an internal error.
 */
import { describeIoError, isErrnoError } from "../util/io-errors.js";

export { describeIoError, isErrnoError };
export const EXIT_IO = 74;

let failure: string | undefined;

function guard(stream: NodeJS.WriteStream, name: string): void {
  let closed = false;
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    // Whatever the command still prints goes nowhere: one report, not one per line.
    stream.write = (() => true) as typeof stream.write;
    if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") return;
    failure = `cannot write to standard ${name}: ${describeIoError(e)}`;
    if (name === "output") process.stderr.write(`alexc: ${failure}\n`);
  });
}

/**
 * Installs the handlers on process.stdout and process.stderr. Stream errors arrive after the write
 * that caused them, so the exit status is settled at exit: the I/O status when output was lost.
 */
export function guardStandardStreams(): void {
  guard(process.stdout, "output");
  guard(process.stderr, "error");
  process.once("exit", () => {
    if (failure !== undefined) process.exitCode = EXIT_IO;
  });
}
