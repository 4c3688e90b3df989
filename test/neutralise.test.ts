/**
 * User-supplied text (file names, spec contents) is neutralised per output format: text shows
 * control characters as visible escapes, `--format github` cannot be made to emit a second
 * workflow command, and json, sarif and junit stay valid and carry the real name.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./support.js";
import { visible } from "../src/diagnostics/visible.js";

/** A file name that tries to inject a workflow command, recolour and clear the terminal, and reverse text. */
const HOSTILE = "evil\n::error file=x.anet,line=1::injected\u001b[31m\u001b]0;title\u0007\u202e.anet";
const ESC = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function hostileProject(): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), "alexc-neutral-"));
  // A warning (W0301) on a line whose comment holds an escape sequence and a bidi override, and
  // a stray ESC that is an error (E0001) whose message names the character.
  writeFileSync(join(dir, HOSTILE), "model m {\n  input 3x32x32\n  conv(8, kernel=3, stride=2) // \u001b[2J\u202e gone\u0007\n}\n");
  writeFileSync(join(dir, "stray.anet"), "model s {\n  input 3x32x32\n  \u001b[31m\n}\n");
  return { dir, name: HOSTILE };
}

test("visible(): controls, bidi overrides and lone surrogates become escapes; other text is untouched", () => {
  assert.is(visible("a\u001b[31mb\nc\u202ed\u0085e\ud800f"), "a\\x1b[31mb\\x0ac\\u{202e}d\\x85e\\u{d800}f");
  // A byte that was not UTF-8 (kept as U+DC80+byte by src/syntax/read.ts) shows as that byte.
  assert.is(visible("caf\udce9"), "caf\\xe9");
  assert.is(visible("conv1 → 55×55, ünïcode, 😀"), "conv1 → 55×55, ünïcode, 😀");
});

test("text: no control character reaches the terminal, no line starts a workflow command, carets stay aligned", () => {
  const { dir } = hostileProject();
  try {
    const r = runCli(["check", "."], { cwd: dir });
    const out = r.stdout + r.stderr;
    assert.not.match(out, ESC, JSON.stringify(out));
    for (const line of out.split("\n")) assert.not.match(line, /^::/, line);
    assert.match(out, /evil\\x0a::error file=x\.anet,line=1::injected\\x1b\[31m\\x1b\]0;title\\x07\\u\{202e\}\.anet/);
    assert.match(r.stderr, /error\[E0001\]: unexpected character U\+001B/);
    // The caret of E0001 sits under the escaped ESC (`\x1b` is four columns wide); the syntax
    // errors that follow on the same line are its consequences and are not reported.
    assert.match(r.stderr, /3 \|   \\x1b\[31m\n  \|   \^\^\^\^ /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--format github: exactly one workflow command per finding, each on its own line", () => {
  const { dir } = hostileProject();
  try {
    const r = runCli(["check", ".", "--format", "github"], { cwd: dir });
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    assert.ok(lines.length >= 2, r.stdout);
    const json = JSON.parse(runCli(["check", ".", "--format", "json"], { cwd: dir }).stdout);
    const findings = json.files.reduce((n: number, f: { diagnostics: unknown[] }) => n + f.diagnostics.length, 0);
    assert.is(lines.length, findings, r.stdout);
    for (const line of lines)
      assert.match(line, /^::(error|warning|notice) file=[^:]*,(line=\d+,col=\d+,endLine=\d+,endColumn=\d+,)?title=[EW]\d{4}::/);
    assert.not.match(r.stdout, ESC);
    assert.match(r.stdout, /file=evil\\x0a%3A%3Aerror file=x\.anet%2Cline=1%3A%3Ainjected\\x1b\[31m/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--format json and sarif: valid documents that carry the file's real name", () => {
  const { dir, name } = hostileProject();
  try {
    const json = JSON.parse(runCli(["check", ".", "--format", "json"], { cwd: dir }).stdout);
    assert.ok(json.files.some((f: { file: string }) => f.file === name));
    const sarif = JSON.parse(runCli(["check", ".", "--format", "sarif"], { cwd: dir }).stdout);
    const uris: string[] = sarif.runs[0].results.map(
      (r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) =>
        r.locations[0]!.physicalLocation.artifactLocation.uri,
    );
    assert.ok(
      uris.some((u) => decodeURIComponent(u) === name),
      uris.join(" "),
    );
    for (const u of uris) assert.match(u, /^[A-Za-z0-9\-._~%!*'()/]+$/, u);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--format junit: no raw control characters, the name's line break kept as a reference", () => {
  const { dir } = hostileProject();
  try {
    const xml = runCli(["check", ".", "--format", "junit"], { cwd: dir }).stdout;
    assert.not.match(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    assert.match(xml, /<testsuite name="evil&#10;::error file=x\.anet,line=1::injected\[31m\]0;title\u202e\.anet"/);
    // Every attribute value is closed on its own line: nothing the name holds can open an element.
    for (const line of xml.split("\n")) assert.not.match(line, /^::/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compile, fmt and usage errors show hostile file names visibly", () => {
  const { dir, name } = hostileProject();
  try {
    const fmt = runCli(["fmt", "--check", name], { cwd: dir });
    assert.not.match(fmt.stdout + fmt.stderr, ESC);
    const missing = runCli(["check", `${name}.missing`], { cwd: dir });
    assert.is(missing.status, 2);
    assert.match(missing.stderr, /^alexc: evil\\x0a::error/);
    assert.not.match(missing.stderr, ESC);
    const compiled = runCli(["compile", name, "--check"], { cwd: dir });
    assert.not.match(compiled.stdout + compiled.stderr, ESC);
    for (const line of (compiled.stdout + compiled.stderr).split("\n")) assert.not.match(line, /^::/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
