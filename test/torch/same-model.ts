/**
 * The same-model proof's steps, shared by test/pytorch-target.test.ts (small specs) and
 * `npm run parity:torch` (test/torch/parity-all.ts, every spec at full size): compile a checked spec
 * for both targets, run the Python halves (check_model.py, logits.py), and compare logits with
 * PyTorch's weights moved into the generated tfjs model by src/runtime/torch-weights.ts.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { setTorchConv2dWeights, setTorchDenseWeights } from "../../src/runtime/index.js";
import type { CheckResult } from "../../src/check/check-spec.js";
import { emitModel } from "../../src/emit/emit.js";
import { writeOutputs } from "../../src/emit/write.js";
import { ROOT } from "../support.js";
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
export async function logitsDiff(folders: { torch: string; tfjs: string }): Promise<number> {
  const out = join(folders.torch, "parity");
  const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8")) as Array<{ name: string; shape: number[]; offset: number }>;
  const bytes = readFileSync(join(out, "tensors.bin"));
  const tensor = (name: string) => {
    const e = index.find((t) => t.name === name)!;
    const n = e.shape.reduce((a, b) => a * b, 1);
    return tf.tensor(new Float32Array(bytes.buffer.slice(bytes.byteOffset + e.offset, bytes.byteOffset + e.offset + 4 * n)), e.shape);
  };
  const mod = (await import(pathToFileURL(join(folders.tfjs, "model.ts")).href)) as { buildModel(): tf.LayersModel };
  const model = mod.buildModel();
  try {
    return tf.tidy(() => {
      for (const { name, shape } of index.filter((t) => t.name.endsWith(".weight"))) {
        const layer = name.slice(0, -".weight".length);
        const bias = index.some((t) => t.name === `${layer}.bias`) ? (tensor(`${layer}.bias`) as tf.Tensor1D) : undefined;
        if (shape.length === 4) setTorchConv2dWeights(model, layer, tensor(name) as tf.Tensor4D, bias);
        else setTorchDenseWeights(model, layer, tensor(name) as tf.Tensor2D, bias);
      }
      const y = model.predict(tensor("input").transpose([0, 2, 3, 1])) as tf.Tensor;
      return relErr(y.dataSync(), tensor("logits").dataSync());
    });
  } finally {
    model.dispose();
  }
}
