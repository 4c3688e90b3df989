/**
 * The compiler's own speed: cold `alexc check` (a whole process) against bare `node -e 0`, warm
 * in-process check and compile of the seed spec, and check time and memory for generated specs of
 * 10 to 10,000 layers, each size in a fresh process so peak memory is its own.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main, ROOT, type BenchResult, type Metric } from "./common.js";

const CLI = join(ROOT, "dist", "cli", "alexc.cjs");
const SIZES = [10, 100, 1000, 10000];
const ROUNDS = 9;

function wall(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "ignore" });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} exited ${r.status}`);
  return performance.now() - start;
}

/** A spec of `n` feature layers (conv, relu, dropout in turn) ending in flatten and dense. */
export function generatedSpec(n: number): string {
  const lines = ["model generated {", "  input 3x64x64", "  block features {"];
  for (let i = 0; i < n; i++) lines.push(["    conv(8, kernel=3, padding=1)", "    relu", "    dropout(0.1)"][i % 3]!);
  lines.push("  }", "  flatten", "  dense(10)", "}", "");
  return lines.join("\n");
}

/** Runs in a child: checks one generated spec, prints time (ms) and peak RSS growth (MiB). */
async function child(n: number): Promise<void> {
  const { checkSource } = await import("../src/check/check-spec.js");
  const text = generatedSpec(n);
  const before = process.memoryUsage().rss;
  const start = performance.now();
  const r = checkSource("generated.anet", text);
  const ms = performance.now() - start;
  if (r.checked?.layers.length !== n + 2) throw new Error(`checked ${r.checked?.layers.length} layers`);
  process.stdout.write(`${ms} ${(process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20}\n`);
}

async function run(): Promise<BenchResult> {
  const metrics: Metric[] = [];
  const cold: number[] = [];
  const bare: number[] = [];
  // Alternate the two so machine load hits both alike; first rounds warm the file cache.
  for (let i = 0; i < ROUNDS + 2; i++) {
    const a = wall([CLI, "check", "specs/alexnet.anet"]);
    const b = wall(["-e", "0"]);
    if (i >= 2) {
      cold.push(a);
      bare.push(b);
    }
  }
  metrics.push({ name: "cold `alexc check specs/alexnet.anet` (whole process)", unit: "ms", samples: cold });
  metrics.push({ name: "bare `node -e 0`", unit: "ms", samples: bare });
  metrics.push({ name: "ratio cold check / bare node", unit: "×", samples: cold.map((c, i) => c / bare[i]!) });

  const { checkSource } = await import("../src/check/check-spec.js");
  const { emitModel } = await import("../src/emit/emit.js");
  const { SourceFile } = await import("../src/diagnostics/source.js");
  const text = readFileSync(join(ROOT, "specs", "alexnet.anet"), "utf8");
  const timeIt = (f: () => void, reps: number): number[] => {
    for (let i = 0; i < 20; i++) f();
    return Array.from({ length: reps }, () => {
      const start = performance.now();
      for (let i = 0; i < 20; i++) f();
      return ((performance.now() - start) / 20) * 1000;
    });
  };
  metrics.push({
    name: "in-process check of specs/alexnet.anet (warm)",
    unit: "µs",
    samples: timeIt(() => checkSource("alexnet.anet", text), ROUNDS),
  });
  metrics.push({
    name: "in-process check + compile (emit) of specs/alexnet.anet (warm)",
    unit: "µs",
    samples: timeIt(() => emitModel(checkSource("alexnet.anet", text).checked!, new SourceFile("specs/alexnet.anet", text)), ROUNDS),
  });

  const times = new Map<number, number[]>();
  for (const n of SIZES) {
    const samples: number[] = [];
    const memory: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", "compiler.ts"), "--child", String(n)], {
        cwd: ROOT,
        encoding: "utf8",
      });
      const [ms, mib] = r.stdout.trim().split(" ").map(Number);
      samples.push(ms!);
      memory.push(mib!);
    }
    times.set(n, samples);
    metrics.push({ name: `check of a ${n.toLocaleString("en")}-layer spec (in a fresh process)`, unit: "ms", samples });
    metrics.push({ name: `peak memory growth while checking ${n.toLocaleString("en")} layers`, unit: "MiB", samples: memory });
  }
  for (let i = 1; i < SIZES.length; i++) {
    const a = times.get(SIZES[i - 1]!)!;
    const b = times.get(SIZES[i]!)!;
    metrics.push({ name: `growth ${SIZES[i - 1]} → ${SIZES[i]} layers (time ratio)`, unit: "×", samples: b.map((t, k) => t / a[k]!) });
  }
  return {
    name: "compiler",
    title: "The compiler: start-up, warm speed, scaling",
    metrics,
    notes: [
      `${ROUNDS} alternating rounds for the cold start; 20 warm-up calls, then ${ROUNDS} batches of 20 in-process; 5 fresh processes per spec size. Targets: cold check ≤ 2× bare node, 10,000 layers < 0.5 s, growth ≤ 12× per 10× layers.`,
    ],
  };
}

if (process.argv[2] === "--child") await child(Number(process.argv[3]));
else await main(import.meta.url, run);
