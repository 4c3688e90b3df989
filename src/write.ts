/**
 * Stage 6: writing. Every file goes to a new temporary sibling (created exclusively, so a planted
 * symlink is never followed), is flushed, then renamed over the target; the folder is flushed too.
 * A compile killed at any point leaves each file either as it was or complete — never half
 * written. Writes are confined to the output root: names cannot climb out of it, and a symlink in
 * the way (say, a committed `generated/alexnet -> ~/.ssh`) is refused.
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

export class OutputPathError extends Error {}

const TEMP = /\.alexc-\d+\.tmp$/;

function inside(base: string, target: string): boolean {
  const rel = relative(base, target);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

/**
 * The output root as given on the command line. A relative root must stay inside the working
 * directory (`-o ../elsewhere` is refused); an absolute one is taken as the user's explicit choice.
 */
export function checkOutputRoot(root: string, cwd = process.cwd()): void {
  if (isAbsolute(root)) return;
  const target = resolve(cwd, root);
  if (target !== resolve(cwd) && !inside(resolve(cwd), target)) {
    throw new OutputPathError(`output folder ${root} is outside the working directory; give an absolute path if that is intended`);
  }
}

/** Fault injection for crash tests (docs/reliability.md): ALEXC_FAULT=before-rename:N or after-rename:N. */
function fault(point: "before-rename" | "after-rename", count: number): void {
  const wanted = process.env["ALEXC_FAULT"];
  if (wanted === `${point}:${count}`) process.kill(process.pid, "SIGKILL");
}

let renames = 0;

export function writeAtomic(path: string, content: string | Uint8Array): void {
  const temp = `${path}.alexc-${process.pid}.tmp`;
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
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    // A single write may be short for large buffers (weights); loop until everything is out.
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
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
  mkdirSync(folder, { recursive: true });
  const realRoot = realpathSync(root);
  const realFolder = realpathSync(folder);
  if (!inside(realRoot, realFolder)) throw new OutputPathError(`${join(root, dir)} is a symlink to ${realFolder}, outside ${root}: refusing to write through it`);
  return folder;
}

/** Writes `files` into `<root>/<dir>/`; returns the paths written, as the user would type them. */
export function writeOutputs(root: string, dir: string, files: Map<string, string>): string[] {
  const folder = confinedFolder(root, dir);
  // Temp files of a run that was killed are ours to clear (never symlink targets: unlink the entry).
  for (const name of readdirSync(folder)) if (TEMP.test(name)) unlinkSync(join(folder, name));
  const written: string[] = [];
  for (const [name, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const path = resolve(folder, name);
    if (dirname(path) !== folder) throw new OutputPathError(`${name} is not a plain file name`);
    if (lstatOrUndefined(path)?.isDirectory()) throw new OutputPathError(`${join(root, dir, name)} is a directory`);
    writeAtomic(path, content);
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
