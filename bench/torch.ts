/**
 * PyTorch on the same CPU, same models and batch (bench/torch_train.py): the seed model at
 * 224×224 and alexnet-mini at 32×32, batch 32, with as many threads as the machine has cores and
 * with one. Needs a python3 that imports torch (Debian: apt install python3-torch); ALEXC_BENCH_PYTHON
 * names one. Without it the result says so and the runner reports the PyTorch rows as not measured.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { main, ROOT, type BenchResult, type Metric } from "./common.js";

const CANDIDATES = [process.env["ALEXC_BENCH_PYTHON"], "python3", "/usr/bin/python3"].filter((p): p is string => !!p);
const SEED_STEPS = Number(process.env["BENCH_TORCH_SEED_STEPS"] ?? 6);
const MINI_STEPS = Number(process.env["BENCH_TORCH_MINI_STEPS"] ?? 60);

function findPython(): string | undefined {
  return CANDIDATES.find((p) => spawnSync(p, ["-c", "import torch"], { stdio: "ignore" }).status === 0);
}

interface TorchRun {
  torch: string;
  threads: number;
  seconds: number[];
}

function trainSpeed(python: string, model: "seed" | "mini", threads: number, steps: number): TorchRun {
  const r = spawnSync(
    python,
    [join(ROOT, "bench", "torch_train.py"), "--model", model, "--threads", String(threads), "--steps", String(steps)],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`torch_train.py --model ${model} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as TorchRun;
}

export async function run(): Promise<BenchResult> {
  const python = findPython();
  const base = { name: "torch", title: "PyTorch on the same CPU (seed model 224×224 and alexnet-mini 32×32, batch 32)" };
  if (python === undefined) {
    return {
      ...base,
      metrics: [],
      notes: [
        `No python3 with torch found (tried ${CANDIDATES.join(", ")}): PyTorch rows not measured. Debian: apt install python3-torch.`,
      ],
    };
  }
  const cores = availableParallelism();
  const metrics: Metric[] = [];
  let version = "";
  for (const [model, label, steps] of [
    ["seed", "seed model 224×224", SEED_STEPS],
    ["mini", "alexnet-mini 32×32", MINI_STEPS],
  ] as const) {
    for (const threads of cores > 1 ? [cores, 1] : [1]) {
      const r = trainSpeed(python, model, threads, steps);
      version = r.torch;
      metrics.push({
        name: `PyTorch ${label}, ${r.threads} thread${r.threads === 1 ? "" : "s"}: training images/s`,
        unit: "img/s",
        samples: r.seconds.map((s) => 32 / s),
      });
    }
  }
  return {
    ...base,
    metrics,
    notes: [
      `torch ${version} from ${python}. Adam at the spec's learning rate, cross-entropy, dropout on, random batches already in memory: PyTorch does no data work, while alexc's rows include decoding and augmentation. ` +
        "Each step after two warm-up steps is a sample.",
      "Why wasm trails here: with 2 threads about 73% of a seed-model step on wasm is convolution kernels that already run through XNNPACK's SIMD GEMM (`npm run bench:kernels`). " +
        "tfjs 4.22's wasm build has 128-bit SIMD without fused multiply-add (about 20 G multiply-adds/s per thread on the forward convs here), while PyTorch's oneDNN uses 256-bit AVX2 FMA, " +
        "so the wasm convolutions alone take about as long as PyTorch's whole step. The 10.5 img/s quoted for PyTorch in issue 9 is not what this Debian build does on this machine: see the rows above.",
    ],
  };
}

await main(import.meta.url, run);
