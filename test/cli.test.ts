/** The real CLI, as users and CI run it: exit codes, the table, JSON, overrides, help, errors. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCli, type CliRun } from "./support.js";

/** Each distinct command line runs once: several tests below read the same run's output. */
const runs = new Map<string, CliRun>();
function runOnce(args: string[]): CliRun {
  const key = JSON.stringify(args);
  if (!runs.has(key)) runs.set(key, runCli(args));
  return runs.get(key)!;
}

const seedShapes = [
  "48×55×55",
  "48×27×27",
  "128×27×27",
  "128×13×13",
  "192×13×13",
  "192×13×13",
  "128×13×13",
  "128×6×6",
  "4608",
  "2048",
  "2048",
  "1000",
];

test("check specs/alexnet.anet: exit 0, the seed's shapes, totals and the conv1 warning", () => {
  const r = runCli(["check", "specs/alexnet.anet"]);
  assert.is(r.status, 0, r.stderr);
  let at = 0;
  for (const shape of seedShapes) {
    const found = r.stdout.indexOf(` ${shape} `, at);
    assert.ok(found >= at, `shape ${shape} in order`);
    at = found + 1;
  }
  assert.match(r.stdout, /total params 16,630,440 {3}MACs 311,191,824 {3}output 1000/);
  assert.match(r.stderr, /warning\[W0301\]: features\.0 \(conv\) drops 1 row and 1 column/);
  assert.match(r.stderr, /--> specs\/alexnet\.anet:9:5/);
  assert.is(r.stderr.trim().split("\n").pop(), "1 spec, 1 variant: 0 errors, 1 warning");
});

const totals: Array<[string[], string]> = [
  [["specs/alexnet.anet", "--set", "num_classes=5"], "14,591,685"],
  [["specs/alexnet-table.anet"], "62,378,344"],
  [["specs/alexnet-table.anet", "-s", "num_classes=1000"], "62,378,344"],
];
for (const [args, params] of totals) {
  test(`check ${args.join(" ")} → ${params} params`, () => {
    const r = runOnce(["check", ...args]);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`total params ${params}`));
  });
}

test("--deny-warnings passes a spec with no open warning", () => {
  // It fails on the open warning of specs/alexnet.anet (exit 1): cli-consistency.test.ts, "--deny-warnings: …".
  assert.is(runCli(["check", "specs/alexnet-table.anet", "--deny-warnings"]).status, 0);
});

test("--format json: the versioned document", () => {
  const r = runCli(["check", "specs/alexnet.anet", "--format", "json"]);
  assert.is(r.status, 0);
  const doc = JSON.parse(r.stdout);
  assert.is(doc.version, 1);
  const file = doc.files[0];
  assert.is(file.file, "specs/alexnet.anet");
  assert.equal(file.totals, { params: 16630440, macs: 311191824 });
  assert.equal(file.layers[0], {
    name: "features.0",
    kind: "conv",
    block: "features",
    output: [48, 55, 55],
    params: 17472,
    macs: 52707600,
  });
  assert.equal(file.layers.at(-1).output, [1000]);
  const w = file.diagnostics[0];
  assert.equal([w.code, w.severity, w.line, w.column, w.endLine], ["W0301", "warning", 9, 5, 9]);
  assert.is(r.stderr, "");
});

test("the 128*5*5 spec: exit 1, one error at that expression naming 3200 and 4608", () => {
  const r = runCli(["check", "test/fixtures/diagnostics/dense-in-mismatch.anet", "--format", "json"]);
  assert.is(r.status, 1);
  const errors = JSON.parse(r.stdout).files[0].diagnostics.filter((d: { severity: string }) => d.severity === "error");
  assert.is(errors.length, 1);
  assert.equal([errors[0].code, errors[0].line, errors[0].column, errors[0].endColumn], ["E0201", 28, 11, 18]);
  assert.match(errors[0].message, /3200/);
  assert.match(errors[0].message, /4608/);
});

