/**
 * The CI checks on real files in temp dirs: the drift check of generated/ (stale, edited, missing,
 * extra) and the shape lock (pass, fail with old vs new, missing entries).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, appendFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { CLI, ROOT, runCli } from "./support.js";

/** A scratch project: specs/ and generated/ copied from the repo. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "alexc-ci-"));
  cpSync(join(ROOT, "specs"), join(dir, "specs"), { recursive: true });
  cpSync(join(ROOT, "generated"), join(dir, "generated"), { recursive: true });
  return dir;
}

test("compile --check: up to date, then one stale, one edited, one missing and one extra file are all named", () => {
  const dir = project();
  try {
    const ok = runCli(["compile", "specs/alexnet-table.anet", "--all-variants", "--check"], { cwd: dir });
    assert.is(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stderr, /generated: up to date with specs\/alexnet-table\.anet/);
    // stale: the spec changed; edited: a generated file changed by hand
    writeFileSync(
      join(dir, "specs/alexnet-table.anet"),
      readFileSync(join(dir, "specs/alexnet-table.anet"), "utf8").replace("dropout(0.5)", "dropout(0.4)"),
    );
    appendFileSync(join(dir, "generated/alexnet_table-cifar/train.ts"), "// hand edit\n");
    unlinkSync(join(dir, "generated/alexnet_table-flowers/model.ts"));
    writeFileSync(join(dir, "generated/alexnet_table/notes.txt"), "extra\n");
    mkdirSync(join(dir, "generated/alexnet_table-gone"));
    cpSync(join(ROOT, "generated/alexnet_table-cifar/model.ts"), join(dir, "generated/alexnet_table-gone/model.ts"));
    const r = runCli(["compile", "specs/alexnet-table.anet", "--all-variants", "--check"], { cwd: dir });
    assert.is(r.status, 1);
    const lines = r.stdout.trim().split("\n");
    assert.ok(lines.includes("stale    generated/alexnet_table/model.ts (the spec or alexc changed since it was generated)"), r.stdout);
    assert.ok(lines.includes("missing  generated/alexnet_table-flowers/model.ts"), r.stdout);
    assert.ok(
      lines.includes("extra    generated/alexnet_table/notes.txt (not written by alexc: move it out of the output folder)"),
      r.stdout,
    );
    assert.ok(lines.includes("obsolete generated/alexnet_table-gone (generated from this spec before; the compile removes it)"), r.stdout);
    assert.ok(
      lines.some((l) => l.startsWith("stale    generated/alexnet_table-cifar/train.ts")),
      r.stdout,
    );
    // --check wrote nothing
    assert.throws(() => readFileSync(join(dir, "generated/alexnet_table-flowers/model.ts")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs the command a drift report advises (its `run alexc compile …` line) through this build. */
