/**
 * What the trainer trains on: a list of samples (an image file or a built-in image index, and a
 * class index) plus class names. Image folders use torchvision's ImageFolder layout: one
 * sub-folder per class, class indices in sorted folder-name order. Every problem that would stop
 * training is found here, before the first step, and reported as one clear message.
 */
import { readdirSync, statSync, type Dirent, realpathSync } from "node:fs";
import { join, sep } from "node:path";
import { AlexcRuntimeError } from "./errors.js";
import { BUILTIN_CLASSES, BUILTIN_DEFAULT_COUNT, builtinLabel } from "./builtin.js";
import { mix, seeded, shuffle } from "./random.js";

export type Sample = { label: number; path: string } | { label: number; builtin: number };

export interface Dataset {
  /** How the user named it: a folder path, or `builtin:N`. */
  source: string;
  classes: string[];
  samples: Sample[];
}

/** Extensions the decoder accepts (case-insensitive); anything else in a class folder is ignored. */
const IMAGE_EXTENSIONS = [".jpg", ".jpeg", ".png"];

function isImageFile(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e)) && !name.startsWith(".");
}

/** Byte order, as Python's sorted() on str: the class indices match torchvision's on the same folder. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function listDir(dir: string, what: string): Dirent[] {
  let stat;
  try {
    stat = statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AlexcRuntimeError(
      code === "ENOENT" ? `${what} ${dir}: no such folder` : `${what} ${dir}: cannot read (${code ?? String(e)})`,
    );
  }
  if (!stat.isDirectory()) throw new AlexcRuntimeError(`${what} ${dir}: is a file, not a folder of class sub-folders`);
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new AlexcRuntimeError(`${what} ${dir}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** True when `inner` is `outer` or inside it (both real paths). */
function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}

/**
 * Image files under `dir`, recursively (ImageFolder also walks nested folders), sorted. Symlinked
 * folders are followed, as torchvision does, except a link back to a folder on the current path (a
 * loop), which is skipped with a warning like a broken link, instead of recursing forever. With
 * `root` (the data folder holding `dir` as a class folder), a link to the data folder or above it,
 * or into another class folder, is skipped too: it would train other classes' images as this one.
 * Only regular files are images: a FIFO or device named *.jpg is skipped (reading it would block).
 */
