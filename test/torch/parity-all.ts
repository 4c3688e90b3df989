/**
 * `npm run parity:torch`: the same-model proof at full size for every spec in specs/ and each of
 * their variants (too slow for npm test, which proves alexnet-mini and small specs): PyTorch's
 * parameter count and per-layer output shapes equal the check's, and with PyTorch's weights in the
 * generated tfjs model (wasm backend) both give the same logits to 1e-4 relative. Prints one line
 * per model; exits 1 on any difference. docs/pytorch.md records its output.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { checkSpec } from "../../src/check/check-spec.js";
import { selectBackend } from "../../src/runtime/index.js";
import { groupThousands } from "../../src/util/numbers.js";
import { ROOT } from "../support.js";
import { TORCH_PYTHON } from "../torch-python.js";
import { compileBoth, logitsDiff, runPython, type Compiled } from "./same-model.js";

const TOL = 1e-4;
if (TORCH_PYTHON === undefined) {
  console.error("parity:torch: no python3 with torch and torchvision (apt-get install python3-torch python3-torchvision)");
  process.exit(2);
}
await selectBackend("wasm", () => {});
mkdirSync(join(ROOT, "tmp"), { recursive: true });
const work = mkdtempSync(join(ROOT, "tmp", "parity-all-"));
let failed = false;
try {
  const cases: Compiled[] = [];
  for (const file of readdirSync(join(ROOT, "specs"))
    .filter((f) => f.endsWith(".anet"))
    .sort()) {
    const spec = checkSpec(`specs/${file}`, readFileSync(join(ROOT, "specs", file), "utf8"));
    for (const r of spec.results) if (r.checked?.complete) cases.push(compileBoth(work, r));
  }
  const fail = (status: number | null, stderr: string) => {
    if (status !== 0) throw new Error(stderr);
  };
  const reports = runPython(["test/torch/check_model.py", ...cases.map((c) => c.torch)], () => {})
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { ok: boolean; params: number });
  runPython(["test/torch/logits.py", ...cases.map((c) => c.torch)], fail);
  for (const [i, c] of cases.entries()) {
    const rep = reports[i]!;
    const err = await logitsDiff(c);
    const ok = rep.ok && BigInt(rep.params) === c.r.checked!.totals.params && err <= TOL;
    failed ||= !ok;
    console.log(
      `${ok ? "ok  " : "FAIL"} ${c.torch.slice(work.length + 4).padEnd(22)} params ${groupThousands(BigInt(rep.params)).padStart(11)} ` +
        `(check ${groupThousands(c.r.checked!.totals.params)}), shapes ${rep.ok ? "equal" : "DIFFER"}, logits max relative difference ${err.toExponential(2)}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
