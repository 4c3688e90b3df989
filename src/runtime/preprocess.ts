/**
 * Image preprocessing as the spec's `data { }` section describes it, with torchvision's geometry:
 * which box of the source image becomes the network input, whether it is mirrored, and how pixel
 * values are normalised. Pure: the pixel work is in decode.ts (files, libvips) and resample.ts
 * (pixels already in memory), which both follow these plans.
 */
import { integer, uniform, type Random } from "./random.js";

export type TrainTransform = { kind: "random_resized_crop"; scale: [number, number]; ratio: [number, number] } | { kind: "resize" };

export type EvalTransform = { kind: "resize" } | { kind: "center_crop"; fraction: number };

/** The generated train.ts holds one of these, written from the spec. */
export interface Preprocessing {
  train: TrainTransform;
  flip: "horizontal" | "none";
  val: EvalTransform;
  /** Per input channel, applied as (pixel / 255 − mean) / std. */
  mean: number[];
  std: number[];
}

/** A rectangle of source pixels (integers, inside the image). */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** What to do with one image: crop `box`, resize it to the input size, mirror it if `flip`. */
export interface Plan {
  box: Box;
  flip: boolean;
}

/**
 * torchvision's RandomResizedCrop.get_params: up to ten tries at a box of random area and aspect
 * ratio that fits, else the largest central box whose ratio lies in range.
 */
export function randomResizedCrop(width: number, height: number, scale: [number, number], ratio: [number, number], random: Random): Box {
  const area = width * height;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * uniform(random, scale[0], scale[1]);
    const aspect = Math.exp(uniform(random, logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { left: integer(random, 0, width - w), top: integer(random, 0, height - h), width: w, height: h };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(...ratio)) h = Math.round(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = Math.round(h * Math.max(...ratio));
  return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h };
}

/** Python's round(): halves go to the even neighbour (torchvision's CenterCrop offsets use it). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Resize(shorter side → output / fraction) then CenterCrop(output), expressed as the source box it
 * keeps: the centred box with the output's aspect ratio covering `fraction` of the limiting side.
 */
export function centerCrop(width: number, height: number, outWidth: number, outHeight: number, fraction: number): Box {
  const unit = Math.min(width / outWidth, height / outHeight) * fraction;
  const w = Math.max(1, Math.min(width, Math.round(outWidth * unit)));
  const h = Math.max(1, Math.min(height, Math.round(outHeight * unit)));
  return { left: roundHalfEven((width - w) / 2), top: roundHalfEven((height - h) / 2), width: w, height: h };
}

const whole = (width: number, height: number): Box => ({ left: 0, top: 0, width, height });

/** Plan for a training image; draws from `random` in a fixed order so a seed repeats exactly. */
export function planTrain(width: number, height: number, p: Preprocessing, random: Random): Plan {
  const box =
    p.train.kind === "random_resized_crop" ? randomResizedCrop(width, height, p.train.scale, p.train.ratio, random) : whole(width, height);
  const flip = p.flip === "horizontal" && random() < 0.5;
  return { box, flip };
}

/** Plan for a validation or prediction image: no randomness. */
export function planEval(width: number, height: number, outWidth: number, outHeight: number, t: EvalTransform): Plan {
  return { box: t.kind === "center_crop" ? centerCrop(width, height, outWidth, outHeight, t.fraction) : whole(width, height), flip: false };
}

/** Writes `pixels` (H×W×C bytes) into `out` at `offset` as (v / 255 − mean[c]) / std[c]. */
export function normalise(pixels: Uint8Array, channels: number, p: Preprocessing, out: Float32Array, offset: number): void {
  const scale = p.std.map((s) => 1 / (255 * s));
  const shift = p.mean.map((m, c) => m / p.std[c]!);
  for (let i = 0; i < pixels.length; i++) {
    const c = i % channels;
    out[offset + i] = pixels[i]! * scale[c]! - shift[c]!;
  }
}
