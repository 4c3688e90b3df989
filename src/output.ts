/**
 * The CLI's output path: standard output and error, and what a failed write means to the user.
 *
 * One mechanism for every command and format: a reader that goes away (`alexc explain | head -1`)
 * is not an error, so alexc stops writing to that stream and keeps the command's own exit status,
 * quietly. Any other failure to write (a full disk, `> /dev/full`) is reported once, in words, with
 * exit status 74 (the I/O row of the exit-status table in the README, sysexits' EX_IOERR, the same
 * status the generated programs use), never as an internal error.
 */
export const EXIT_IO = 74;

const WORDS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "already exists",
  EISDIR: "is a folder",
  ENOENT: "no such file or folder",
  EIO: "input/output error",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many levels of symbolic links",
  EMFILE: "too many open files",
  EFBIG: "file too large",
  EBUSY: "busy",
  EPIPE: "the reader closed the pipe",
  ENXIO: "no device or reader at the other end",
};

export function isErrnoError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);
}

/** "no space left on the device (ENOSPC)": the words people know, and the code to search for. */
export function describeIoError(e: NodeJS.ErrnoException): string {
  const code = e.code ?? "";
  return WORDS[code] ? `${WORDS[code]} (${code})` : code || e.message;
}

let failure: string | undefined;

/** A write to standard output failed for a reason other than a closed pipe (set after the fact). */
export function outputFailure(): string | undefined {
  return failure;
}

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
