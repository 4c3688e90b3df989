/**
 * Backend choice when a native TensorFlow binding is installed but unusable: reported, never a
 * silent fallback. A fake @tensorflow/tfjs-node is put on NODE_PATH (where require.resolve finds
 * it) for a child process that selects a backend.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support.js";

function withFakeNode(version: string, choice: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "alexc-fake-"));
  try {
    const pkg = join(dir, "@tensorflow", "tfjs-node");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@tensorflow/tfjs-node", version, main: "index.js" }));
    writeFileSync(join(pkg, "index.js"), "throw new Error('libtensorflow.so.2: cannot open shared object file');\n");
    const script = `import { selectBackend } from "alexc/runtime";
try { const b = await selectBackend(${JSON.stringify(choice)}, (l) => console.log(l)); console.log("chose " + b.name); }
catch (e) { console.log("refused: " + e.message); }`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NODE_PATH: dir, ALEXC_BACKEND: "" },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("'tensorflow' with a native binding of another version: refused, with the install that fixes it", () => {
  const r = withFakeNode("4.20.0", "tensorflow");
  assert.match(
    r.stdout,
    /refused: .*@tensorflow\/tfjs-node: version 4\.20\.0 is installed, but alexc's @tensorflow\/tfjs-core is 4\.22\.0; install @tensorflow\/tfjs-node@4\.22\.0/,
  );
});

test("'auto' with a broken native binding: a warning naming it, then wasm", () => {
  const r = withFakeNode("4.22.0", "auto");
  assert.match(r.stderr, /alexc: WARNING: @tensorflow\/tfjs-node: libtensorflow\.so\.2: cannot open shared object file; falling back/);
  assert.match(r.stdout, /chose wasm/);
});

test("'auto' with no native binding at all: wasm, quietly", () => {
  const r = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { selectBackend } from "alexc/runtime"; const b = await selectBackend("auto", () => {}); console.log("chose " + b.name);`,
    ],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, ALEXC_BACKEND: "" } },
  );
  assert.match(r.stdout, /chose wasm/);
  assert.not.match(r.stderr, /WARNING/);
});

test.run();
