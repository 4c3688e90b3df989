/**
 * Stage 6: writing. Every file goes to a new temporary sibling (created exclusively, so a planted
 * symlink is never followed), is flushed, then renamed over the target; the folder is flushed too.
 * A compile killed at any point leaves each file either as it was or complete — never half
 * written. Writes are confined to the output root: names cannot climb out of it, and a symlink in
 * the way (say, a committed `generated/alexnet -> ~/.ssh`) is refused.
 */
import { UserError } from "../util/user-error.js";
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, isAbsolute, join, parse as parsePath, relative, resolve, sep } from "node:path";
import { randomBytes } from "node:crypto";
import { describeIoError, isErrnoError } from "../util/io-errors.js";

/** An output that cannot be written, said with its path: exit status 2, never an internal error. */
class OutputPathError extends UserError {
  /** 74 when the system refused the write (disk full, permissions, read-only), else 2: a wrong path. */
  override readonly exitStatus: number;
  constructor(message: string, refusedBySystem = false) {
    super(message);
    this.exitStatus = refusedBySystem ? 74 : 2;
  }
}

/**
 * The message for a failed write of `path`: the file system's reason in words, and for a path
 * through a file (ENOTDIR) or a missing folder (ENOENT), which part of the path is in the way.
 */
export function outputError(path: string, e: unknown, what = "cannot write"): Error {
  if (!isErrnoError(e) || e instanceof OutputPathError) return e as Error;
  if (e.code === "ENOTDIR" || e.code === "EEXIST") {
    const blocker = firstNonFolder(path);
    if (blocker !== undefined) return new OutputPathError(`${what} ${path}: ${blocker} is a file, not a folder`);
  }
  if (e.code === "ENOENT" && !isFolder(dirname(path)))
    return new OutputPathError(`${what} ${path}: the folder ${dirname(path)} does not exist`);
  return new OutputPathError(`${what} ${path}: ${describeIoError(e)}`, true);
}

