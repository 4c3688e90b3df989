/**
 * The same-model proof's steps, shared by test/pytorch-target.test.ts (small specs) and
 * `npm run parity:torch` (test/torch/parity-all.ts, every spec at full size): compile a checked spec
 * for both targets, run the Python halves (check_model.py, logits.py), and compare logits with
 * PyTorch's weights moved into the generated tfjs model by the layer table's torchParams hooks (as
 * `alexc import-weights` moves them).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { StateDict } from "../../src/runtime/torch/dtypes.js";
import { torchToTfjs } from "../../src/views/export/torch-state.js";
import type { CheckResult } from "../../src/check/check-spec.js";
import { emitModel } from "../../src/emit/emit.js";
import { writeOutputs } from "../../src/emit/write.js";
import { ROOT, importTs } from "../support.js";
import { TORCH_PYTHON } from "../torch-python.js";
import { relErr } from "../numeric.js";

export interface Compiled {
  torch: string;
  tfjs: string;
  r: CheckResult;
}

/** Writes the PyTorch folder under `work`/py and the tfjs one under `work`/ts (which must lie inside this package). */
export function compileBoth(work: string, r: CheckResult): Compiled {
  const py = emitModel(r.checked!, r.file, "pytorch");
  writeOutputs(join(work, "py"), py.dir, py.files);
  const ts = emitModel(r.checked!, r.file);
  writeOutputs(join(work, "ts"), ts.dir, ts.files);
  return { torch: join(work, "py", py.dir), tfjs: join(work, "ts", ts.dir), r };
}

/** Runs the torch python from the package root; `check` sees the exit status and stderr. */
export function runPython(args: string[], check: (status: number | null, stderr: string) => void): string {
  const r = spawnSync(TORCH_PYTHON!, args, { encoding: "utf8", cwd: ROOT, env: { ...process.env, OMP_NUM_THREADS: "1" } });
  check(r.status, r.stderr);
  return r.stdout;
}

/**
 * After logits.py wrote `<folder>/parity/`: PyTorch's weights into the generated tfjs model, its
 * input through both; the largest difference of the logits relative to the largest of PyTorch's.
 */
export async function logitsDiff(folders: Compiled): Promise<number> {
  const out = join(folders.torch, "parity");
  const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8")) as Array<{ name: string; shape: number[]; offset: number }>;
  const bytes = readFileSync(join(out, "tensors.bin"));
  const values = (name: string): Float32Array => {
    const e = index.find((t) => t.name === name)!;
    const n = e.shape.reduce((a, b) => a * b, 1);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset + e.offset, bytes.byteOffset + e.offset + 4 * n));
  };
  const shapeOf = (name: string): number[] => index.find((t) => t.name === name)!.shape;
  // PyTorch's state dict into the tfjs model through the layer table's torchParams hooks, as
  // `alexc import-weights` moves it.
  const checked = folders.r.checked!;
  const dict: StateDict = new Map(
    index
      .filter((t) => t.name !== "input" && t.name !== "logits")
      .map(
        (t) =>
          [
            t.name,
            { dtype: t.name.endsWith("num_batches_tracked") ? "int64" : "float32", shape: t.shape, values: values(t.name) },
          ] as const,
      ),
  );
  const { weights, problems } = torchToTfjs(checked, dict, { where: (l) => l.name });
  if (problems.length > 0) throw new Error(`PyTorch's state dict does not fit the tfjs model: ${problems.join("; ")}`);
  const mod = (await importTs(join(folders.tfjs, "model.ts"))) as { buildModel(): tf.LayersModel };
  const model = mod.buildModel();
  try {
    for (const w of model.weights) {
      const given = weights.get(w.originalName);
      if (!given) throw new Error(`no PyTorch value for ${w.originalName}`);
      w.write(tf.tensor(given.values, given.shape));
    }
    return tf.tidy(() => {
      const input = tf.tensor(values("input"), shapeOf("input")).transpose([0, 2, 3, 1]);
      const y = model.predict(input) as tf.Tensor;
      return relErr(y.dataSync(), values("logits"));
    });
  } finally {
    model.dispose();
  }
}