test("input 3x32x32: exit 1 at the last maxpool, naming 63 and 223–254", () => {
  const r = runCli(["check", "test/fixtures/diagnostics/input-too-small.anet"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /error\[E0202\]: features\.12 \(maxpool\) has an empty output/);
  assert.match(r.stderr, /input-too-small\.anet:21:5/);
  assert.match(r.stderr, /is 63 \(3x63x63\)/);
  assert.match(r.stderr, /inputs 223–254 match the declared 128\*6\*6/);
});

test("three syntax errors: all reported, exit 1, no stack trace", () => {
  const r = runCli(["check", "test/fixtures/diagnostics/three-syntax-errors.anet"]);
  assert.is(r.status, 1);
  assert.is(r.stderr.match(/error\[E0002\]/g)?.length, 3);
  assert.not.match(r.stderr, /\n\s+at /);
});

test("--set with an unknown name: exit 2 (a command-line mistake, docs: exit statuses) with a did-you-mean", () => {
  const r = runCli(["check", "specs/alexnet.anet", "--set", "num_clases=5"]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown parameter 'num_clases'/);
  assert.match(r.stderr, /did you mean 'num_classes'\?/);
  assert.not.match(r.stderr, /internal error|\n\s+at /);
});

const usage: Array<[string, string[], RegExp]> = [
  ["a missing file", ["check", "nope.anet"], /nope\.anet: no such file/],
  ["a directory without specs", ["check", "src"], /src: no \.anet files in this directory/],
  ["a pattern that matches nothing", ["check", "nowhere/**/*.anet"], /no files match/],
  ["a malformed --set", ["check", "specs/alexnet.anet", "--set", "num_classes"], /expected name=value/],
  ["a non-numeric --set", ["check", "specs/alexnet.anet", "--set", "num_classes=many"], /'many' is not a number/],
  ["an unknown command", ["frobnicate"], /unknown command/],
  ["an unknown format", ["check", "specs/alexnet.anet", "--format", "xml"], /invalid/],
];
for (const [what, args, message] of usage) {
  test(`usage error, exit 2: ${what}`, () => {
    const r = runCli(args);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /internal error|\n\s+at /);
  });
}

/** Every spec in specs/, in the order check visits them (sorted by path). */
const SPEC_FILES = readdirSync(join(ROOT, "specs"))
  .filter((f) => f.endsWith(".anet"))
  .sort()
  .map((f) => `specs/${f}`);
/** The one-line total of `alexc check` over specs/; the counts change when a spec is added. */
const SPECS_SUMMARY = new RegExp(
  `^${SPEC_FILES.length} specs, 8 variants, 27 matrix combinations: 0 errors, 2 warnings, 10 acknowledged$`,
  "m",
);

test("check without files checks specs/, and says so when there is none", () => {
  assert.match(runCli(["check"]).stderr, SPECS_SUMMARY);
  const r = runCli(["check"], { cwd: tmpdir() });
  assert.is(r.status, 2);
  assert.match(r.stderr, /specs: no such file/);
});

test("--help on every command shows an example; the spec-list commands' default is specs/", () => {
  for (const cmd of ["check", "compile", "variants", "fmt", "lock", "explain"]) {
    const r = runCli([cmd, "--help"]);
    assert.is(r.status, 0);
    assert.match(r.stdout, new RegExp(`Examples:\\n  \\$ alexc ${cmd}`));
    if (["check", "lock", "fmt"].includes(cmd)) assert.match(r.stdout, /\(default: \["specs"\]\)/, cmd);
  }
  assert.match(runCli(["--help"]).stdout, /check \[options\] \[files\.\.\.\]/);
});

test("directories and globs select the same specs in the same order", () => {
  const byDir = runCli(["check", "specs/", "--format", "json"]);
  const byGlob = runCli(["check", "specs/**/*.anet", "--format", "json"]);
  const files = (r: { stdout: string }) => JSON.parse(r.stdout).files.map((f: { file: string }) => f.file);
  assert.equal(files(byDir), SPEC_FILES);
  assert.equal(files(byGlob), files(byDir));
  // `check specs` (no slash) is the default argument: "check without files" above reads its summary.
});

