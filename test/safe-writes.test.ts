/**
 * Safe writes, on real files: output stays inside the chosen folder (no `..`, no writing through
 * symlinks), and a compile killed at any moment leaves every file either old or complete.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CLI, ROOT, runCli } from "./support.js";

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "alexc-write-"));
  cpSync(join(ROOT, "specs"), join(dir, "specs"), { recursive: true });
  return dir;
}

function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(root)) return out;
  for (const f of readdirSync(root, { recursive: true }).map(String)) {
    const p = join(root, f);
    if (lstatSync(p).isFile()) out.set(f, readFileSync(p, "utf8"));
  }
  return out;
}

test("-o ../outside is refused and creates nothing", () => {
  const dir = project();
  try {
    const r = runCli(["compile", "alexnet.anet", "-o", "../outside"], { cwd: join(dir, "specs") });
    assert.is(r.status, 2);
    assert.match(r.stderr, /output folder \.\.\/outside is outside the working directory/);
    assert.not.ok(existsSync(join(dir, "outside")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a symlinked model folder pointing outside the output root is refused", () => {
  const dir = project();
  const victim = mkdtempSync(join(tmpdir(), "alexc-victim-"));
  try {
    mkdirSync(join(dir, "generated"));
    symlinkSync(victim, join(dir, "generated", "alexnet"));
    const r = runCli(["compile", "specs/alexnet.anet"], { cwd: dir });
    assert.is(r.status, 2);
    assert.match(r.stderr, /generated\/alexnet is a symlink to .*, outside generated: refusing to write through it/);
    assert.equal(readdirSync(victim), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(victim, { recursive: true, force: true });
  }
});

test("a symlinked output file is replaced, its target untouched; leftover temp files are cleared", () => {
  const dir = project();
  const victim = join(mkdtempSync(join(tmpdir(), "alexc-victim-")), "secret.txt");
  try {
    writeFileSync(victim, "secret\n");
    mkdirSync(join(dir, "generated", "alexnet"), { recursive: true });
    symlinkSync(victim, join(dir, "generated", "alexnet", "model.ts"));
    symlinkSync(victim, join(dir, "generated", "alexnet", "train.ts.alexc-4242.tmp"));
    const r = runCli(["compile", "specs/alexnet.anet"], { cwd: dir });
    assert.is(r.status, 0, r.stderr);
    assert.is(readFileSync(victim, "utf8"), "secret\n");
    assert.ok(lstatSync(join(dir, "generated", "alexnet", "model.ts")).isFile());
    assert.equal(readdirSync(join(dir, "generated", "alexnet")).sort(), ["model.ts", "predict.ts", "train.ts"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dirname(victim), { recursive: true, force: true });
  }
});

/** Old outputs from the committed spec, new ones from a changed spec: a crash must leave a mix of whole files. */
function crashProject(): { dir: string; before: Map<string, string>; after: Map<string, string> } {
  const dir = project();
  const spec = join(dir, "specs", "alexnet-table.anet");
  const compile = () => runCli(["compile", "specs/alexnet-table.anet", "--all-variants", "-o", "out"], { cwd: dir });
  assert.is(compile().status, 0);
  const before = snapshot(join(dir, "out"));
  const original = readFileSync(spec, "utf8");
  writeFileSync(spec, original.replace("dropout(0.5)", "dropout(0.25)"));
  const fresh = mkdtempSync(join(tmpdir(), "alexc-new-"));
  assert.is(runCli(["compile", "specs/alexnet-table.anet", "--all-variants", "-o", fresh], { cwd: dir }).status, 0);
  const after = snapshot(fresh);
  rmSync(fresh, { recursive: true, force: true });
  return { dir, before, after };
}

function assertWholeFiles(root: string, before: Map<string, string>, after: Map<string, string>, when: string): void {
  for (const [name, content] of snapshot(root)) {
    if (/\.alexc-\d+(?:-[0-9a-f]+)?\.tmp$/.test(name)) continue; // a temp file is never a target; the next run clears it
    assert.ok(content === before.get(name) || content === after.get(name), `${when}: ${name} is neither the old nor the new file`);
  }
  for (const name of before.keys()) assert.ok(existsSync(join(root, name)), `${when}: ${name} disappeared`);
}

test("a compile killed at each write (fault injection) leaves old or complete files", () => {
  const { dir, before, after } = crashProject();
  try {
    for (const point of ["before-rename", "after-rename"]) {
      for (let n = 1; n <= 6; n += 2) {
        const r = runCli(["compile", "specs/alexnet-table.anet", "--all-variants", "-o", "out"], {
          cwd: dir,
          env: { ALEXC_FAULT: `${point}:${n}` },
        });
        assert.is(r.status, -1, `${point}:${n} should have been killed`);
        assertWholeFiles(join(dir, "out"), before, after, `${point}:${n}`);
      }
    }
    assert.is(runCli(["compile", "specs/alexnet-table.anet", "--all-variants", "-o", "out"], { cwd: dir }).status, 0);
    assert.equal(snapshot(join(dir, "out")), after);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a real compile killed with SIGKILL at random moments leaves old or complete files", async () => {
  const { dir, before, after } = crashProject();
  try {
    for (let i = 0; i < 12; i++) {
      const child = spawn(process.execPath, [CLI, "compile", "specs/alexnet-table.anet", "--all-variants", "-o", "out"], {
        cwd: dir,
        stdio: "ignore",
      });
      // Listen from the start: a fast compile may finish before the kill.
      const exited = new Promise((r) => child.on("exit", r));
      await new Promise((r) => setTimeout(r, 150 + i * 40));
      child.kill("SIGKILL");
      await exited;
      assertWholeFiles(join(dir, "out"), before, after, `kill after ${150 + i * 40} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
