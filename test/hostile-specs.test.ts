/**
 * Issue 14, the compiler's half: what a hostile trial did to specs, lock files and output paths,
 * each kept as a regression test. Every test here failed before its fix.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSource, checkSpec, errorCount, openWarningCount } from "../src/check/check-spec.js";
import { parse, unquote } from "../src/syntax/parse.js";
import { decodeText, MAX_SPEC_BYTES, readTextFile, ReadError } from "../src/syntax/read.js";
import { formatSource } from "../src/syntax/printer.js";
import { renderDiagnostic } from "../src/diagnostics/render.js";
import { MAX_DIAGNOSTICS_PER_FILE } from "../src/diagnostics/diagnostic.js";
import { Rational } from "../src/resolve/rational.js";
import { compareWithLock } from "../src/views/lock.js";
import { writeOutputs } from "../src/emit/write.js";
import { CLI, ROOT, runCli } from "./support.js";

const small = (body: string): string => `model m {\n  input 3x32x32\n${body}\n  flatten\n  dense(10)\n}\n`;
const codes = (text: string): string[] => checkSource("t.anet", text).diagnostics.map((d) => d.code);
const scratches: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-hostile-"));
  scratches.push(dir);
  return dir;
};
test.after(() => {
  for (const dir of scratches) rmSync(dir, { recursive: true, force: true });
});

// 3. Invalid UTF-8: an error with its line; fmt leaves the bytes alone.

test("a Latin-1 byte in a comment is E0004 at its line, and fmt refuses the file byte for byte", () => {
  const dir = scratch();
  const bytes = Buffer.concat([
    Buffer.from("model m {\n  // caf"),
    Buffer.from([0xe9]),
    Buffer.from("\n  input 3x32x32\n  flatten\n  dense(10)\n}\n"),
  ]);
  writeFileSync(join(dir, "latin1.anet"), bytes);
  const check = runCli(["check", "latin1.anet"], { cwd: dir });
  assert.is(check.status, 1);
  assert.match(check.stderr, /error\[E0004\]: this line is not valid UTF-8 \(byte 0xE9\)\n --> latin1\.anet:2:9/);
  const fmt = runCli(["fmt", "latin1.anet"], { cwd: dir });
  assert.is(fmt.status, 1);
  assert.ok(readFileSync(join(dir, "latin1.anet")).equals(bytes), "fmt changed bytes it did not understand");
});

test("decoding keeps every undecodable byte distinct and leaves valid UTF-8 (and a BOM) alone", () => {
  assert.is(decodeText(Buffer.from("\ufeffcafé ✓ 𝑥", "utf8")), "\ufeffcafé ✓ 𝑥");
  const text = decodeText(Buffer.from([0x61, 0xe9, 0xff, 0xed, 0xa0, 0x80, 0x62]));
  assert.equal(
    [...text].map((c) => c.charCodeAt(0).toString(16)),
    ["61", "dce9", "dcff", "dced", "dca0", "dc80", "62"],
  );
  const d = parse(`model m {\n  // ${text}\n}`).diagnostics;
  assert.equal(
    d.map((x) => x.code),
    ["E0004"],
    "one diagnostic for the line, not one per byte",
  );
});

// 4, 16. Specs are bounded regular files, read by one function for every command.

test("a spec that is a symlink to /proc/self/environ, a FIFO or /dev/zero is refused, with its path, by every command", () => {
  const dir = scratch();
  symlinkSync("/proc/self/environ", join(dir, "env.anet"));
  symlinkSync("/dev/zero", join(dir, "zero.anet"));
  execFileSync("mkfifo", [join(dir, "fifo.anet")]);
  const marker = "ALEXC_SECRET_MARKER_7731";
  for (const cmd of [
    ["check"],
    ["compile", "--check"],
    ["fmt", "--check"],
    ["lock"],
    ["summary"],
    ["inputs"],
    ["graph"],
    ["report"],
    ["export"],
    ["variants"],
  ]) {
    for (const [file, what] of [
      ["env.anet", /kernel pseudo-file/],
      ["zero.anet", /character device, not a regular file/],
      ["fifo.anet", /FIFO \(named pipe\), not a regular file/],
    ] as const) {
      const r = runCli([...cmd, file], { cwd: dir, env: { ALEXC_SECRET: marker } });
      // check reports it as E0008 among the other specs; single-file commands refuse it (exit 2).
      assert.is(r.status, cmd[0] === "check" ? 1 : 2, `${cmd.join(" ")} ${file}: ${r.stderr}`);
      if (cmd[0] === "check") assert.match(r.stderr, /error\[E0008\]/);
      assert.match(r.stderr, what, `${cmd.join(" ")} ${file}`);
      assert.not.match(r.stdout + r.stderr, marker);
    }
  }
  // A directory scan reports each (the glob itself passes over the FIFO) and checks the rest.
  writeFileSync(join(dir, "good.anet"), small("  relu"));
  const scan = runCli(["check", ".", "--format", "json"], { cwd: dir, env: { ALEXC_SECRET: marker } });
  assert.is(scan.status, 1, scan.stderr);
  const doc = JSON.parse(scan.stdout) as { files: Array<{ file: string; diagnostics: Array<{ code: string }> }> };
  assert.equal(
    doc.files.map((f) => [f.file, f.diagnostics.map((d) => d.code)]),
    [
      ["env.anet", ["E0008"]],
      ["good.anet", []],
      ["zero.anet", ["E0008"]],
    ],
  );
  assert.not.match(scan.stdout, marker);
});

test("an over-size spec is refused with the figures, before it is read", () => {
  const dir = scratch();
  writeFileSync(join(dir, "big.anet"), Buffer.alloc(MAX_SPEC_BYTES + 1, 0x20));
  assert.throws(
    () => readTextFile(join(dir, "big.anet")),
    (e: unknown) => e instanceof ReadError && /4,194,305 bytes, more than the limit of 4,194,304/.test((e as Error).message),
  );
  const r = runCli(["check", "big.anet"], { cwd: dir });
  assert.is(r.status, 1);
  assert.match(r.stderr, /error\[E0008\]: 4,194,305 bytes, more than the limit/);
  assert.is(runCli(["compile", "big.anet"], { cwd: dir }).status, 2);
});

// 5. Writes through symlinks stay in the working directory.

test("a committed `generated -> elsewhere` symlink and -o through a symlink are refused; nothing is written outside", () => {
  const dir = scratch();
  const project = join(dir, "project");
  const elsewhere = join(dir, "elsewhere");
  mkdirSync(project);
  mkdirSync(elsewhere);
  cpSync(join(ROOT, "specs", "alexnet-mini.anet"), join(project, "a.anet"));
  symlinkSync("../elsewhere", join(project, "generated"));
  const viaDefault = runCli(["compile", "a.anet"], { cwd: project });
  assert.is(viaDefault.status, 2);
  assert.match(viaDefault.stderr, /output folder generated leads through a symlink to .*elsewhere, outside the working directory/);
  symlinkSync("../elsewhere", join(project, "link"));
  const viaO = runCli(["compile", "a.anet", "-o", "link/out"], { cwd: project });
  assert.is(viaO.status, 2);
  const viaFile = runCli(["graph", "a.anet", "-o", "link/g.dot"], { cwd: project });
  assert.is(viaFile.status, 2);
  // A dangling link is followed by its text, not created through.
  symlinkSync("../elsewhere/new", join(project, "dangling"));
  assert.is(runCli(["compile", "a.anet", "-o", "dangling"], { cwd: project }).status, 2);
  assert.equal(readdirSync(elsewhere), []);
  assert.is(runCli(["compile", "a.anet", "-o", "gen"], { cwd: project }).status, 0, "an ordinary relative folder still works");
});

// 10. Two compiles into one folder.

test("temp files have unique names, and a live writer's temp file is not cleaned away", () => {
  const dir = scratch();
  const folder = join(dir, "out", "m");
  mkdirSync(folder, { recursive: true });
  // A temp file of another, running process (our parent) and one of a process that is gone.
  const live = `model.ts.alexc-${process.ppid}-0badf00d.tmp`;
  const dead = "model.ts.alexc-999999999-0badf00d.tmp";
  writeFileSync(join(folder, live), "in flight");
  writeFileSync(join(folder, dead), "left by a killed run");
  writeOutputs(join(dir, "out"), "m", new Map([["model.ts", "x"]]));
  const left = readdirSync(folder).sort();
  assert.ok(left.includes(live), "the running writer's temp file was deleted");
  assert.not.ok(left.includes(dead), "the dead writer's temp file was kept");
});

test("compile --check after an interrupted compile says so, not 'changed by hand'", () => {
  const dir = scratch();
  cpSync(join(ROOT, "specs", "alexnet-mini.anet"), join(dir, "a.anet"));
  assert.is(runCli(["compile", "a.anet", "-o", "gen"], { cwd: dir }).status, 0);
  const folder = join(dir, "gen", "alexnet_mini");
  const train = join(folder, "train.ts");
  writeFileSync(train, readFileSync(train, "utf8") + "// half of another compile\n");
  writeFileSync(join(folder, "model.ts.alexc-999999999-0badf00d.tmp"), "partial");
  const r = runCli(["compile", "a.anet", "-o", "gen", "--check"], { cwd: dir });
  assert.is(r.status, 1);
  const out = r.stdout + r.stderr;
  assert.match(out, /partial +gen\/alexnet_mini\/model\.ts\.alexc-999999999-0badf00d\.tmp \(left by an interrupted compile/);
  assert.not.match(out, /changed by hand/);
});

test("a FIFO planted as a generated file or as the lock file hangs neither compile --check nor check --locked", () => {
  const dir = scratch();
  cpSync(join(ROOT, "specs", "alexnet-mini.anet"), join(dir, "a.anet"));
  assert.is(runCli(["compile", "a.anet", "-o", "gen"], { cwd: dir }).status, 0);
  const model = join(dir, "gen", "alexnet_mini", "model.ts");
  execFileSync("rm", [model]);
  execFileSync("mkfifo", [model]);
  const drift = spawnSync(process.execPath, [CLI, "compile", "a.anet", "-o", "gen", "--check"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 20_000,
  });
  assert.is(drift.status, 1, `${drift.stdout}${drift.stderr}`);
  assert.match(drift.stdout + drift.stderr, /stale +gen\/alexnet_mini\/model\.ts/);
  execFileSync("mkfifo", [join(dir, "anet.lock.json")]);
  const locked = spawnSync(process.execPath, [CLI, "check", "a.anet", "--locked"], { cwd: dir, encoding: "utf8", timeout: 20_000 });
  assert.is(locked.status, 2);
  assert.match(
    locked.stderr,
    /^alexc: anet\.lock\.json: is a FIFO \(named pipe\), not a regular file: refusing to read it as a lock file$/m,
  );
});

test("a headline quoting a 100,000-character name is cut", () => {
  const r = checkSource("t.anet", small(`  ${"q".repeat(100_000)}`));
  const shown = renderDiagnostic(r.diagnostics[0]!, r.file);
  assert.ok(shown.length < 2000, `${shown.length} characters`);
});

// 6. Strings: a defined escape grammar; no command crashes on them.

test("strings: TAB, control characters and unknown escapes are E0005 at the character; unquote never throws", () => {
  for (const [body, column] of [
    ['  relu allow inexact "a\tb"', 24],
    ['  relu allow inexact "C:\\Users\\me"', 25],
    ['  relu allow inexact "\\u12"', 23],
    ['  relu allow inexact "bell\u0007"', 27],
  ] as const) {
    const r = checkSource("t.anet", small(body));
    const d = r.diagnostics.find((x) => x.code === "E0005");
    assert.ok(d, `no E0005 for ${JSON.stringify(body)}: ${JSON.stringify(r.diagnostics.map((x) => x.message))}`);
    assert.is(r.file.position(d.span!.start).column, column, body);
    assert.ok(
      r.diagnostics.every((x) => x.code !== "E0001" && x.code !== "E0002"),
      "no knock-on syntax errors",
    );
  }
  assert.is(unquote('"a\\"b\\\\c\\n\\t"'), 'a"b\\c\n\t');
  for (const s of ['"\\u', '"\\', '"\\x"', '"\t"', '"\\ud800"']) assert.type(unquote(s), "string");
  // Escapes round-trip through fmt.
  const text = small('  relu allow inexact "say \\"hi\\"\\tC:\\\\data"');
  const formatted = formatSource(text).text!;
  assert.ok(formatted.includes('"say \\"hi\\"\\tC:\\\\data"'), formatted);
});

test("an unterminated string is E0160 where it starts", () => {
  const r = checkSource("t.anet", small('  relu allow inexact "no end'));
  assert.equal(
    r.diagnostics.map((d) => d.code),
    ["E0160"],
  );
  assert.is(r.file.position(r.diagnostics[0]!.span!.start).column, 22);
});

test("one bad file in a directory check does not abort the run, and --format json still prints", () => {
  const dir = scratch();
  writeFileSync(join(dir, "a-bad.anet"), small('  relu allow inexact "C:\\data\t"'));
  writeFileSync(join(dir, "b-good.anet"), small("  relu"));
  const text = runCli(["check", "."], { cwd: dir });
  assert.is(text.status, 1, text.stderr);
  assert.match(text.stderr, /E0005/);
  assert.match(text.stdout, /b-good\.anet/);
  const json = runCli(["check", ".", "--format", "json"], { cwd: dir });
  assert.is(json.status, 1);
  const doc = JSON.parse(json.stdout) as { files: Array<{ file: string }> };
  assert.is(doc.files.length, 2);
});

// 7. Matrix combinations are counted before they are built.

test("a 100⁴ matrix is E0121 naming the count and the limit, at once; so is --set a=1,2,…", () => {
  const values = `[${Array.from({ length: 100 }, (_, i) => i + 1).join(", ")}]`;
  const text = `model m {\n  param a: int = 1\n  param b: int = 1\n  param c: int = 1\n  param d: int = 1\n  input 3x32x32\n  flatten\n  dense(10)\n  matrix {\n    a = ${values}\n    b = ${values}\n    c = ${values}\n    d = ${values}\n  }\n}\n`;
  const dir = scratch();
  writeFileSync(join(dir, "m.anet"), text);
  const started = performance.now();
  const r = runCli(["check", "m.anet"], { cwd: dir });
  assert.ok(performance.now() - started < 10_000, "took too long: the combinations were built");
  assert.is(r.status, 1);
  assert.match(r.stderr, /error\[E0121\]: the matrix has 100,000,000 combinations, more than the limit of 4,096/);
  const fromSpec = runCli(["variants", "m.anet"], { cwd: dir });
  assert.is(fromSpec.status, 1);
  assert.match(fromSpec.stderr, /error\[E0121\]/);
  const many = Array.from({ length: 5000 }, (_, i) => i + 1).join(",");
  const v = runCli(["variants", "m.anet", "--set", `a=${many}`], { cwd: dir });
  assert.is(v.status, 2);
  assert.match(v.stderr, /5,000 combinations, more than the limit of 4,096/);
  const product = runCli(["variants", "m.anet", "--set", `a=${many.slice(0, 400)}`, "--set", `b=${many.slice(0, 400)}`], { cwd: dir });
  assert.is(product.status, 2, "the product across --set axes is what is limited");
});

// 11. Diagnostics are capped per file; long lines are cut.

test("1 MB of random bytes: bounded output, a count of the rest, fast; --format json too", () => {
  const dir = scratch();
  let seed = 14;
  const bytes = Buffer.alloc(1_000_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  writeFileSync(join(dir, "noise.anet"), bytes);
  const started = performance.now();
  const r = runCli(["check", "noise.anet"], { cwd: dir });
  assert.ok(performance.now() - started < 20_000);
  assert.is(r.status, 1);
  assert.ok(r.stderr.length < 200_000, `${r.stderr.length} bytes of diagnostics`);
  assert.match(r.stderr, /error\[E0007\]: \d+ more diagnostics not shown/);
  const json = runCli(["check", "noise.anet", "--format", "json"], { cwd: dir });
  assert.is(json.status, 1);
  assert.ok(json.stdout.length < 200_000);
  JSON.parse(json.stdout);
});

test("the cap keeps the first diagnostics in file order, and long lines are shown as a window at the caret", () => {
  const text = small(Array.from({ length: 300 }, () => "  relu @").join("\n"));
  const ds = checkSource("t.anet", text).diagnostics;
  assert.is(ds.length, MAX_DIAGNOSTICS_PER_FILE + 1);
  assert.is(ds.at(-1)!.code, "E0007");
  assert.match(ds.at(-1)!.message, /^200 more diagnostics not shown \(200 errors\)/);
  // Counts stay true, and hidden warnings alone do not fail a check.
  assert.is(errorCount(ds), 300);
  const warnings = checkSource("t.anet", small(Array.from({ length: 150 }, () => "  lrn(5, alpha=1e-4, beta=0.75, k=2)").join("\n")));
  assert.ok(warnings.diagnostics.length === MAX_DIAGNOSTICS_PER_FILE + 1, String(warnings.diagnostics.length));
  assert.is(
    errorCount(warnings.diagnostics),
    0,
    JSON.stringify(warnings.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)),
  );
  assert.ok(openWarningCount(warnings.diagnostics) > MAX_DIAGNOSTICS_PER_FILE);
  const long = small(`  relu ${"x".repeat(100_000)} @ ${"y".repeat(100_000)}`);
  const r = checkSource("t.anet", long);
  const shown = renderDiagnostic(r.diagnostics[0]!, r.file);
  assert.ok(shown.length < 1000, `${shown.length} characters`);
  const lines = shown.split("\n");
  const source = lines.find((l) => l.includes("…"))!;
  const caret = lines.find((l) => l.includes("^"))!;
  assert.is(source[caret.indexOf("^")], "@", "the caret stays under the character");
});

// 14. A malformed lock entry is a diagnostic.

test("check --locked with malformed lock entries reports E0402 instead of crashing", () => {
  const { file, ast, results } = checkSpec("m.anet", small("  relu"));
  for (const entry of [
    { input: "3x32x32", output: [10], params: "1", macs: "1" },
    { input: [3, 32, 32], output: [10], params: 5, macs: "1" },
    { input: [3, 32, 32], output: [10], params: "1e9", macs: "1" },
    null,
    "x",
    [],
  ]) {
    const ds = compareWithLock(file.path, ast, results, { "m.anet": { base: entry } } as never, "anet.lock.json");
    assert.equal(
      ds.map((d) => d.code),
      ["E0402"],
      JSON.stringify(entry),
    );
  }
  assert.equal(
    compareWithLock(file.path, ast, results, { "m.anet": 7 } as never, "anet.lock.json").map((d) => d.code),
    ["E0402"],
  );
  const dir = scratch();
  writeFileSync(join(dir, "m.anet"), small("  relu"));
  writeFileSync(
    join(dir, "anet.lock.json"),
    JSON.stringify({ version: 1, specs: { "m.anet": { base: { input: [3, 32, 32], output: [10], params: {}, macs: "1" } } } }),
  );
  const r = runCli(["check", "m.anet", "--locked"], { cwd: dir });
  assert.is(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /error\[E0402\]: the entry for the base model of m\.anet in anet\.lock\.json is malformed: params is not a whole number in a string/,
  );
});

// 22. Numbers and comments get the right words.

test("1e-999999999 is too small, 1e999999999 too large (spec and --set); an unterminated /* is E0006 at its start", () => {
  const r = checkSource(
    "t.anet",
    "model m {\n  param a = 1e-999999999\n  param b = 1e999999999\n  input 3x32x32\n  flatten\n  dense(10)\n}\n",
  );
  assert.equal(
    r.diagnostics.map((d) => d.message),
    [
      "the number 1e-999999999 is too small (alexc computes exactly, down to 10^-4096); write 0 if that is meant",
      "the number 1e999999999 is too large (alexc computes exactly, up to 10^4096)",
    ],
  );
  assert.is(Rational.parseDecimal("0e999999999") instanceof Rational, true, "zero with a huge exponent is just zero");
  const set = runCli(["check", "specs/alexnet-mini.anet", "--set", "num_classes=1e999999999"]);
  assert.match(set.stderr, /'1e999999999' is too large/);
  const c = checkSource("t.anet", small("  /* relu\n  relu"));
  assert.equal(
    c.diagnostics.map((d) => d.code),
    ["E0006"],
  );
  assert.equal(c.file.position(c.diagnostics[0]!.span!.start), { line: 3, column: 3 });
});

// 23. Empty arguments.

test("an empty argument anywhere is a syntax error; one trailing comma in arguments is still fine", () => {
  for (const body of ["  maxpool(kernel=3,, stride=2)", "  maxpool(, kernel=3)", "  conv(8, kernel=round(,3))", "  conv(8, kernel=3,,)"]) {
    assert.ok(codes(small(body)).includes("E0002"), body);
  }
  assert.match(
    checkSource("t.anet", small("  maxpool(kernel=3,, stride=2)")).diagnostics[0]!.message,
    /^expected an argument, found an empty one: two commas in a row$/,
  );
  for (const body of ["  param p = [1,,2]", "  param p = [,1]", "  param p = [1,]"])
    assert.ok(codes(`model m {\n${body}\n  input 3x32x32\n}\n`).includes("E0002"), body);
  assert.equal(
    codes(small("  maxpool(kernel=3, stride=2,)")).filter((c) => c.startsWith("E")),
    [],
  );
});

// 24. A missing ')' is reported where it is missing.

test("a missing ')' at the end of a line is reported at the end of that line", () => {
  const r = checkSource("t.anet", small("  conv(8, kernel=3\n  relu"));
  const d = r.diagnostics[0]!;
  assert.is(d.code, "E0002");
  assert.equal(r.file.position(d.span!.start), { line: 3, column: 19 });
  assert.match(d.message, /expected '\)' in a layer, but the line ends \(line 4 starts with 'relu'\)/);
});

// 25. Channels last.

test("input 224x224x3 is recognised as H×W×C, with the C×H×W form in the help", () => {
  const r = checkSource(
    "t.anet",
    "model m {\n  input 224x224x3\n  conv(64, kernel=11, stride=4, padding=2)\n  relu\n  maxpool(kernel=3, stride=2)\n  flatten\n  dense(10)\n}\n",
  );
  const d = r.diagnostics.find((x) => x.code === "E0164");
  assert.ok(d, JSON.stringify(r.diagnostics.map((x) => x.message)));
  assert.match(d.message, /input 224x224x3 looks like height × width × channels/);
  assert.match(d.help!, /write input 3x224x224/);
  // A model that checks is left alone, and so is an ordinary C×H×W input.
  assert.not.ok(codes("model m {\n  input 224x224x3\n  flatten\n  dense(10)\n}\n").includes("E0164"));
  assert.not.ok(codes("model m {\n  input 3x224x224\n  conv(8, kernel=300)\n}\n").includes("E0164"));
});

// Also: E0201 counts the layer as written; E0110 suggests rounding the channel count.

test("a mismatched dense layer counts params and MACs from its declared in-features", () => {
  const text = readFileSync(join(ROOT, "test", "fixtures", "diagnostics", "dense-in-mismatch.anet"), "utf8");
  const r = checkSource("t.anet", text);
  assert.ok(r.diagnostics.some((d) => d.code === "E0201"));
  assert.is(r.checked!.totals.params, 13_746_856n);
  const dense = r.checked!.layers.find((l) => l.kind === "dense" && l.resolved.args["in"] === 3200)!;
  assert.is(dense.macs, 3200n * 2048n);
});

test("E0110 for a width-scaled flatten suggests round(128*width)*6*6, which then checks", () => {
  const spec = (dense: string) =>
    `model m {\n  param width = 0.35\n  input 3x13x13\n  conv(round(128*width), kernel=3, stride=2)\n  flatten\n  dense(${dense} -> 10)\n}\n`;
  const d = checkSource("t.anet", spec("128*width*6*6")).diagnostics.find((x) => x.code === "E0110")!;
  assert.match(d.help!, /round\(128\*width\)\*6\*6 = 1620/);
  assert.equal(codes(spec("round(128*width)*6*6")), []);
});

// 12, 18. Refuse up front what cannot finish.

test("graph --format svg refuses above 2,000 nodes with the way out; report leaves the diagram out", () => {
  const dir = scratch();
  writeFileSync(
    join(dir, "deep.anet"),
    `model deep {\n  input 3x32x32\n${"  conv(4, kernel=3, padding=1)\n  relu\n".repeat(1000)}  flatten\n  dense(10)\n}\n`,
  );
  const svg = runCli(["graph", "deep.anet", "--format", "svg"], { cwd: dir });
  assert.is(svg.status, 2);
  assert.match(svg.stderr, /2,004 nodes, more than the 2,000 the built-in Graphviz draws.*--format dot \| dot -Tsvg/);
  const report = runCli(["report", "deep.anet", "-o", "r.html"], { cwd: dir });
  assert.is(report.status, 0, report.stderr);
  assert.match(readFileSync(join(dir, "r.html"), "utf8"), /Not drawn: the diagram has 2,004 nodes/);
  assert.is(runCli(["graph", "deep.anet", "--format", "dot", "-o", "g.dot"], { cwd: dir }).status, 0, "DOT has no such limit");
});

test("inputs --max 1e9 and export of a 4.6 G-parameter spec are refused at once, with the figures", () => {
  const dir = scratch();
  const inputs = runCli(["inputs", "specs/alexnet-mini.anet", "--max", "1000000000"]);
  assert.is(inputs.status, 2);
  assert.match(
    inputs.stderr,
    /scanning 1,000,000,000 sizes through \d+ layers is [\d,]+ steps, more than the 15,000,000 .*the largest --max for this model is [\d,]+/,
  );
  writeFileSync(join(dir, "huge.anet"), "model huge {\n  input 3x224x224\n  flatten\n  dense(30720)\n}\n");
  const started = performance.now();
  const exported = runCli(["export", "huge.anet"], { cwd: dir });
  assert.ok(performance.now() - started < 10_000);
  assert.is(exported.status, 2);
  assert.match(exported.stderr, /4,624,250,880 parameters, more than the 250,000,000/);
  assert.not.ok(existsSync(join(dir, "exported")));
});

// The class behind several crashes: spreading an unbounded list into a call.

test("a 200,000-layer spec checks without a stack overflow", () => {
  const text = `model m {\n  input 3x32x32\n${"  relu\n".repeat(200_000)}  flatten\n  dense(10)\n}\n`;
  const dir = scratch();
  writeFileSync(join(dir, "long.anet"), text);
  // The layer table is 200,000 lines: only the status and the diagnostics matter here.
  const r = spawnSync(process.execPath, [CLI, "check", "long.anet"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  assert.is(r.status, 0, r.stderr.slice(0, 500));
});

test.run();
