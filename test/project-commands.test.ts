/**
 * The fast half of the user-project commands (the slow half, in a real installed project, is
 * user-project.test.ts): `alexc init` never replacing a user's files without --force, `train` and
 * `predict` refusing a spec with errors before running anything, and runIfEntry — the generated
 * programs' "am I the entry point" check — in CommonJS and ES modules.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT, runCli } from "./support.js";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "alexc-init-"));
}

test("the starter spec init writes is specs/alexnet-mini.anet", () => {
  assert.fixture(
    readFileSync(join(ROOT, "templates/init/specs/alexnet-mini.anet"), "utf8"),
    readFileSync(join(ROOT, "specs/alexnet-mini.anet"), "utf8"),
  );
});

test("init in an empty folder writes a spec, tsconfig.json, package.json and .gitignore that check cleanly", () => {
  const dir = scratch();
  try {
    const r = runCli(["init", "proj"], { cwd: dir });
    assert.is(r.status, 0, r.stderr);
    const project = join(dir, "proj");
    for (const f of ["specs/alexnet-mini.anet", "tsconfig.json", "package.json", ".gitignore"]) assert.ok(existsSync(join(project, f)), f);
    const meta = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.match(meta.dependencies["alexc"]!, /^\^\d/);
    assert.is(meta.scripts["train"], "alexc train specs/alexnet-mini.anet --data builtin");
    const tsconfig = JSON.parse(readFileSync(join(project, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    assert.equal([tsconfig.compilerOptions["strict"], tsconfig.compilerOptions["module"]], [true, "nodenext"]);
    assert.match(readFileSync(join(project, ".gitignore"), "utf8"), /^runs\/$/m);
    assert.match(r.stderr, /next: cd proj && npm install && npx alexc train/);
    assert.is(runCli(["check"], { cwd: project }).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("init keeps existing files and scripts, adds only what is missing, and --force replaces", () => {
  const dir = scratch();
  try {
    mkdirSync(join(dir, "specs"));
    writeFileSync(join(dir, "specs/alexnet-mini.anet"), "// mine\n");
    writeFileSync(join(dir, "tsconfig.json"), "{}\n");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "mine", type: "module", scripts: { train: "python train.py" } }));
    writeFileSync(join(dir, ".gitignore"), "/runs\n*.log");
    const r = runCli(["init"], { cwd: dir });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /kept +specs\/alexnet-mini\.anet: exists; --force replaces it/);
    assert.match(r.stdout, /updated +package\.json: kept your script train \(--force replaces them\)/);
    assert.is(readFileSync(join(dir, "specs/alexnet-mini.anet"), "utf8"), "// mine\n");
    assert.is(readFileSync(join(dir, "tsconfig.json"), "utf8"), "{}\n");
    const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      name: string;
      type: string;
      scripts: Record<string, string>;
    };
    assert.equal(
      [meta.name, meta.type, meta.scripts["train"], meta.scripts["check"]],
      ["mine", "module", "python train.py", "alexc check"],
    );
    assert.is(readFileSync(join(dir, ".gitignore"), "utf8"), "/runs\n*.log\nnode_modules/\ndist/\n");

    const again = runCli(["init"], { cwd: dir });
    assert.not.match(again.stdout, /wrote|updated|replaced/, again.stdout);

    const forced = runCli(["init", "--force"], { cwd: dir });
    assert.is(forced.status, 0, forced.stderr);
    assert.match(forced.stdout, /replaced +specs\/alexnet-mini\.anet/);
    assert.is(
      (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["train"],
      "alexc train specs/alexnet-mini.anet --data builtin",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("init refuses a package.json it cannot read, without touching it", () => {
  const dir = scratch();
  try {
    writeFileSync(join(dir, "package.json"), "{ not json");
    const r = runCli(["init"], { cwd: dir });
    assert.is(r.status, 2);
    assert.match(r.stderr, /package\.json: not valid JSON/);
    assert.is(readFileSync(join(dir, "package.json"), "utf8"), "{ not json");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train and predict into a folder where alexc/runtime cannot be found: one line, exit 2, nothing run", () => {
  const outside = mkdtempSync(join(tmpdir(), "alexc-outside-"));
  try {
    for (const command of ["train", "predict"]) {
      const r = runCli([command, "-o", outside, "specs/alexnet-mini.anet", "--data", "builtin:8"]);
      assert.is(r.status, 2, r.stderr);
      assert.match(r.stderr, /imports alexc\/runtime, which cannot be found from there: compile into your project/);
      assert.not.match(r.stderr, /MODULE_NOT_FOUND|\n\s+at /);
    }
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});

test("init where a file stands in for the project folder: one line, exit 2, no stack trace", () => {
  const dir = scratch();
  try {
    writeFileSync(join(dir, "taken"), "");
    const r = runCli(["init", "taken/proj"], { cwd: dir });
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, /^alexc: taken\/proj: cannot write \(ENOTDIR\)\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const command of ["train", "predict"]) {
  test(`${command}: a spec with errors runs nothing and writes nothing (exit 1); a missing spec is exit 2`, () => {
    const dir = scratch();
    try {
      writeFileSync(join(dir, "bad.anet"), "model m {\n  input 3x8x8\n  conv(4, kernel=9)\n  flatten\n  dense(2)\n}\n");
      const r = runCli([command, "bad.anet", "--data", "builtin"], { cwd: dir });
      assert.is(r.status, 1, r.stderr);
      assert.match(r.stderr, /nothing run/);
      assert.not.ok(existsSync(join(dir, "generated")));
      assert.is(runCli([command, "missing.anet"], { cwd: dir }).status, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** A module that calls runIfEntry as generated code does (after tsc: .js), run itself or imported by another. */
