/**
 * How long a generated program takes to start, before its first step: `npx tsx train.ts --help`
 * (the route the README shows) runs every import a training run makes, then prints and exits. The
 * same imports are measured side by side with Node's source maps left on while tfjs loads, as they
 * were before alexc/runtime turned them off for its own dependencies (src/runtime/source-maps-off.ts).
 * CPU time is the process's own (user + system), wall time is from spawn to exit.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { main, ROOT, type BenchResult } from "./common.js";

const ROUNDS = Number(process.env["BENCH_STARTUP_ROUNDS"] ?? 7);
const CPU_AT_EXIT = pathToFileURL(join(ROOT, "bench", "cpu-at-exit.ts")).href;

interface Start {
  wallMs: number;
  cpuMs: number;
}

function start(args: string[]): Start {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "--import", CPU_AT_EXIT, ...args], { cwd: ROOT, encoding: "utf8" });
  const wallMs = performance.now() - t0;
  const cpu = /BENCH-CPU ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !cpu) throw new Error(`${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return { wallMs, cpuMs: Number(cpu[1]) };
}

export async function run(): Promise<BenchResult> {
  // Inside the repository, where node_modules resolves.
  mkdirSync(join(ROOT, "tmp"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, "tmp", "bench-startup-"));
  // What alexc/runtime loads, with tsx's source maps left on (the imports a trainer makes before alexc's own code).
  const mapsOn = join(dir, "maps-on.mjs");
  writeFileSync(mapsOn, 'import "@tensorflow/tfjs";\nimport "@tensorflow/tfjs-backend-wasm";\nimport "sharp";\n');
  const window = join(dir, "runtime.mjs");
  writeFileSync(window, `import ${JSON.stringify(pathToFileURL(join(ROOT, "dist", "src", "runtime", "index.js")).href)};\n`);
  const trainHelp = [join(ROOT, "generated", "alexnet_mini", "train.ts"), "--help"];
  const samples: Record<"train" | "on" | "window", Start[]> = { train: [], on: [], window: [] };
  try {
    // Interleaved, so a change in the machine's load falls on all three alike.
    for (let i = 0; i < ROUNDS; i++) {
      samples.train.push(start(trainHelp));
      samples.on.push(start([mapsOn]));
      samples.window.push(start([window]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (s: Start[], pick: keyof Start): number[] => s.map((x) => x[pick]);
  return {
    name: "startup",
    title: "Start-up of a generated program under tsx (alexnet-mini train.ts --help)",
    metrics: [
      { name: "train.ts --help under tsx, wall", unit: "ms", samples: ms(samples.train, "wallMs") },
      { name: "train.ts --help under tsx, CPU", unit: "ms", samples: ms(samples.train, "cpuMs") },
      { name: "import alexc/runtime under tsx, CPU", unit: "ms", samples: ms(samples.window, "cpuMs") },
      { name: "import tfjs, wasm backend, sharp under tsx with source maps on, CPU", unit: "ms", samples: ms(samples.on, "cpuMs") },
      {
        name: "ratio CPU alexc/runtime (its dependencies and more) / its dependencies with source maps on",
        unit: "×",
        samples: samples.window.map((w, i) => w.cpuMs / samples.on[i]!.cpuMs),
      },
    ],
    notes: [
      "alexc/runtime imports more than tfjs, its wasm backend and sharp (its own ~40 modules), so a ratio",
      "below 1 is what switching source maps off while they load saves, and then some.",
    ],
  };
}

await main(import.meta.url, run);