function followAdvice(stderr: string, cwd: string): void {
  const advice = /run (alexc compile .*)$/m.exec(stderr)?.[1];
  assert.ok(advice, `no compile advice in: ${stderr}`);
  const r = spawnSync("sh", ["-c", advice!.replace(/^alexc /, `"${process.execPath}" "${CLI}" `)], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  assert.is(r.status, 0, r.stderr);
}

test("compile --check: tsc's build output beside generated files is not drift", () => {
  const dir = project();
  try {
    for (const name of ["model.js", "model.js.map", "model.d.ts", "model.d.ts.map", "train.js", "predict.mjs", "predict.d.mts"])
      writeFileSync(join(dir, "generated/alexnet", name), "// tsc output\n");
    const r = runCli(["compile", "specs/alexnet.anet", "--check"], { cwd: dir });
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.is(r.stdout, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compile --check: following the advice makes the check pass (obsolete files, variant folders, -o and --set kept)", () => {
  const dir = project();
  try {
    const spec = join(dir, "specs/alexnet-table.anet");
    const args = ["specs/alexnet-table.anet", "-o", "src/my models", "--set", "num_classes=7", "--all-variants"];
    assert.is(runCli(["compile", ...args], { cwd: dir }).status, 0);
    const out = join(dir, "src/my models");
    // An earlier alexc wrote a file it no longer writes (with tsc's output of it), a variant was
    // removed from the spec, and the user's own build output sits beside the generated code.
    cpSync(join(out, "alexnet_table/model.ts"), join(out, "alexnet_table/old.ts"));
    writeFileSync(join(out, "alexnet_table/old.js"), "// tsc output\n");
    writeFileSync(join(out, "alexnet_table/model.js"), "// tsc output\n");
    writeFileSync(join(out, "alexnet_table-flowers/model.js"), "// tsc output\n");
    writeFileSync(spec, readFileSync(spec, "utf8").replace(/\n\s*variant flowers \{[^}]*\}/, ""));
    const before = runCli(["compile", ...args, "--check"], { cwd: dir });
    assert.is(before.status, 1);
    const lines = before.stdout.trim().split("\n");
    assert.ok(
      lines.includes("obsolete src/my models/alexnet_table/old.ts (generated from this spec before; the compile removes it)"),
      before.stdout,
    );
    assert.ok(
      lines.includes("obsolete src/my models/alexnet_table-flowers (generated from this spec before; the compile removes it)"),
      before.stdout,
    );
    assert.ok(!lines.some((l) => /model\.js|old\.js/.test(l)), before.stdout);
    assert.match(
      before.stderr,
      /out of date: run alexc compile specs\/alexnet-table\.anet -o 'src\/my models' --set num_classes=7 --all-variants\n/,
    );
    followAdvice(before.stderr, dir);
    const after = runCli(["compile", ...args, "--check"], { cwd: dir });
    assert.is(after.status, 0, after.stdout + after.stderr);
    assert.throws(() => readFileSync(join(out, "alexnet_table/old.js")));
    assert.throws(() => readFileSync(join(out, "alexnet_table-flowers/model.js")), "the variant folder is gone");
    assert.ok(readFileSync(join(out, "alexnet_table/model.js"), "utf8"), "the user's build of a current file stays");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compile --check: a file alexc did not write is extra, named with advice to move it, and never deleted", () => {
  const dir = project();
  try {
    writeFileSync(join(dir, "generated/alexnet/notes.md"), "mine\n");
    mkdirSync(join(dir, "generated/alexnet/data"));
    const r = runCli(["compile", "specs/alexnet.anet", "--check"], { cwd: dir });
    assert.is(r.status, 1);
    assert.is(
      r.stdout,
      "extra    generated/alexnet/data (not written by alexc: move it out of the output folder)\nextra    generated/alexnet/notes.md (not written by alexc: move it out of the output folder)\n",
    );
    assert.is(
      r.stderr.trim().split("\n").pop(),
      "2 extra files in the output folder: move them elsewhere (alexc never deletes files it did not write)",
    );
    assert.not.match(r.stderr, /run alexc compile/, "a compile would not resolve it, so it is not advised");
    assert.is(runCli(["compile", "specs/alexnet.anet"], { cwd: dir }).status, 0);
    assert.is(readFileSync(join(dir, "generated/alexnet/notes.md"), "utf8"), "mine\n");
    rmSync(join(dir, "generated/alexnet/notes.md"));
    rmSync(join(dir, "generated/alexnet/data"), { recursive: true });
    assert.is(runCli(["compile", "specs/alexnet.anet", "--check"], { cwd: dir }).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compile --check: an interrupted compile's temp file is 'partial', a planted FIFO is not read; the advised compile resolves both", () => {
  const dir = project();
  try {
    const folder = join(dir, "generated/alexnet");
    writeFileSync(join(folder, "model.ts.alexc-99999.tmp"), "half a file");
    // With a temp file beside it, a differing file is not called a hand edit.
    appendFileSync(join(folder, "model.ts"), "// half\n");
    rmSync(join(folder, "train.ts"));
    assert.is(spawnSync("mkfifo", [join(folder, "train.ts")]).status, 0);
    const r = runCli(["compile", "specs/alexnet.anet", "--check"], { cwd: dir });
    assert.is(r.status, 1);
    assert.is(
      r.stdout,
      "stale    generated/alexnet/model.ts (the spec or alexc changed since it was generated)\nstale    generated/alexnet/train.ts (the spec or alexc changed since it was generated)\npartial  generated/alexnet/model.ts.alexc-99999.tmp (left by an interrupted compile; the next compile removes it)\n",
    );
    followAdvice(r.stderr, dir);
    const after = runCli(["compile", "specs/alexnet.anet", "--check"], { cwd: dir });
    assert.is(after.status, 0, after.stdout + after.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compile --check names a generated file edited by hand", () => {
  const dir = project();
  try {
    appendFileSync(join(dir, "generated/alexnet/model.ts"), "// tweak\n");
    const r = runCli(["compile", "specs/alexnet.anet", "--check"], { cwd: dir });
    assert.is(r.status, 1);
    assert.is(r.stdout, "edited   generated/alexnet/model.ts (changed by hand since it was generated)\n");
    assert.match(r.stderr, /1 file out of date: run alexc compile specs\/alexnet\.anet/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("generated headers name the spec relative to the working directory, even for an absolute path", () => {
  const dir = project();
  try {
    const r = runCli(["compile", join(dir, "specs/alexnet.anet"), "-o", join(dir, "out")], { cwd: dir });
    assert.is(r.status, 0, r.stderr);
    const model = readFileSync(join(dir, "out/alexnet/model.ts"), "utf8");
    assert.match(model, /from specs\/alexnet\.anet\./);
    assert.not.match(model, new RegExp(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lock, then check --locked passes; changing num_classes' default fails showing old and new", () => {
  const dir = project();
  try {
    assert.is(runCli(["lock"], { cwd: dir }).status, 0);
    const lock = JSON.parse(readFileSync(join(dir, "anet.lock.json"), "utf8"));
    assert.equal(lock.specs["specs/alexnet.anet"].base, { input: [3, 224, 224], output: [1000], params: "16630440", macs: "311191824" });
    assert.equal(lock.specs["specs/alexnet.anet"].flowers.params, "14591685");
    assert.equal(
      readFileSync(join(dir, "anet.lock.json"), "utf8"),
      readFileSync(join(ROOT, "anet.lock.json"), "utf8"),
      "the committed lock is current",
    );
    assert.is(runCli(["check", "specs", "--locked"], { cwd: dir }).status, 0);
    const spec = join(dir, "specs/alexnet.anet");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("param num_classes: int = 1000", "param num_classes: int = 100"));
    const r = runCli(["check", "specs", "--locked"], { cwd: dir });
    assert.is(r.status, 1);
    assert.match(r.stderr, /error\[E0401\]: alexnet\.anet changed from the lock: output, params, MACs/);
    assert.match(r.stderr, /note: params 16,630,440 → 14,786,340 \(−1,844,100\)/);
    assert.match(r.stderr, /note: output 1000 → 100/);
    assert.match(r.stderr, /help: if the change is intended, run alexc lock specs\/alexnet\.anet/);
    // the flowers variant sets num_classes itself: unchanged, so not reported
    assert.not.match(r.stderr, /variant flowers changed/);
    const json = JSON.parse(runCli(["check", "specs", "--locked", "--format", "json"], { cwd: dir }).stdout);
    const alexnet = json.files.find((f: { file: string }) => f.file === "specs/alexnet.anet");
    assert.is(alexnet.diagnostics.filter((d: { code: string }) => d.code === "E0401").length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("check --locked: a spec or variant missing from the lock, a variant gone, no lock file", () => {
  const dir = project();
  try {
    assert.is(runCli(["lock", "specs/alexnet.anet"], { cwd: dir }).status, 0);
    const missing = runCli(["check", "specs", "--locked"], { cwd: dir });
    assert.is(missing.status, 1);
    assert.match(missing.stderr, /specs\/alexnet-table\.anet is not in anet\.lock\.json/);
    const spec = join(dir, "specs/alexnet.anet");
    writeFileSync(spec, readFileSync(spec, "utf8").replace(/variant flowers \{[^}]*\}/, ""));
    const gone = runCli(["check", "specs/alexnet.anet", "--locked"], { cwd: dir });
    assert.match(gone.stderr, /variant flowers is in anet\.lock\.json but no longer in the spec/);
    const none = runCli(["check", "specs", "--locked", "--lock", "nope.json"], { cwd: dir });
    assert.is(none.status, 2);
    assert.match(none.stderr, /nope\.json does not exist: run alexc lock first/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
