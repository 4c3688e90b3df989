/**
 * The CI checks on real files in temp dirs: the drift check of generated/ (stale, edited, missing,
 * extra) and the shape lock (pass, fail with old vs new, missing entries).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, appendFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli } from "./support.js";

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
    writeFileSync(join(dir, "specs/alexnet-table.anet"), readFileSync(join(dir, "specs/alexnet-table.anet"), "utf8").replace("dropout(0.5)", "dropout(0.4)"));
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
    assert.ok(lines.includes("extra    generated/alexnet_table/notes.txt (no compile writes it)"), r.stdout);
    assert.ok(lines.includes("extra    generated/alexnet_table-gone (no compile writes it)"), r.stdout);
    assert.ok(lines.some((l) => l.startsWith("stale    generated/alexnet_table-cifar/train.ts")), r.stdout);
    // --check wrote nothing
    assert.throws(() => readFileSync(join(dir, "generated/alexnet_table-flowers/model.ts")));
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
    assert.equal(readFileSync(join(dir, "anet.lock.json"), "utf8"), readFileSync(join(ROOT, "anet.lock.json"), "utf8"), "the committed lock is current");
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
