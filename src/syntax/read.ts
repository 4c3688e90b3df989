/**
 * The one way specs (and the lock file) are read. A spec may come from a stranger's pull request,
 * so reading is defensive: only regular files, never more than a bound, never a kernel pseudo-file
 * (a symlink to /proc/self/environ would otherwise print the environment in a diagnostic), and
 * opening never blocks (a FIFO named `x.anet` would otherwise hang the run).
 *
 * Bytes that are not UTF-8 are kept, not replaced: each becomes the lone surrogate U+DC80+byte
 * (Python's "surrogateescape"), which valid UTF-8 can never produce. The parser reports every one as
 * E0004 at its line, so `check` fails on them and `fmt` never rewrites a file it did not understand.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";

/** 4 MiB: a 15,000-layer generated spec is under 1 MiB; nobody writes more by hand. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/** Why a file could not be read, in one line that names it. */
export class ReadError extends Error {
  /** True when the file exists but is refused (its kind or size), false when it cannot be opened. */
  constructor(
    message: string,
    readonly refused = true,
  ) {
    super(message);
  }
}

const PSEUDO_FILE_SYSTEMS = ["/proc/", "/sys/", "/dev/"];

export function readTextFile(path: string, limit = MAX_SPEC_BYTES, what = "a .anet file"): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReadError(
      code === "ENOENT"
        ? `${path}: no such file`
        : code === "EISDIR"
          ? `${path}: is a directory, not ${what}`
          : `${path}: cannot read (${code ?? String(e)})`,
      false,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new ReadError(`${path}: is a directory, not ${what}`);
    if (!stat.isFile()) throw new ReadError(`${path}: is a ${kind(stat)}, not a regular file: refusing to read it as ${what}`);
    const real = realpathOrPath(path);
    if (PSEUDO_FILE_SYSTEMS.some((p) => real.startsWith(p)))
      throw new ReadError(`${path}: is ${real}, a kernel pseudo-file, not ${what}: refusing to read it`);
    if (stat.size > limit)
      throw new ReadError(
        `${path}: ${stat.size.toLocaleString("en-US")} bytes, more than the limit of ${limit.toLocaleString("en-US")} for ${what}`,
      );
    const bytes = readBounded(fd, limit);
    if (bytes === undefined) throw new ReadError(`${path}: more than the limit of ${limit.toLocaleString("en-US")} bytes for ${what}`);
    // Pseudo-files elsewhere (another mount of procfs) report size 0 and still have content.
    if (stat.size === 0 && bytes.length > 0)
      throw new ReadError(`${path}: reports a size of 0 but has content (a kernel pseudo-file?): refusing to read it as ${what}`);
    return decodeText(bytes);
  } finally {
    closeSync(fd);
  }
}

/** Reads to the end, or returns undefined once more than `limit` bytes arrive: stat can lie. */
function readBounded(fd: number, limit: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") throw new ReadError("would block: not a regular file");
      throw e;
    }
    if (n === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > limit) return undefined;
  }
}

function kind(stat: ReturnType<typeof fstatSync>): string {
  if (stat.isFIFO()) return "FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "character device";
  if (stat.isBlockDevice()) return "block device";
  if (stat.isSocket()) return "socket";
  return "special file";
}

function realpathOrPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** UTF-8 → text; each byte of an ill-formed sequence becomes U+DC80+byte (see the header). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeEscaping(bytes);
  }
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode Table 3-7), or 0 if ill-formed. */
function sequenceLength(b: Uint8Array, i: number): number {
  const b0 = b[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

function decodeEscaping(bytes: Uint8Array): string {
  const parts: string[] = [];
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > runStart) parts.push(strict.decode(bytes.subarray(runStart, i)));
    parts.push(String.fromCharCode(0xdc00 + bytes[i]!));
    i++;
    runStart = i;
  }
  if (i > runStart) parts.push(strict.decode(bytes.subarray(runStart, i)));
  return parts.join("");
}

/** The byte an escaped character stands for, or undefined for any other character. */
export function escapedByte(ch: number): number | undefined {
  return ch >= 0xdc80 && ch <= 0xdcff ? ch - 0xdc00 : undefined;
}