test("several files in one run: each checked, one summary, exit 1 if any fails", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-cli-"));
  try {
    const bad = join(dir, "bad.anet");
    writeFileSync(bad, "model bad { input 3x8x8\n conv(8, kernel=9) }\n");
    const r = runCli(["check", "specs/alexnet-table.anet", bad]);
    assert.is(r.status, 1);
    assert.match(r.stderr, /2 specs, 2 variants, 9 matrix combinations: 1 error, 0 warnings/);
    assert.match(r.stdout, /specs\/alexnet-table\.anet/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const overrides: Array<[string, string[], number, RegExp]> = [
  [
    "an int parameter given a fraction",
    ["--set", "num_classes=2.5"],
    2,
    /error\[E0110\]: --set num_classes=2\.5: int parameter 'num_classes' must be a whole number, got 2\.5/,
  ],
  [
    "a value outside the declared bounds",
    ["--set", "num_classes=1"],
    2,
    /error\[E0161\]: 'num_classes' must be >= 2; --set num_classes=1 gives 1[\s\S]*the bound is declared here: specs\/alexnet\.anet:4:39/,
  ],
  ["the last --set wins", ["--set", "num_classes=1", "--set", "num_classes=10"], 0, /1 spec, 1 variant: 0 errors/],
  ["exact decimals", ["--set", "num_classes=1e1"], 0, /0 errors/],
];
for (const [what, args, status, message] of overrides) {
  test(`--set: ${what}`, () => {
    const r = runCli(["check", "specs/alexnet.anet", ...args]);
    assert.is(r.status, status, r.stderr);
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /internal error|\n\s+at /);
  });
}

test("a width that does not give whole channels: the error shows the value and the rounding choices", () => {
  const r = runCli(["check", "specs/alexnet-table.anet", "--set", "width=0.3"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /conv1: out must be a whole number, got 28\.8/);
  assert.match(r.stderr, /round\(96\*width\) = 29, floor\(96\*width\) = 28, ceil\(96\*width\) = 29, make_divisible\(96\*width, 8\) = 32/);
});

test("check covers every variant and matrix combination of a spec", () => {
  const r = runOnce(["check", "specs/alexnet-table.anet"]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /variant flowers \(num_classes=5, width=0\.5\): 3×224×224 -> 5, params 14,591,685/);
  assert.match(r.stdout, /variant cifar \(num_classes=10, conv1_kernel=5, conv1_stride=1, feature_map=3\): 3×32×32 -> 10/);
  assert.match(r.stdout, /matrix: 9 of 9 combinations check/);
  assert.match(r.stderr, /1 spec, 2 variants, 9 matrix combinations: 0 errors, 0 warnings/);
});

test("check fails when one variant fails, naming the variant", () => {
  const r = runCli(["check", "test/fixtures/diagnostics/variant-breaks.anet"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /error\[E0201\]: \[tiny\] dense declares 2048 in-features, but 32 reach it/);
  assert.match(r.stderr, /variant tiny sets this input: test\/fixtures\/diagnostics\/variant-breaks\.anet:20:5/);
});

test("a failing matrix combination fails check", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-cli-"));
  try {
    const spec = join(dir, "m.anet");
    writeFileSync(
      spec,
      "model m { param size: int = 32\n input 3 x size x size\n conv(8, kernel=5)\n flatten\n dense(10)\n matrix { size = [32, 4, 8] } }\n",
    );
    const r = runCli(["check", spec, "--format", "json"]);
    assert.is(r.status, 1);
    const doc = JSON.parse(r.stdout).files[0];
    assert.equal(
      doc.matrix.map((m: { valid: boolean }) => m.valid),
      [true, false, true],
    );
    assert.is(doc.diagnostics[0].variant, "matrix size=4");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("variants: a width × num_classes matrix on the table spec prints 9 rows with params", () => {
  const r = runCli(["variants", "specs/alexnet-table.anet", "--set", "width=0.25,0.5,1", "--set", "num_classes=5,10,1000"]);
  assert.is(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").slice(1);
  assert.is(rows.length, 9);
  assert.match(r.stdout, /^0\.5 +1000 +ok +3×224×224 +1000 +16,630,440 +311,191,824$/m);
  assert.match(r.stdout, /^1 +1000 +ok +3×224×224 +1000 +62,378,344 +1,135,256,096$/m);
  assert.match(r.stdout, /^0\.5 +5 +ok .* 14,591,685 /m);
});

test("variants --format json; a failing row makes the exit status 1", () => {
  const r = runCli(["variants", "specs/alexnet-table.anet", "--set", "width=0.3,0.5", "--format", "json"]);
  assert.is(r.status, 1);
  const rows = JSON.parse(r.stdout).rows;
  assert.equal(
    rows.map((x: { valid: boolean }) => x.valid),
    [false, true],
  );
  assert.is(rows[0].error.code, "E0110");
  assert.is(rows[1].params, 16630440);
});

test("variants without --set uses the spec's matrix, or else its variants", () => {
  assert.is(runCli(["variants", "specs/alexnet-table.anet"]).stdout.trim().split("\n").length, 10);
  const r = runCli(["variants", "specs/alexnet.anet", "--format", "json"]);
  assert.equal(
    JSON.parse(r.stdout).rows.map((x: { values: { variant: string }; params: number }) => [x.values.variant, x.params]),
    [
      ["(base)", 16630440],
      ["flowers", 14591685],
    ],
  );
});

test.run();
