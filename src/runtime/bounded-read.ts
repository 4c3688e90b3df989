/**
 * Reading files the runtime did not write itself (training and predict images, checkpoints that
 * may be copied, truncated or tampered with): only regular files, and never more than a bound
 * suited to the kind of file. A FIFO named *.jpg would block a plain read forever and /dev/zero
 * would fill memory; both are refused at open, which O_NONBLOCK keeps from blocking.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";

/** Why a file was not read: one line, without the path (callers name it). */
export class ReadRefused extends Error {}

/** Bounds per kind of file. */
export const READ_LIMITS = {
  /** A JPEG or PNG: 8192×8192 pixels (the decoder's own limit) stay far below this. */
  image: 256 * 1024 * 1024,
  /** state.json, optimizer.json, class maps: history grows by ~250 bytes an epoch. */
  json: 16 * 1024 * 1024,
  /** model.json: the topology and the weight manifest, kilobytes for any real network. */
  modelJson: 64 * 1024 * 1024,
  /** A PyTorch state dict to import: 250 M float64 parameters; tfjs could not hold a larger model anyway. */
  weights: 2 * 1024 * 1024 * 1024,
} as const;

const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function kindOf(stat: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a regular file";
}

function check(stat: import("node:fs").Stats, limit: number): number {
  if (!stat.isFile()) throw new ReadRefused(`not a regular file (${kindOf(stat)})`);
  if (stat.size > limit) throw new ReadRefused(`${stat.size} bytes, over the limit of ${limit} bytes for this kind of file`);
  return stat.size;
}

function openFailure(e: unknown): ReadRefused {
  const code = (e as NodeJS.ErrnoException).code;
  return new ReadRefused(code === "ENOENT" ? "no such file" : `cannot open (${code ?? String(e)})`);
}

export function readBoundedSync(path: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (e) {
    throw openFailure(e);
  }
  try {
    const size = check(fstatSync(fd), limit);
    const buffer = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buffer, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return done === size ? buffer : buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

export async function readBounded(path: string, limit: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, FLAGS);
  } catch (e) {
    throw openFailure(e);
  }
  try {
    const size = check(await handle.stat(), limit);
    const buffer = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(buffer, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === size ? buffer : buffer.subarray(0, done);
  } finally {
    await handle.close();
  }
}
