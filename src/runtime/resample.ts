/**
 * Crop + resize + mirror of pixels already in memory (the built-in data set), in plain JS. For
 * small images this is far cheaper than a round trip through libvips (≈0.4 ms per call), which is
 * what lets the pipeline stay well ahead of a small model. The filter is PIL's bilinear, which
 * torchvision's transforms use on PIL images: a triangle over pixel centres, widened by the
 * downscale factor (antialiasing). test/fixtures/pil-bilinear.json holds Pillow's own output.
 */
import type { Plan } from "./preprocess.js";

interface Taps {
  /** Source index of tap k of output i: index[i * taps + k]. */
  index: Int32Array;
  weight: Float32Array;
  taps: number;
}

function axisTaps(start: number, length: number, outLength: number, flip: boolean): Taps {
  const scale = length / outLength;
  const support = Math.max(1, scale);
  const taps = Math.ceil(support) * 2 + 1;
  const index = new Int32Array(outLength * taps);
  const weight = new Float32Array(outLength * taps);
  for (let o = 0; o < outLength; o++) {
    const slot = flip ? outLength - 1 - o : o;
    const center = (o + 0.5) * scale;
    const first = Math.floor(center - support);
    let total = 0;
    for (let k = 0; k < taps; k++) {
      const i = first + k;
      // Taps beyond the crop are left out and the rest reweighted, as Pillow does.
      const inside = i >= 0 && i < length;
      const w = inside ? Math.max(0, 1 - Math.abs(i + 0.5 - center) / support) : 0;
      index[slot * taps + k] = start + Math.min(length - 1, Math.max(0, i));
      weight[slot * taps + k] = w;
      total += w;
    }
    for (let k = 0; k < taps; k++) weight[slot * taps + k]! /= total;
  }
  return { index, weight, taps };
}

/** `src` is H×W×C bytes; returns outHeight×outWidth×C bytes following `plan`. */
export function resample(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  plan: Plan,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  const { box } = plan;
  if (box.left < 0 || box.top < 0 || box.left + box.width > width || box.top + box.height > height) {
    throw new RangeError(`crop box ${JSON.stringify(box)} is outside the ${width}×${height} image`);
  }
  const xs = axisTaps(box.left, box.width, outWidth, plan.flip);
  const ys = axisTaps(box.top, box.height, outHeight, false);
  // Horizontal pass over the rows the vertical pass will read.
  const rows = new Float32Array(height * outWidth * channels);
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = 0; x < outWidth; x++) {
      for (let c = 0; c < channels; c++) {
        let v = 0;
        for (let k = 0; k < xs.taps; k++) v += src[(y * width + xs.index[x * xs.taps + k]!) * channels + c]! * xs.weight[x * xs.taps + k]!;
        rows[(y * outWidth + x) * channels + c] = v;
      }
    }
  }
  const out = new Uint8Array(outHeight * outWidth * channels);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      for (let c = 0; c < channels; c++) {
        let v = 0;
        for (let k = 0; k < ys.taps; k++)
          v += rows[(ys.index[y * ys.taps + k]! * outWidth + x) * channels + c]! * ys.weight[y * ys.taps + k]!;
        out[(y * outWidth + x) * channels + c] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return out;
}
