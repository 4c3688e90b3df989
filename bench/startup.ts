/**
 * How long a generated program takes to start, before its first step: `npx tsx train.ts --help`
 * (the route the README shows) runs every import a training run makes, then prints and exits. The
 * same imports are measured side by side with Node's source maps left on while tfjs loads, as they
 * were before alexc/runtime turned them off for its own dependencies (src/runtime/source-maps-off.ts),
 * and with the whole @tensorflow/tfjs bundle it imported before it took only the parts it uses.
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
  const script = (name: string, imports: string[]): string => {
    const file = join(dir, name);
    writeFileSync(file, imports.map((i) => `import ${JSON.stringify(i)};\n`).join(""));
    return file;
  };
  // What alexc/runtime loads before its own code, with tsx's source maps left on (sharp is not among
  // them: it loads on the first image file decoded); and what it loaded before it took only
  // tfjs-core and tfjs-layers and deferred sharp: the @tensorflow/tfjs bundle, wasm and sharp.
  const deps = ["@tensorflow/tfjs-core", "@tensorflow/tfjs-layers", "@tensorflow/tfjs-backend-cpu", "@tensorflow/tfjs-backend-wasm"];
  const depsOn = script("deps.mjs", deps);
  const bundleOn = script("bundle.mjs", ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "sharp"]);
  const runtime = script("runtime.mjs", [pathToFileURL(join(ROOT, "dist", "src", "runtime", "index.js")).href]);
  const trainHelp = [join(ROOT, "generated", "alexnet_mini", "train.ts"), "--help"];
  const samples: Record<"train" | "deps" | "bundle" | "runtime", Start[]> = { train: [], deps: [], bundle: [], runtime: [] };
  try {
    // Interleaved, so a change in the machine's load falls on all alike.
    for (let i = 0; i < ROUNDS; i++) {
      samples.train.push(start(trainHelp));
      samples.deps.push(start([depsOn]));
      samples.bundle.push(start([bundleOn]));
      samples.runtime.push(start([runtime]));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (s: Start[], pick: keyof Start): number[] => s.map((x) => x[pick]);
  const ratio = (a: Start[], b: Start[]): number[] => a.map((x, i) => x.cpuMs / b[i]!.cpuMs);
  return {
    name: "startup",
    title: "Start-up of a generated program under tsx (alexnet-mini train.ts --help)",
    metrics: [
      { name: "train.ts --help under tsx, wall", unit: "ms", samples: ms(samples.train, "wallMs") },
      { name: "train.ts --help under tsx, CPU", unit: "ms", samples: ms(samples.train, "cpuMs") },
      { name: "import alexc/runtime under tsx, CPU", unit: "ms", samples: ms(samples.runtime, "cpuMs") },
      { name: "import its dependencies under tsx with source maps on, CPU", unit: "ms", samples: ms(samples.deps, "cpuMs") },
      {
        name: "import the tfjs bundle, wasm backend and sharp under tsx with source maps on, CPU",
        unit: "ms",
        samples: ms(samples.bundle, "cpuMs"),
      },
      {
        name: "ratio CPU alexc/runtime (its dependencies and more) / its dependencies with source maps on",
        unit: "×",
        samples: ratio(samples.runtime, samples.deps),
      },
      {
        name: "ratio CPU alexc/runtime / the tfjs bundle with source maps on (before both)",
        unit: "×",
        samples: ratio(samples.runtime, samples.bundle),
      },
    ],
    notes: [
      "alexc/runtime imports more than its dependencies (its own ~40 modules), so a first ratio below 1 is",
      "what switching source maps off while they load saves, and then some; the second adds leaving out",
      "the bundle's converter, tf.data and WebGL backend.",
    ],
  };
}

await main(import.meta.url, run);