export function imagesUnder(dir: string, warn: (message: string) => void = (m) => console.error(m), root?: string): string[] {
  const found: string[] = [];
  const ancestors = new Set<string>();
  const top = realpathSync(dir);
  const rootReal = root === undefined ? undefined : realpathSync(root);
  const walk = (d: string): void => {
    const real = realpathSync(d);
    if (ancestors.has(real) || (d !== dir && within(top, real))) {
      warn(`alexc: skipping ${d}: a symlink loop (it leads back to ${real})`);
      return;
    }
    if (rootReal !== undefined && d !== dir && (within(rootReal, real) || (within(real, rootReal) && !within(real, top)))) {
      warn(
        `alexc: skipping ${d}: it leads to ${real}, ${within(rootReal, real) ? "the data folder or above it" : "another class folder"}, whose images are not of this class`,
      );
      return;
    }
    ancestors.add(real);
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => byCodePoint(a.name, b.name))) {
      if (entry.name.startsWith(".")) continue;
      const path = join(d, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(path);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch (e) {
          warn(`alexc: skipping ${path}: a broken or looping symlink (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
          continue;
        }
      }
      if (isDir) walk(path);
      else if (isImageFile(entry.name)) {
        if (isFile) found.push(path);
        else warn(`alexc: skipping ${path}: not a regular file (a FIFO, socket or device cannot be an image)`);
      }
    }
    ancestors.delete(real);
  };
  walk(dir);
  return found;
}

/**
 * Reads an ImageFolder: `dir/<class>/**.{jpg,jpeg,png}`. Fails with a message naming the folder
 * when it is missing, holds fewer than two class folders, or has a class folder with no images.
 */
export function scanImageFolder(dir: string, what = "--data"): Dataset {
  const classDirs = listDir(dir, what)
    .filter((e) => !e.name.startsWith(".") && (e.isDirectory() || (e.isSymbolicLink() && isDirectoryLink(join(dir, e.name)))))
    .map((e) => e.name)
    .sort(byCodePoint);
  if (classDirs.length < 2) {
    throw new AlexcRuntimeError(
      `${what} ${dir}: found ${classDirs.length === 0 ? "no class folders" : `one class folder (${classDirs[0]})`}; ` +
        "a classifier needs at least two. Expected one sub-folder per class, e.g. flowers/daisy/*.jpg, flowers/roses/*.jpg",
    );
  }
  const samples: Sample[] = [];
  const empty: string[] = [];
  classDirs.forEach((name, label) => {
    const files = imagesUnder(join(dir, name), undefined, dir);
    if (files.length === 0) empty.push(join(dir, name));
    for (const path of files) samples.push({ label, path });
  });
  if (empty.length > 0) {
    throw new AlexcRuntimeError(
      `${what} ${dir}: ${empty.length === 1 ? "the class folder" : "class folders"} ${empty.join(", ")} ${empty.length === 1 ? "has" : "have"} no images ` +
        `(${IMAGE_EXTENSIONS.join(", ")}); add images or remove ${empty.length === 1 ? "it" : "them"}`,
    );
  }
  return { source: dir, classes: classDirs, samples };
}

/** `builtin` or `builtin:N`: N drawn images (BUILTIN_DEFAULT_COUNT when N is left out), classes balanced. */
export function builtinDataset(spec: string): Dataset {
  const m = /^builtin(?::(\d+))?$/.exec(spec);
  if (!m) throw new AlexcRuntimeError(`--data ${spec}: write builtin or builtin:N (N images, e.g. builtin:1200)`);
  const count = m[1] === undefined ? BUILTIN_DEFAULT_COUNT : Number(m[1]);
  if (count < BUILTIN_CLASSES.length)
    throw new AlexcRuntimeError(`--data ${spec}: at least ${BUILTIN_CLASSES.length} images (one per class)`);
  const samples = Array.from({ length: count }, (_, i) => ({ label: builtinLabel(i), builtin: i }));
  return { source: `builtin:${count}`, classes: [...BUILTIN_CLASSES], samples };
}

function isBuiltin(spec: string): boolean {
  return spec === "builtin" || spec.startsWith("builtin:");
}

export function openDataset(spec: string, what = "--data"): Dataset {
  return isBuiltin(spec) ? builtinDataset(spec) : scanImageFolder(spec, what);
}

/** Keeps the split's draws apart from the shuffles and crops made from the same seed. */
const SPLIT_SALT = 0x5b117;

/**
 * Holds out `fraction` of every class for validation (stratified, like the seed series' split
 * script), chosen by `seed`: the same seed and files give the same split, so a resumed run keeps
 * its validation images out of training. A class keeps at least one training image.
 */
export function splitDataset(data: Dataset, fraction: number, seed: number): { train: Dataset; val: Dataset } {
  const train: Sample[] = [];
  const val: Sample[] = [];
  data.classes.forEach((_, label) => {
    const members = data.samples.filter((s) => s.label === label);
    const order = shuffle(
      members.map((_, i) => i),
      seeded(mix(seed, SPLIT_SALT, label)),
    ) as number[];
    const held = Math.min(members.length - 1, Math.round(members.length * fraction));
    const chosen = new Set(order.slice(0, held));
    members.forEach((s, i) => (chosen.has(i) ? val : train).push(s));
  });
  return {
    train: { ...data, samples: train },
    val: { ...data, source: `${data.source} (${+(fraction * 100).toFixed(2)}% held out)`, samples: val },
  };
}

/** A symlink that resolves to a folder; false for broken or looping links. */
function isDirectoryLink(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
