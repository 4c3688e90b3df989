/**
 * No code injection: text from a spec that reaches generated TypeScript (names, strings, the spec's
 * own path) is either rejected with a diagnostic or emitted inertly. Each payload would create a
 * marker file if it ever ran; every accepted case is compiled, type-checked and executed.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli } from "./support.js";

// Inside the repository (tmp/ is ignored by git), so generated imports resolve like a user's would.
mkdirSync(join(ROOT, "tmp"), { recursive: true });
const work = mkdtempSync(join(ROOT, "tmp", "inject-"));
const marker = join(work, "pwned");
const payload = `x"; require("fs").writeFileSync(${JSON.stringify(marker)},"1"); //`;
const js = `require("fs").writeFileSync(${JSON.stringify(marker)},"1")`;

const base = (name: string, layer: string, extra = "") => `model ${name} {\n  input 3x8x8\n  ${layer}\n  flatten\n  dense(2)\n${extra}}\n`;

/** [what, spec text, file name]: each must be refused or harmless. */
const cases: Array<[string, string, string]> = [
  ["a layer named with quotes and code", base("m", `${payload}: relu`), "a.anet"],
  ["a backtick template", base("m", "`${" + js + "}`: relu"), "b.anet"],
  ["a comment terminator", base("m", "a*/b: relu"), "c.anet"],
  ["a newline in a string", base("m", 'relu allow inexact "x\n' + js + '"'), "d.anet"],
  ["U+2028 in a name", base("m", "a\u2028b: relu"), "e.anet"],
  ["U+2029 in a reason", base("m", `conv(2, kernel=3, stride=2) allow inexact "ok\u2029${js}"`), "f.anet"],
  ["a non-ASCII letter", base("m", "größe: relu"), "g.anet"],
  ["reserved words as names", base("constructor", "class: relu", "  block function { prototype: relu }\n  variant delete { }\n"), "h.anet"],
  ["__proto__ as a layer name", base("m", "__proto__: relu"), "h2.anet"],
  ["a model named like a path", base("../../evil", "relu"), "i.anet"],
  ["a spec path with a newline", base("m", "relu"), `j*\n${js.replace(/\//g, "")}.anet`],
  ["a spec path with U+2028", base("m", "relu"), `k\u2028${"x"}.anet`],
  [
    "a reason with HTML and a closing comment",
    base("m", `conv(2, kernel=3, stride=2) allow inexact "</script><!-- */ ${js} //"`),
    "l.anet",
  ],
];

const compiled: string[] = [];

for (const [what, text, fileName] of cases) {
  test(`injection: ${what} is refused or inert`, () => {
    const dir = join(work, fileName.replace(/[^a-z]/gi, "_"));
    mkdirSync(dir, { recursive: true });
    const spec = join(dir, fileName);
    writeFileSync(spec, text);
    const r = runCli(["compile", fileName, "-o", "out"], { cwd: dir });
    assert.not.match(r.stderr, /\n\s+at .*:\d+:\d+\)?\n/, "no stack trace");
    if (r.status !== 0) {
      assert.is(r.status, 1, r.stderr);
      assert.match(r.stderr, /error\[E0\d{3}\]/);
      assert.match(r.stderr, /-->/, "the diagnostic has a location");
      return;
    }
    for (const f of ["model.ts", "train.ts"]) {
      const found = spawnSync("find", [join(dir, "out"), "-name", f], { encoding: "utf8" })
        .stdout.trim()
        .split("\n")
        .filter(Boolean);
      assert.is(found.length, 1);
      const source = readFileSync(found[0]!, "utf8");
      assert.not.ok(source.includes(js), "the payload does not appear as code");
      for (const line of source.split("\n")) assert.not.match(line, /[\u2028\u2029]/);
      compiled.push(found[0]!);
    }
  });
}

test("every accepted case type-checks with tsc --strict and runs without touching the marker", () => {
  assert.ok(compiled.length >= 4, `some cases compile (${compiled.length / 2})`);
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2022", "DOM"],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
      },
      files: compiled,
    }),
  );
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(work, "tsconfig.json")], {
    encoding: "utf8",
  });
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
  // Every model in one process, one after another: tfjs loads once, and a failure names its model.
  const models = compiled.filter((f) => f.endsWith("model.ts"));
  const program = `for (const model of ${JSON.stringify(models)}) {
    try { (await import(model)).buildModel().dispose(); }
    catch (e) { console.error(model, e); process.exitCode = 1; }
  }`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", program], { cwd: ROOT, encoding: "utf8" });
  assert.is(run.status, 0, run.stderr);
  assert.not.ok(existsSync(marker), "no payload ran");
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
