/**
 * Shared pieces of the benchmarks: the result format every bench/*.ts prints, statistics, the
 * machine description, and test data (a folder of photo-sized JPEGs, drawn once into a cache).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { renderBuiltin, BUILTIN_CLASSES } from "../src/runtime/builtin.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Metric {
  name: string;
  unit: string;
  /** One value per repetition. */
  samples: number[];
}

export interface BenchResult {
  name: string;
  title: string;
  metrics: Metric[];
  notes: string[];
  /** How the runner ran it (file and environment), filled in by bench/run.ts. */
  command?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function machine(): Record<string, string> {
  return {
    cpu: `${cpus()[0]?.model ?? "unknown"} × ${cpus().length}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    tfjs: tf.version.tfjs,
    "load average at start (1 min)": loadavg()[0]!.toFixed(2),
  };
}

/** Prints the result as JSON when the file is run directly (the runner reads it). */
export async function main(moduleUrl: string, run: () => Promise<BenchResult>): Promise<void> {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const result = await run();
  process.stdout.write(`BENCH-RESULT ${JSON.stringify(result)}\n`);
}

/**
 * `count` photo-like JPEGs of 500×375 (the flower photos' typical size) in 5 class folders, drawn
 * from the built-in shapes with camera-like noise, kept under tmp/ so repeated runs reuse them.
 */
export async function photoFolder(count: number): Promise<string> {
  const dir = join(ROOT, "tmp", `bench-photos-${count}`);
  const classes = BUILTIN_CLASSES.slice(0, 5);
  if (existsSync(dir) && classes.every((c) => existsSync(join(dir, c)) && readdirSync(join(dir, c)).length === count / 5)) return dir;
  for (const c of classes) mkdirSync(join(dir, c), { recursive: true });
  for (let i = 0; i < count; i++) {
    const label = i % 5;
    const index = Math.floor(i / 5) * 8 + label;
    const pixels = renderBuiltin(index, 250, 188, 3);
    const jpeg = await sharp(Buffer.from(pixels), { raw: { width: 250, height: 188, channels: 3 } })
      .resize(500, 375)
      .jpeg({ quality: 90 })
      .toBuffer();
    writeFileSync(join(dir, classes[label]!, `${index}.jpg`), jpeg);
  }
  return dir;
}
