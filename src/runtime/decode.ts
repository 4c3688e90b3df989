/**
 * One sample → input-sized pixels, following a preprocessing plan. Files are decoded, cropped,
 * resized and mirrored by sharp (libvips: native, SIMD, off the JS thread); built-in images are
 * drawn and resampled in JS (resample.ts). PIL's conventions are kept where torchvision relies on
 * them: alpha is dropped (not composited), EXIF orientation is not applied, greyscale is luma.
 */
import type { OutputInfo, Sharp } from "sharp";
import { READ_LIMITS, readBounded, ReadRefused } from "./bounded-read.js";
import { renderBuiltin } from "./builtin.js";
import type { Sample } from "./dataset.js";
import type { Plan } from "./preprocess.js";
import { resample } from "./resample.js";

/** Output size: the model's input. */
export interface PixelSize {
  width: number;
  height: number;
  channels: number;
}

/** Chooses the plan once the source's size is known (random for training, fixed for validation). */
export type Planner = (width: number, height: number) => Plan;

/** An image that cannot be used: named by path, skipped by the pipeline. */
export class UnreadableImage extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/**
 * Drawn built-in images, kept while they fit in a small budget: at 32×32 the whole set stays and
 * later epochs only resample; at 224×224 only the first few hundred do, the rest are redrawn.
 */
const builtinCache = new Map<string, Uint8Array>();
let builtinCacheBytes = 0;
const BUILTIN_CACHE_BUDGET = 64 * 1024 * 1024;

function builtinPixels(index: number, size: PixelSize): Uint8Array {
  const key = `${index}:${size.width}x${size.height}x${size.channels}`;
  let pixels = builtinCache.get(key);
  if (!pixels) {
    pixels = renderBuiltin(index, size.width, size.height, size.channels);
    if (builtinCacheBytes + pixels.length <= BUILTIN_CACHE_BUDGET) {
      builtinCache.set(key, pixels);
      builtinCacheBytes += pixels.length;
    }
  }
  return pixels;
}

/**
 * Image files are untrusted: a PNG can declare 100,000 × 100,000 pixels in a few hundred bytes.
 * Files that would decode to more than this many pixels (8192 × 8192, 256 MiB of RGBA) are refused
 * before any pixel is decoded.
 */
export const MAX_INPUT_PIXELS = 8192 * 8192;

/**
 * sharp on first use: loading it (libvips, a native library) costs about 0.15 CPU-s, which a run on
 * the built-in set, --help and every refused command line would otherwise pay at start.
 */
let sharpLoaded: Promise<typeof import("sharp")> | undefined;
const loadSharp = (): Promise<typeof import("sharp")> => (sharpLoaded ??= import("sharp"));

export async function decodeFile(path: string, size: PixelSize, plan: Planner): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readBounded(path, READ_LIMITS.image);
  } catch (e) {
    throw new UnreadableImage(
      path,
      e instanceof ReadRefused ? e.message : `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  const unreadable = (e: unknown): UnreadableImage =>
    new UnreadableImage(path, `not a readable JPEG or PNG image (${(e as Error).message.trim()})`);
  const { default: sharp } = await loadSharp();
  let image: Sharp;
  let width: number | undefined;
  let height: number | undefined;
  try {
    image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }); // throws at once for an empty file
    ({ width, height } = await image.metadata());
  } catch (e) {
    throw unreadable(e);
  }
  if (!width || !height) throw unreadable(new Error("no image size in the file"));
  if (width * height > MAX_INPUT_PIXELS)
    throw unreadable(new Error(`${width}×${height} pixels is over the limit of ${MAX_INPUT_PIXELS} (8192×8192)`));
  const { box, flip } = plan(width, height);
  // A bad box is a bug in the plan, not in the file: it must not pass for an unreadable image.
  if (box.left < 0 || box.top < 0 || box.width < 1 || box.height < 1 || box.left + box.width > width || box.top + box.height > height) {
    throw new RangeError(`crop box ${JSON.stringify(box)} is outside the ${width}×${height} image ${path}`);
  }
  let pipeline = image.extract(box).resize(size.width, size.height, { fit: "fill", kernel: "linear" });
  if (flip) pipeline = pipeline.flop();
  pipeline = pipeline.removeAlpha().toColourspace(size.channels === 1 ? "b-w" : "srgb");
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    // Decoding happens here, so a file whose header was fine but whose data is cut short fails here.
    decoded = await pipeline.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw unreadable(e);
  }
  const { data, info } = decoded;
  if (info.channels !== size.channels)
    throw unreadable(new Error(`decoded to ${info.channels} channels, the model takes ${size.channels}`));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The pixels of `sample`, height×width×channels bytes, after the plan's crop, resize and flip. */
export async function loadSample(sample: Sample, size: PixelSize, plan: Planner): Promise<Uint8Array> {
  if ("path" in sample) return decodeFile(sample.path, size, plan);
  const pixels = builtinPixels(sample.builtin, size);
  return resample(pixels, size.width, size.height, size.channels, plan(size.width, size.height), size.width, size.height);
}
