/**
 * Scaling of the generated PyTorch trainer (`alexc compile --target pytorch`): training images/s of
 * train.py with 1 process and with 2 under torchrun (DDP, gloo, CPU), on the seed model at 224×224
 * and alexnet-mini at 32×32, beside the generated tfjs train.ts (wasm) in the same run on the same
 * built-in images, batch 32. Needs a python3 with torch and torchvision (ALEXC_BENCH_PYTHON names
 * one); without it the PyTorch rows are reported as not measured.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compile } from "../src/compile.js";
import { writeOutputs } from "../src/emit/write.js";
import { main, ROOT, type BenchResult, type Metric } from "./common.js";

const CANDIDATES = [process.env["ALEXC_BENCH_PYTHON"], "python3", "/usr/bin/python3"].filter((p): p is string => !!p);
const MODELS = [
  { spec: "alexnet.anet", dir: "alexnet", label: "seed model 224×224", steps: Number(process.env["BENCH_TORCHRUN_SEED_STEPS"] ?? 8) },
  {
    spec: "alexnet-mini.anet",
    dir: "alexnet_mini",
    label: "alexnet-mini 32×32",
    steps: Number(process.env["BENCH_TORCHRUN_MINI_STEPS"] ?? 40),
  },
];
const BATCH = 32;

function findPython(): string | undefined {
  return CANDIDATES.find((p) => spawnSync(p, ["-c", "import torch, torchvision"], { stdio: "ignore" }).status === 0);
}

/** images/s of one epoch of `steps` batches (metrics.csv's images_per_second: every step, the first included). */
function torchRate(python: string, folder: string, processes: number, steps: number, out: string): number {
  const train = join(folder, "train.py");
  const args = ["--data", `builtin:${steps * BATCH}`, "--val-split", "0", "--epochs", "1", "--steps", String(steps)];
  const common = [...args, "--batch", String(BATCH), "--workers", "1", "--seed", "1", "--out", out, "--overwrite", "--quiet"];
  const argv =
    processes === 1
      ? [train, ...common]
      : // --redirects 1 --tee 1: torch 1.13's torchrun cannot parse its default `0` on Python ≥ 3.11.
        [
          "-m",
          "torch.distributed.run",
          "--standalone",
          "--nproc_per_node",
          String(processes),
          "--redirects",
          "1",
          "--tee",
          "1",
          train,
          ...common,
        ];
  const r = spawnSync(python, argv, { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: String(availableParallelism()) } });
  if (r.status !== 0) throw new Error(`train.py with ${processes} processes failed: ${r.stderr}`);
  const row = readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n")[1]!.split(",");
  return Number(row[5]);
}

/** The generated tfjs trainer on the same images: per-step images/s, the first step left out. */
async function tfjsRates(dir: string, steps: number, out: string): Promise<number[]> {
  const trainer = (await import(pathToFileURL(join(ROOT, "generated", dir, "train.ts")).href)) as {
    main(args: string[]): Promise<{ stepSeconds: number[] } | undefined>;
  };
  const result = await trainer.main([
    ...["--data", `builtin:${(steps + 1) * BATCH}`, "--val-split", "0", "--epochs", "1", "--steps", String(steps + 1)],
    ...["--batch", String(BATCH), "--seed", "1", "--out", out, "--overwrite", "--quiet", "--backend", "wasm"],
  ]);
  return result!.stepSeconds.slice(1).map((s) => BATCH / s);
}

export async function run(): Promise<BenchResult> {
  const python = findPython();
  const work = mkdtempSync(join(ROOT, "tmp", "bench-torchrun-"));
  const metrics: Metric[] = [];
  const notes: string[] = [];
  try {
    for (const m of MODELS) {
      metrics.push({
        name: `tfjs train.ts (wasm), ${m.label}: training images/s`,
        unit: "img/s",
        samples: await tfjsRates(m.dir, Math.min(m.steps, 6), join(work, `tfjs-${m.dir}`)),
      });
      if (python === undefined) continue;
      const r = compile(`specs/${m.spec}`, readFileSync(join(ROOT, "specs", m.spec), "utf8"), { target: "pytorch" });
      for (const o of r.outputs!) writeOutputs(join(work, "py"), o.dir, o.files);
      for (const processes of [1, 2]) {
        metrics.push({
          name: `PyTorch train.py, ${processes} process${processes === 1 ? "" : "es"} (gloo, CPU), ${m.label}: training images/s`,
          unit: "img/s",
          samples: [torchRate(python, join(work, "py", m.dir), processes, m.steps, join(work, `run-${m.dir}-${processes}`))],
        });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (python === undefined)
    notes.push(`No python3 with torch and torchvision (tried ${CANDIDATES.join(", ")}): PyTorch rows not measured.`);
  notes.push(
    `Batch ${BATCH} (global: 2 processes take ${BATCH / 2} each), built-in images drawn on the fly by both trainers, one data loader process per PyTorch process. ` +
      "PyTorch's figure is one epoch of the given steps including the first; tfjs's are its steps after the first. " +
      `On ${availableParallelism()} cores two processes share the cores one process already uses (torch sets cores / processes threads each), ` +
      "so the 2-process rows show DDP's cost on one machine; its gain comes with more machines or GPUs.",
  );
  return {
    name: "torchrun",
    title: "Generated PyTorch trainer: 1 and 2 processes (DDP, gloo, CPU) beside the tfjs trainer",
    metrics,
    notes,
  };
}

await main(import.meta.url, run);
