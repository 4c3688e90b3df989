/**
 * Options and exit statuses mean the same in every command (the README's table): `--set`
 * mistakes, `--deny-warnings` failures that say so, `fmt`'s default folder, `--variant`.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli } from "./support.js";

/** Mistakes caught while the command line is read (collectOverride, shared by every command). */
const SYNTAX_MISTAKES: Array<[string, string, RegExp]> = [
  ["no value", "num_classes", /expected name=value/],
  ["not a number", "num_classes=many", /'many' is not a number/],
];

/** Mistakes the resolver finds and exitStatus (shared by every command) judges to be the command line's. */
const RESOLVE_MISTAKES: Array<[string, string, RegExp]> = [
  ["an unknown name", "num_clases=5", /unknown parameter 'num_clases'/],
  ["a fraction for an int", "num_classes=2.5", /int parameter 'num_classes' must be a whole number, got 2\.5/],
  ["out of the declared bounds", "num_classes=1", /'num_classes' must be >= 2/],
];

/**
 * check meets all five mistakes in cli.test.ts (usage errors, "--set with an unknown name", "--set:
 * …"). Here each other command meets one mistake of each kind, taken in turn, so every mistake
 * still reaches several commands while no command runs the shared parsing and judging five times.
 */
const COMMANDS: string[][] = [
  ["compile", "--check"],
  ["summary"],
  ["inputs"],
  ["graph"],
  ["export", "--no-weights", "-o", "/nonexistent-never-written"],
  ["report"],
];

test("every --set mistake is exit 2 in every command that takes --set, with the mistake named", () => {
  for (const [i, [cmd, ...rest]] of COMMANDS.entries()) {
    const mistakes = [SYNTAX_MISTAKES[i % SYNTAX_MISTAKES.length]!, RESOLVE_MISTAKES[i % RESOLVE_MISTAKES.length]!];
    for (const [what, value, message] of mistakes) {
      const r = runCli([cmd!, "specs/alexnet.anet", ...rest, "--set", value]);
      assert.is(r.status, 2, `${cmd} --set ${value} (${what}): exit ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, message, `${cmd} --set ${value}`);
      assert.not.match(r.stderr, /internal error|\n\s+at /);
    }
  }
  // variants takes lists, parsed and named by its own code: the same mistakes, the same status.
  for (const value of ["num_classes", "num_classes=many,5", "num_clases=5,6", "num_classes=1,5"]) {
    assert.is(runCli(["variants", "specs/alexnet.anet", "--set", value]).status, 2, `variants --set ${value}`);
  }
  // A value that fits the spec but not the shapes is a finding, exit 1: cli.test.ts, "a width that
  // does not give whole channels". An unknown variant in report: report.test.ts, "--variant means …".
  assert.is(runCli(["compile", "specs/alexnet.anet", "--variant", "tulips", "--check"]).status, 2);
});

test("--deny-warnings: a run that fails only because of warnings says so in its summary", () => {
  // The same run without --deny-warnings (exit 0, this summary without the tail): cli.test.ts, the
  // first test.
  const fail = runCli(["check", "specs/alexnet.anet", "--deny-warnings"]);
  assert.is(fail.status, 1);
  const last = (s: string) => s.trim().split("\n").pop()!;
  assert.is(
    last(fail.stderr),
    "1 spec, 1 variant: 0 errors, 1 warning — failed: warnings are denied (--deny-warnings); fix them or acknowledge each with `allow`",
  );
  const compile = runCli(["compile", "specs/alexnet.anet", "--deny-warnings", "--check"]);
  assert.is(compile.status, 1);
  assert.match(last(compile.stderr), /nothing written — failed: warnings are denied \(--deny-warnings\)/);
  // With errors, the errors are the reason: no mention of warnings.
  const errors = runCli(["check", "specs/alexnet.anet", "--deny-warnings", "--set", "num_classes=100000000000000000000000"]);
  assert.not.match(errors.stderr, /failed: warnings/);
});

test("fmt without arguments formats specs/, like check and lock, and leaves other .anet files alone", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-fmt-default-"));
  try {
    cpSync(join(ROOT, "specs"), join(dir, "specs"), { recursive: true });
    const messy = readFileSync(join(ROOT, "specs/alexnet.anet"), "utf8").replace("  input 3x224x224", "input   3x224x224");
    writeFileSync(join(dir, "specs/alexnet.anet"), messy);
    writeFileSync(join(dir, "scratch.anet"), messy);
    const check = runCli(["fmt", "--check"], { cwd: dir });
    assert.is(check.status, 1);
    assert.is(check.stdout, "specs/alexnet.anet\n");
    const r = runCli(["fmt"], { cwd: dir });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, "formatted specs/alexnet.anet\n");
    assert.is(readFileSync(join(dir, "scratch.anet"), "utf8"), messy, "only specs/ is the default");
    const none = runCli(["fmt"], { cwd: tmpdir() });
    assert.is(none.status, 2);
    assert.match(none.stderr, /specs: no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The default of every spec-list command is specs/: read from their --help in cli.test.ts, "--help on every command".

test.run();