/** The first ancestor of `path` (or `path` itself, when it must be a folder) that exists as a non-folder. */
function firstNonFolder(path: string): string | undefined {
  const parts = resolve(path).split(sep);
  for (let i = 2; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join(sep);
    const stat = lstatOrUndefined(prefix);
    if (stat === undefined) return undefined;
    if (!stat.isDirectory() && !(stat.isSymbolicLink() && isFolder(prefix)))
      return isAbsolute(path) ? prefix : relative(process.cwd(), prefix) || prefix;
  }
  return undefined;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `<name>.alexc-<pid>-<random>.tmp`; the older `<name>.alexc-<pid>.tmp` form is still recognised. */
const TEMP = /\.alexc-(\d+)(?:-[0-9a-f]+)?\.tmp$/;

function inside(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

/**
 * Where a path really leads: every existing component is resolved (symlinks followed, `..` taken
 * after the link, as the kernel does), and the part that does not exist yet is appended as written.
 * `realpath` alone fails on a path that does not exist, which is exactly the output folder a first
 * compile creates; a dangling `generated -> /elsewhere/new` symlink is followed by its text.
 */
function realDestination(path: string): string {
  const absolute = isAbsolute(path) ? path : `${process.cwd()}${sep}${path}`;
  const root = parsePath(absolute).root;
  const rest = absolute
    .slice(root.length)
    .split(/[\\/]+/)
    .filter((p) => p !== "" && p !== ".");
  let done = root;
  let hops = 0;
  while (rest.length > 0) {
    const part = rest.shift()!;
    if (part === "..") {
      done = dirname(done);
      continue;
    }
    const next = join(done, part);
    const stat = lstatOrUndefined(next);
    if (!stat) return resolve(next, ...rest);
    if (stat.isSymbolicLink()) {
      if (++hops > 40) throw new OutputPathError(`${path}: too many levels of symbolic links`);
      const link = readlinkSync(next);
      rest.unshift(...link.split(/[\\/]+/).filter((p) => p !== "" && p !== "."));
      if (isAbsolute(link)) done = parsePath(link).root;
      continue;
    }
    done = next;
  }
  return done;
}

/**
 * The output root as given on the command line. A relative root must stay inside the working
 * directory (`-o ../elsewhere` is refused), also through symlinks: `-o link/out` or a committed
 * `generated -> ~/elsewhere` is resolved first. An absolute one is taken as the user's explicit choice.
 */
export function checkOutputRoot(root: string, cwd = process.cwd()): void {
  if (isAbsolute(root)) return;
  const target = resolve(cwd, root);
  if (target !== resolve(cwd) && !inside(resolve(cwd), target)) {
    throw new OutputPathError(`output folder ${root} is outside the working directory; give an absolute path if that is intended`);
  }
  const realCwd = realpathSync(cwd);
  const real = realDestination(`${cwd}${sep}${root}`);
  if (real !== realCwd && !inside(realCwd, real)) {
    throw new OutputPathError(
      `output folder ${root} leads through a symlink to ${real}, outside the working directory; give an absolute path if that is intended`,
    );
  }
}

/** Whether a process with this id is running (a temp file's owner may be). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Fault injection for crash tests (docs/reliability.md): ALEXC_FAULT=before-rename:N or after-rename:N. */
function fault(point: "before-rename" | "after-rename", count: number): void {
  const wanted = process.env["ALEXC_FAULT"];
  if (wanted === `${point}:${count}`) process.kill(process.pid, "SIGKILL");
}

let renames = 0;

/**
 * Writes `path` atomically. A device or pipe named as the output (`-o /dev/stdout`, `/dev/full`)
 * is written into, never replaced: renaming a file over /dev/full would destroy the device node.
 * File-system failures become an OutputPathError naming `path`.
 */
export function writeAtomic(path: string, content: string | Uint8Array): void {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  try {
    const existing = statOrUndefined(path);
    if (existing?.isDirectory()) throw new OutputPathError(`cannot write ${path}: it is a folder`);
    if (existing && !existing.isFile()) writeInto(path, bytes);
    else writeReplacing(path, bytes);
  } catch (e) {
    throw outputError(path, e);
  }
}

function writeInto(path: string, bytes: Uint8Array): void {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    // A pipe whose reader is gone (`-o /dev/stdout | head`) cannot even be opened: as below.
    if ((e as NodeJS.ErrnoException).code === "ENXIO" && statOrUndefined(path)?.isFIFO()) return;
    throw e;
  }
  try {
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
  } catch (e) {
    // `-o /dev/stdout | head`: a reader that went away is not an error (src/cli/stdio.ts).
    if ((e as NodeJS.ErrnoException).code !== "EPIPE") throw e;
  } finally {
    closeSync(fd);
  }
}

function writeReplacing(path: string, bytes: Uint8Array): void {
  // Unique per write: two compiles into one folder must not share (or delete) a temp file.
  const temp = `${path}.alexc-${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, "wx", 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    // Left by a killed run with the same pid, or planted: remove the entry itself, never its target.
    unlinkSync(temp);
    fd = openSync(temp, "wx", 0o644);
  }
  try {
    // A single write may be short for large buffers (weights); loop until everything is out.
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    fault("before-rename", renames + 1);
    renameSync(temp, path);
    fault("after-rename", ++renames);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every file system lets a directory be flushed; the renames are still atomic.
  }
}

/** Creates `<root>/<dir>` and proves that it resolves inside the root, symlinks included. */
function confinedFolder(root: string, dir: string): string {
  const folder = resolve(root, dir);
  if (!inside(resolve(root), folder)) throw new OutputPathError(`${dir} would be written outside ${root}`);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (e) {
    throw outputError(join(root, dir), e, "cannot create the folder");
  }
  const realRoot = realpathSync(root);
  const realFolder = realpathSync(folder);
  if (!inside(realRoot, realFolder))
    throw new OutputPathError(`${join(root, dir)} is a symlink to ${realFolder}, outside ${root}: refusing to write through it`);
  return folder;
}

/** Writes `files` into `<root>/<dir>/`; returns the paths written, as the user would type them. */
export function writeOutputs(root: string, dir: string, files: Map<string, string>): string[] {
  const folder = confinedFolder(root, dir);
  // Temp files of a run that was killed are ours to clear (never symlink targets: unlink the entry);
  // those of another compile still running into the same folder are left alone. (This process
  // writes synchronously, so none of its own temp files is in flight here.)
  for (const name of readdirSync(folder)) {
    const owner = TEMP.exec(name)?.[1];
    if (owner !== undefined && (Number(owner) === process.pid || !alive(Number(owner)))) rmSync(join(folder, name), { force: true });
  }
  const written: string[] = [];
  for (const [name, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const path = resolve(folder, name);
    if (dirname(path) !== folder) throw new OutputPathError(`${name} is not a plain file name`);
    if (lstatOrUndefined(path)?.isDirectory()) throw new OutputPathError(`${join(root, dir, name)} is a directory`);
    // Inside the output folder every entry is alexc's to replace, whatever it is now.
    try {
      writeReplacing(path, Buffer.from(content, "utf8"));
    } catch (e) {
      throw outputError(join(root, dir, name), e);
    }
    written.push(join(root, dir, name));
  }
  syncDirectory(folder);
  return written;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Deletes files an earlier compile wrote that it no longer writes (src/emit/drift.ts finds them), then
 * each folder of theirs that is left empty. Entries are unlinked, never followed, and must lie
 * inside the output root.
 */
export function removeOutputs(root: string, files: string[]): string[] {
  const removed: string[] = [];
  const folders = new Set<string>();
  for (const file of files) {
    if (!inside(resolve(root), resolve(file))) throw new OutputPathError(`${file} is outside ${root}: not removing it`);
    try {
      unlinkSync(file);
      removed.push(file);
      folders.add(dirname(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw outputError(file, e, "cannot remove");
    }
  }
  for (const folder of [...folders].sort().reverse()) {
    if (resolve(folder) === resolve(root)) continue;
    try {
      if (readdirSync(folder).length === 0) rmdirSync(folder);
    } catch {
      // Someone else's file appeared, or the folder went: it stays, and --check says what is left.
    }
  }
  return removed;
}
