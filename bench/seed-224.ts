/**
 * The seed's AlexNet (generated/alexnet) at 224×224, batch 32, on wasm: steps of the generated
 * trainer on photo-sized JPEGs. The first step (kernel set-up) is left out. The runner runs it
 * with the default thread count and again with ALEXC_WASM_THREADS=1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { wasmThreadsWanted } from "../src/runtime/wasm-threads.js";
import { main, photoFolder, ROOT, type BenchResult } from "./common.js";

const STEPS = Number(process.env["BENCH_SEED_STEPS"] ?? 6);

export async function run(): Promise<BenchResult> {
  const photos = await photoFolder(400);
  const trainer = (await import(pathToFileURL(join(ROOT, "generated", "alexnet", "train.ts")).href)) as {
    main(args: string[]): Promise<{ stepSeconds: number[] } | undefined>;
  };
  const out = mkdtempSync(join(tmpdir(), "alexc-bench-"));
  try {
    const result = await trainer.main([
      "--data",
      photos,
      "--val-split",
      "0",
      "--epochs",
      "1",
      "--steps",
      String(STEPS + 1),
      "--batch",
      "32",
      "--seed",
      "1",
      "--out",
      out,
      "--quiet",
      "--backend",
      "wasm",
    ]);
    const rates = result!.stepSeconds.slice(1).map((s) => 32 / s);
    const threads = wasmThreadsWanted();
    const plural = threads === 1 ? "thread" : "threads";
    return {
      name: process.env["ALEXC_WASM_THREADS"] === undefined ? "seed-224" : `seed-224-threads-${threads}`,
      title: `Seed AlexNet (16.6 M params) at 224×224, batch 32, wasm with ${threads} ${plural}: generated train.ts`,
      metrics: [{ name: `training images/s per step, wasm ${threads} ${plural}`, unit: "img/s", samples: rates }],
      notes: [
        `${STEPS} steps after the first, each its own sample, on JPEGs decoded and augmented by the trainer's data worker. ` +
          "History on this machine (1 thread): 4–5 img/s with only the missing gradient kernel supplied, 7.2 after relu fusion and padding 'same' (src/lower/fuse.ts), about 10 with the forward-conv gradients, 17.5 after the BatchMatMul rewrite (src/runtime/wasm-kernels.ts).",
      ],
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await main(import.meta.url, run);
