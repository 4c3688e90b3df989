/**
 * The built-in data set: images drawn on the fly from a fixed seed, so the generated trainer can be
 * tried, demonstrated and tested with no download. Eight shape classes in pairs that differ in one
 * detail (circle/ring, square/frame, plus/cross, triangle/diamond), each with a random colour on a
 * random gradient background, random size, position and tilt, small distractor blobs and pixel
 * noise: colour and position carry no information, so accuracy above chance (12.5%) means the
 * network learnt shape. Every class is its own mirror image, so horizontal flips keep labels true.
 *
 * Image i is a pure function of (BUILTIN_SEED, i, size): nothing is stored, any size can be drawn.
 */
import { mix, seeded, uniform, type Random } from "./random.js";

export const BUILTIN_CLASSES = ["circle", "ring", "square", "frame", "plus", "cross", "triangle", "diamond"] as const;
const BUILTIN_SEED = 0x5eed;
/** Images in `--data builtin` when no count is given. */
export const BUILTIN_DEFAULT_COUNT = 3000;

/** Classes cycle with the index, so every prefix of the set is balanced. */
export function builtinLabel(index: number): number {
  return index % BUILTIN_CLASSES.length;
}

type Sdf = (u: number, v: number) => number;

/** Math.hypot is several times slower in V8, and this runs for every pixel. */
const len = (x: number, y: number): number => Math.sqrt(x * x + y * y);

/** Signed distance to an axis-aligned box of half-sizes (a, b): negative inside. */
function box(u: number, v: number, a: number, b: number): number {
  const dx = Math.abs(u) - a;
  const dy = Math.abs(v) - b;
  return len(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0);
}

/** Equilateral triangle of circumradius r pointing up (v grows downwards in images). */
function triangle(u: number, v: number, r: number): number {
  const k = Math.sqrt(3);
  const side = r * k;
  let x = Math.abs(u) - side / 2;
  let y = -v + r / 2;
  if (x + k * y > 0) {
    const nx = (x - k * y) / 2;
    y = (-k * x - y) / 2;
    x = nx;
  }
  x -= Math.min(Math.max(x, -side), 0);
  return -len(x, y) * Math.sign(y);
}

/** Shape of class `label` at size s (≈ radius) with stroke thickness t, centred at the origin. */
function shape(label: number, s: number, t: number): Sdf {
  const rot45 =
    (f: Sdf): Sdf =>
    (u, v) =>
      f((u - v) * Math.SQRT1_2, (u + v) * Math.SQRT1_2);
  const plus: Sdf = (u, v) => Math.min(box(u, v, s, t / 2), box(u, v, t / 2, s));
  switch (BUILTIN_CLASSES[label]) {
    case "circle":
      return (u, v) => len(u, v) - s;
    case "ring":
      return (u, v) => Math.abs(len(u, v) - (s - t / 2)) - t / 2;
    case "square":
      return (u, v) => box(u, v, s * 0.85, s * 0.85);
    case "frame":
      return (u, v) => Math.abs(box(u, v, s * 0.85 - t / 2, s * 0.85 - t / 2)) - t / 2;
    case "plus":
      return plus;
    case "cross":
      return rot45(plus);
    case "triangle":
      return (u, v) => triangle(u, v - s * 0.15, s * 1.15);
    default:
      return rot45((u, v) => box(u, v, s * 0.8, s * 0.8));
  }
}

type Rgb = [number, number, number];

const luma = (c: Rgb): number => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
const colour = (random: Random): Rgb => [random() * 255, random() * 255, random() * 255];

/** Zero-mean, unit-variance noise: a sum of three uniforms (bell-shaped, far cheaper than Box–Muller). */
function noiseSample(random: Random): number {
  return (random() + random() + random() - 1.5) * 2;
}

/**
 * Draws image `index` as height×width×channels bytes (channels 3: RGB; 1: its luma). Shapes are
 * antialiased by their signed distance, so they look the same at 32×32 and 224×224.
 */
export function renderBuiltin(index: number, width: number, height: number, channels: number): Uint8Array {
  const random = seeded(mix(BUILTIN_SEED, index));
  const label = builtinLabel(index);
  const size = Math.min(width, height);
  const background = colour(random);
  const gradient = colour(random);
  const angle = random() * 2 * Math.PI;
  const strength = uniform(random, 0, 0.6);
  let foreground = colour(random);
  // Redraw until the shape stands out from the background: hard, not hopeless.
  for (let tries = 0; Math.abs(luma(foreground) - luma(background)) < 60 && tries < 20; tries++) foreground = colour(random);
  const s = size * uniform(random, 0.2, 0.32);
  const t = s * uniform(random, 0.3, 0.45);
  const cx = width * uniform(random, 0.5 - 0.2, 0.5 + 0.2);
  const cy = height * uniform(random, 0.5 - 0.2, 0.5 + 0.2);
  const tilt = uniform(random, -0.3, 0.3); // ±17°, well short of the 45° that turns square into diamond
  const sdf = shape(label, s, t);
  const blobs = Array.from({ length: Math.floor(random() * 3) }, () => ({
    x: random() * width,
    y: random() * height,
    r: size * uniform(random, 0.03, 0.07),
    c: colour(random),
  }));
  const noise = uniform(random, 4, 28);
  const cos = Math.cos(tilt);
  const sin = Math.sin(tilt);
  const gx = Math.cos(angle) / size;
  const gy = Math.sin(angle) / size;
  const out = new Uint8Array(width * height * channels);
  const pixel: Rgb = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const g = Math.min(1, Math.max(0, 0.5 + (px - width / 2) * gx + (py - height / 2) * gy)) * strength;
      for (let c = 0; c < 3; c++) pixel[c] = background[c]! * (1 - g) + gradient[c]! * g;
      for (const b of blobs) {
        const a = Math.min(1, Math.max(0, b.r - len(px - b.x, py - b.y) + 0.5));
        for (let c = 0; c < 3; c++) pixel[c] = pixel[c]! * (1 - a) + b.c[c]! * a;
      }
      const u = (px - cx) * cos + (py - cy) * sin;
      const v = -(px - cx) * sin + (py - cy) * cos;
      const cover = Math.min(1, Math.max(0, 0.5 - sdf(u, v)));
      for (let c = 0; c < 3; c++) pixel[c] = pixel[c]! * (1 - cover) + foreground[c]! * cover + noise * noiseSample(random);
      const o = (y * width + x) * channels;
      if (channels === 1) out[o] = clamp(luma(pixel));
      else for (let c = 0; c < channels; c++) out[o + c] = clamp(pixel[c % 3]!);
    }
  }
  return out;
}

const clamp = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));
