/**
 * Stage 6: writing. Each file goes to a temporary sibling, is flushed, then renamed over the target,
 * so a compile killed midway leaves every file either old or new, never half-written. Paths are
 * confined to the output root.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync, rmSync } from "node:fs";
import { join, relative, resolve, isAbsolute } from "node:path";

export class OutputPathError extends Error {}

function confined(root: string, ...parts: string[]): string {
  const base = resolve(root);
  const target = resolve(base, ...parts);
  const rel = relative(base, target);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) throw new OutputPathError(`${parts.join("/")} would be written outside ${root}`);
  return target;
}

export function writeAtomic(path: string, content: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, "w", 0o644);
  try {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    // A single write may be short for large buffers (weights); loop until everything is out.
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/** Writes `files` into `<root>/<dir>/`; returns the paths written, as the user would type them. */
export function writeOutputs(root: string, dir: string, files: Map<string, string>): string[] {
  const folder = confined(root, dir);
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    writeAtomic(confined(folder, name), content);
    written.push(join(root, dir, name));
  }
  return written;
}
