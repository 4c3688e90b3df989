/**
 * A python3 that imports torch and torchvision, for the PyTorch-target tests: $ALEXC_TORCH_PYTHON,
 * python3, /usr/bin/python3 (Debian's python3-torch is installed for the system python only, while
 * `python3` on PATH may be another one). .ci/run installs python3-torch where it can; where no
 * candidate has it, the tests say so and are skipped.
 */
import { spawnSync } from "node:child_process";

const CANDIDATES = [process.env["ALEXC_TORCH_PYTHON"], "python3", "/usr/bin/python3"].filter((p): p is string => !!p);

export const TORCH_PYTHON: string | undefined = CANDIDATES.find(
  (p) => spawnSync(p, ["-c", "import torch, torchvision, numpy, PIL"], { stdio: "ignore" }).status === 0,
);

/** Warns once per suite when the PyTorch tests cannot run. */
export function warnWhenMissing(suite: string): void {
  if (TORCH_PYTHON === undefined)
    console.warn(
      `\n  SKIPPED ${suite}: no python3 with torch and torchvision (tried ${CANDIDATES.join(", ")}). ` +
        "Install them with `apt-get install -y python3-torch python3-torchvision` (as .ci/run does) or set ALEXC_TORCH_PYTHON.\n",
    );
}
