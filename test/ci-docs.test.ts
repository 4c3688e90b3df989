/**
 * The CI recipes in docs/ci/ are run for real: every `run:` step of the GitHub workflow (but the
 * install) in a scratch copy of the project, and the pre-commit hook in a scratch git repository.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { CLI, ROOT } from "./support.js";

/**
 * A project that uses alexc: its specs, generated code (in `out`, as `alexc compile -o out`
 * writes it) and lock, with `npx alexc` resolving to this build.
 */
function project(out = "generated"): string {
  const dir = mkdtempSync(join(tmpdir(), "alexc-ci-docs-"));
  for (const f of ["specs", "anet.lock.json"]) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  // The repository's generated/ is current (test/emit.test.ts); the output folder does not enter the files.
  cpSync(join(ROOT, "generated"), join(dir, out), { recursive: true });
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  const shim = join(dir, "node_modules", ".bin", "alexc");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "uses-alexc", private: true }));
  return dir;
}

function sh(script: string, cwd: string, env: Record<string, string> = {}): { status: number; out: string } {
  const r = spawnSync("bash", ["-e", "-c", script], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}

// The workflow always sets ALEXC_OUT (its default, generated, is asserted below), so one run with
// another folder covers it; the hook's default without the variable is run separately below.
for (const out of ["src/models"])
  test(`every run step of docs/ci/github-actions.yml passes on a project whose output is ${out}/`, () => {
    const workflow = parse(readFileSync(join(ROOT, "docs", "ci", "github-actions.yml"), "utf8")) as {
      jobs: Record<string, { env?: Record<string, string>; steps: Array<{ run?: string; name?: string }> }>;
    };
    const steps = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => s.run !== undefined && !/^npm (ci|install)\b/.test(s.run));
    assert.ok(steps.length >= 4, "the workflow checks formatting, shapes, generated code and SARIF");
    const env = Object.values(workflow.jobs)[0]!.env ?? {};
    assert.is(env["ALEXC_OUT"], "generated", "the workflow names its output folder in one place");
    const dir = project(out);
    try {
      for (const step of steps) {
        const r = sh(step.run!, dir, { ...env, ALEXC_OUT: out });
        assert.is(r.status, 0, `${step.name ?? step.run}: ${r.out}`);
      }
      // And the drift step fails when the generated code is stale.
      const drift = steps.find((s) => /compile .*--check/.test(s.run!))!;
      writeFileSync(
        join(dir, "specs/alexnet.anet"),
        readFileSync(join(dir, "specs/alexnet.anet"), "utf8").replace("dropout(0.5)", "dropout(0.4)"),
      );
      assert.is.not(sh(drift.run!, dir, { ...env, ALEXC_OUT: out }).status, 0);
      const sarif = JSON.parse(readFileSync(join(dir, "alexc.sarif"), "utf8"));
      assert.is(sarif.version, "2.1.0");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

test("docs/ci/pre-commit writes to generated/ unless ALEXC_OUT says otherwise", () => {
  // The run below sets ALEXC_OUT; the default is read from the hook (a second full run cost ~20 s).
  assert.match(readFileSync(join(ROOT, "docs", "ci", "pre-commit"), "utf8"), /^out=\$\{ALEXC_OUT:-generated\}$/m);
});

for (const out of ["src/models"])
  test(`docs/ci/pre-commit rejects a commit with an unformatted, broken or uncompiled spec and accepts a good one (output in ${out}/)`, () => {
    const dir = project(out);
    try {
      // Without ALEXC_OUT the hook's own default (generated) must do.
      const git = (args: string) =>
        sh(`git -c user.email=t@example.com -c user.name=t ${args}`, dir, out === "generated" ? {} : { ALEXC_OUT: out });
      assert.is(git("init -q").status, 0);
      copyFileSync(join(ROOT, "docs", "ci", "pre-commit"), join(dir, ".git", "hooks", "pre-commit"));
      chmodSync(join(dir, ".git", "hooks", "pre-commit"), 0o755);
      writeFileSync(join(dir, ".gitignore"), "node_modules/\n");
      assert.is(git("add -A").status, 0);
      const first = git("commit -q -m initial");
      assert.is(first.status, 0, first.out);

      const spec = join(dir, "specs", "alexnet.anet");
      const good = readFileSync(spec, "utf8");
      writeFileSync(spec, good.replace("  input 3x224x224", "input   3x224x224"));
      git("add specs/alexnet.anet");
      const unformatted = git("commit -q -m unformatted");
      assert.is(unformatted.status, 1);
      assert.match(unformatted.out, /run 'npx alexc fmt'/);

      writeFileSync(spec, good.replace("dense(128*6*6 -> 2048)", "dense(128*5*5 -> 2048)"));
      git("add specs/alexnet.anet");
      const broken = git("commit -q -m broken");
      assert.is(broken.status, 1);
      assert.match(broken.out, /error\[E0201\]/);

      // A comment changes nothing the spec means (the spec hash is over its meaning): nothing to recompile.
      writeFileSync(spec, good.replace("// The seed's AlexNet", "// The seed's AlexNet (reviewed)"));
      git("add specs/alexnet.anet");
      const commented = git("commit -q -m commented");
      assert.is(commented.status, 0, commented.out);

      writeFileSync(spec, good.replace("param num_classes: int = 1000", "param num_classes: int = 999"));
      git("add specs/alexnet.anet");
      const uncompiled = git("commit -q -m uncompiled");
      assert.is(uncompiled.status, 1);
      assert.match(
        uncompiled.out,
        new RegExp(`run alexc compile specs/alexnet\\.anet${out === "generated" ? "" : ` -o ${out}`} --all-variants`),
      );
      assert.is(sh(`"${process.execPath}" "${CLI}" compile specs/alexnet.anet --all-variants -o ${out}`, dir).status, 0);
      git("add -A");
      const ok = git("commit -q -m recompiled");
      assert.is(ok.status, 0, ok.out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

test.run();