function entryCase(ext: "cjs" | "mjs"): { status: number | null; direct: string; imported: string } {
  const dir = scratch();
  try {
    // The built runtime, as an installed alexc serves it (a CommonJS module requires it as ESM).
    const program = join(ROOT, "dist/src/runtime/program.js");
    const runtime = pathToFileURL(program).href;
    const load =
      ext === "cjs"
        ? `const { runIfEntry } = require(${JSON.stringify(program)});`
        : `import { runIfEntry } from ${JSON.stringify(runtime)};`;
    writeFileSync(join(dir, `main.${ext}`), `${load}\nrunIfEntry(async () => { console.log("ran"); });\n`);
    writeFileSync(
      join(dir, `other.${ext}`),
      ext === "cjs" ? `require("./main.cjs");\nconsole.log("other");\n` : `import "./main.mjs";\nconsole.log("other");\n`,
    );
    const run = (file: string) => spawnSync(process.execPath, [join(dir, file)], { cwd: ROOT, encoding: "utf8" });
    const direct = run(`main.${ext}`);
    const imported = run(`other.${ext}`);
    return { status: direct.status, direct: direct.stdout + direct.stderr, imported: imported.stdout + imported.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const ext of ["cjs", "mjs"] as const) {
  test(`runIfEntry (${ext === "cjs" ? "CommonJS" : "ES module"}): runs main when the module is the script, not when it is imported`, () => {
    const r = entryCase(ext);
    assert.is(r.status, 0, r.direct);
    assert.is(r.direct, "ran\n");
    assert.is(r.imported, "other\n");
  });
}

/**
 * runGenerated (alexc train/predict's child) with a stand-in program: a SIGTERM sent to alexc alone,
 * as a process manager sends it, reaches the program, and alexc exits with the program's status, or
 * 128 + the signal's number when the program dies of it. The runner stands in for alexc with the
 * built module (as the runIfEntry cases use the built runtime), so only the program needs tsx.
 */
function forwarded(programSource: string, signals = 1): Promise<{ status: number | null; output: string }> {
  const dir = scratch();
  writeFileSync(join(dir, "program.ts"), programSource);
  const runner = `import { runGenerated } from ${JSON.stringify(pathToFileURL(join(ROOT, "dist/src/cli/commands/run-program.js")).href)};\nprocess.exitCode = await runGenerated(${JSON.stringify(join(dir, "program.ts"))}, ["--flag"]);\n`;
  writeFileSync(join(dir, "runner.mjs"), runner);
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(dir, "runner.mjs")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (d: Buffer): void => {
      output += d;
      if (output.includes("ready --flag\n") && !output.includes("sent")) {
        output += "sent\n";
        // A person's second Ctrl-C comes well after the first (the trainer merges copies within 500 ms).
        for (let i = 0; i < signals; i++) setTimeout(() => child.kill("SIGTERM"), i * 700);
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("close", (status) => {
      rmSync(dir, { recursive: true, force: true });
      done({ status, output });
    });
  });
}

test("runIfEntry: `node dir/main` (no extension, as node allows for CommonJS) counts as the entry", () => {
  const dir = scratch();
  try {
    writeFileSync(
      join(dir, "main.js"),
      `const { runIfEntry } = require(${JSON.stringify(join(ROOT, "dist/src/runtime/program.js"))});\nrunIfEntry(async () => { console.log("ran"); });\n`,
    );
    const r = spawnSync(process.execPath, [join(dir, "main")], { encoding: "utf8" });
    assert.is(r.stdout + r.stderr, "ran\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train/predict's child: SIGTERM to alexc is forwarded, a second one too, and alexc exits with the program's status", async () => {
  const r = await forwarded(
    `let n = 0;\nprocess.on("SIGTERM", () => { console.log("signal " + ++n); if (n === 2) process.exit(7); });\nconsole.log("ready " + process.argv.slice(2).join(" "));\nsetInterval(() => {}, 1000);\n`,
    2,
  );
  assert.is(r.status, 7, r.output);
  assert.match(r.output, /sent\nsignal 1\nsignal 2\n/);
});

test("train/predict's child: a program killed by the forwarded signal makes alexc exit 128 + its number", async () => {
  const r = await forwarded(`console.log("ready " + process.argv.slice(2).join(" "));\nsetInterval(() => {}, 1000);\n`);
  assert.is(r.status, 128 + 15, r.output);
});

test.run();
