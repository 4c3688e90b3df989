/**
 * alexc where its users put it: `npm pack` the repository, install the tarball into fresh projects
 * made by `npm init -y` (CommonJS, npm's default) and with `"type": "module"`, and there run the
 * README's steps — `alexc init`, `check`, `compile`, `train` one epoch on the built-in set,
 * `predict` — then the generated files themselves with `npx tsx`, and with node after `tsc --strict`.
 * Ctrl-C (SIGINT to the process group, as a terminal sends it) to `alexc train` mid-epoch on the
 * mini model and to `npx tsx train.ts` mid-step on the seed AlexNet at 224×224 must save `last/`
 * with the position in the epoch (no step after the one in progress), and `--resume` must continue
 * from that batch. (Every launcher and signal route is run in the repository by test/interrupt.test.ts.)
 *
 * One pack and one `npm install` serve every case (the ESM project links the CommonJS project's
 * node_modules): installing is most of the cost. npm's own cache makes the install fast and
 * offline when warm. Everything else stays in the temp folder: TMPDIR (tsx's cache), XDG_CACHE_HOME
 * (alexc's code cache) and no npm log files.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { renderBuiltin } from "../src/runtime/builtin.js";
import { ROOT } from "./support.js";

const started = performance.now();
const TEMP = mkdtempSync(join(tmpdir(), "alexc-user-project-"));
const CJS = join(TEMP, "cjs");
const ESM = join(TEMP, "esm");
const META = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** What the README tells users to add for running generated files on their own: the repo's pins. */
const DEV_DEPS = { typescript: META.devDependencies["typescript"]!, tsx: META.dependencies["tsx"]! };

const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NO_COLOR: "1",
  FORCE_COLOR: undefined,
  TMPDIR: join(TEMP, "tmp"),
  XDG_CACHE_HOME: join(TEMP, "cache"),
  npm_config_logs_max: "0",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
  // The project must not see the repository's own tsx loader or test settings.
  NODE_OPTIONS: undefined,
  ALEXC_BACKEND: undefined,
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cwd: string, command: string, args: string[]): Run {
  const r = spawnSync(command, args, { cwd, env: ENV, encoding: "utf8", timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `npx --no` never downloads: every command must come from the project's own node_modules. */
function npx(cwd: string, ...args: string[]): Run {
  return run(cwd, "npx", ["--no", "--", ...args]);
}

function ok(r: Run, what: string): Run {
  assert.is(r.status, 0, `${what} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  // Two tfjs copies announce themselves with one warning per kernel.
  assert.not.match(r.stderr, /already registered/, `${what}: more than one tfjs copy`);
  return r;
}

function state(dir: string): { epoch: number; position?: { batches: number } } {
  return JSON.parse(readFileSync(join(dir, "last", "state.json"), "utf8")) as { epoch: number; position?: { batches: number } };
}

test.before(async () => {
  mkdirSync(ENV["TMPDIR"]!, { recursive: true });
  // dist/ is built by `npm test` before the suites run; --ignore-scripts packs it as it is.
  const pack = run(ROOT, "npm", ["pack", "--ignore-scripts", "--pack-destination", TEMP, "--json"]);
  assert.is(pack.status, 0, pack.stderr);
  const tarball = join(TEMP, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
  for (const dir of [CJS, ESM]) {
    mkdirSync(dir);
    ok(run(dir, "npm", ["init", "-y"]), "npm init -y");
    ok(
      run(dir, "npm", ["pkg", "set", `devDependencies.typescript=${DEV_DEPS.typescript}`, `devDependencies.tsx=${DEV_DEPS.tsx}`]),
      "npm pkg set",
    );
  }
  ok(run(ESM, "npm", ["pkg", "set", "type=module"]), "npm pkg set type=module");
  ok(run(CJS, "npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball]), "npm install alexc.tgz");
  symlinkSync(join(CJS, "node_modules"), join(ESM, "node_modules"), "dir");
  // A picture to classify: one of the built-in drawn shapes, as a PNG file.
  const png = await sharp(Buffer.from(renderBuiltin(3, 32, 32, 3)), { raw: { width: 32, height: 32, channels: 3 } })
    .png()
    .toBuffer();
  for (const dir of [CJS, ESM]) writeFileSync(join(dir, "shape.png"), png);
  process.stderr.write(`[user-project] pack + install: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
});

let testStarted = 0;
test.before.each(() => {
  testStarted = performance.now();
});
test.after.each((context) => {
  process.stderr.write(`[user-project] ${((performance.now() - testStarted) / 1000).toFixed(1)} s: ${context.__test__}\n`);
});

test.after(() => {
  process.stderr.write(`[user-project] total: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  rmSync(TEMP, { recursive: true, force: true });
});

test("the tarball installs exactly one tfjs-core, and not the tfjs bundle", () => {
  const copies = (function find(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      if (!e.isDirectory()) return [];
      const path = join(dir, e.name);
      if (path.endsWith(join("@tensorflow", "tfjs-core")) && existsSync(join(path, "package.json"))) return [path];
      return find(path);
    });
  })(join(CJS, "node_modules"));
  assert.equal(copies.length, 1, copies.join("\n"));
  // The bundle (converter, tf.data, WebGL: ~190 MB) is nothing alexc runs.
  for (const absent of ["tfjs", "tfjs-converter", "tfjs-backend-webgl", "tfjs-data"])
    assert.not.ok(existsSync(join(CJS, "node_modules", "@tensorflow", absent)), `@tensorflow/${absent} was installed`);
});

// The project's module format decides how the generated files load (require or import): both are
// run on their own. init, check and train's recompiling are the same bundle whatever the project, so
// that round is run in the CommonJS project (npm's default); the ES module project runs `alexc
// predict` here and `alexc train` in the Ctrl-C case below.
for (const [kind, dir, format, commands] of [
  ["CommonJS (npm init -y)", CJS, /\brequire\("alexc\/runtime"\)/, true],
  ["ES module (type: module)", ESM, /^import .* from "alexc\/runtime";$/m, false],
] as const) {
  const title = commands ? "init, check, compile, train, predict" : "compile";
  test(`${kind}: ${title}; the generated files under tsx and tsc --strict`, () => {
    if (!commands) {
      ok(npx(dir, "alexc", "init"), "alexc init");
      ok(npx(dir, "alexc", "compile", "specs/alexnet-mini.anet"), "alexc compile");
    } else {
      const init = ok(npx(dir, "alexc", "init"), "alexc init");
      assert.match(init.stdout, /wrote +specs\/alexnet-mini\.anet/);
      assert.match(init.stdout, /updated +package\.json/);
      const scripts = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
      assert.is(scripts["train"], "alexc train specs/alexnet-mini.anet --data builtin");
      // A second init keeps everything.
      assert.not.match(ok(npx(dir, "alexc", "init"), "alexc init again").stdout, /wrote|updated|replaced/);

      assert.match(ok(npx(dir, "alexc", "check"), "alexc check").stderr, /1 spec: 0 errors, 0 warnings/);
      assert.match(
        ok(npx(dir, "alexc", "compile", "specs/alexnet-mini.anet"), "alexc compile").stdout,
        /wrote generated\/alexnet_mini\/train\.ts/,
      );
      assert.not.match(
        readFileSync(join(dir, "generated/alexnet_mini/model.ts"), "utf8"),
        /@tensorflow\/tfjs/,
        "model.ts must take tf from alexc",
      );

      // Fresh output, so `train` compiles it again first (stale detection).
      writeFileSync(join(dir, "generated/alexnet_mini/train.ts"), "// old\n");
      const train = ok(
        npx(dir, "alexc", "train", "specs/alexnet-mini.anet", "--data", "builtin:96", "--epochs", "1", "--seed", "1"),
        "alexc train",
      );
      assert.match(train.stderr, /wrote generated\/alexnet_mini\/train\.ts/);
      assert.match(train.stdout, /done: 1 epoch/);
      assert.is(state(join(dir, "runs/alexnet_mini")).epoch, 1);
      const predicted = ok(npx(dir, "alexc", "predict", "specs/alexnet-mini.anet", "shape.png", "--json"), "alexc predict");
      assert.is((JSON.parse(predicted.stdout.trim().split("\n")[0]!) as { image: string }).image, "shape.png");
    }

    // The generated files on their own: tsx runs them as the project's module format says.
    ok(
      npx(
        dir,
        "tsx",
        "generated/alexnet_mini/train.ts",
        "--data",
        "builtin:64",
        "--epochs",
        "1",
        "--steps",
        "1",
        "--out",
        "runs/tsx",
        "--quiet",
      ),
      "npx tsx train.ts",
    );
    assert.is(state(join(dir, "runs/tsx")).epoch, 1);
    assert.match(
      ok(
        npx(dir, "tsx", "generated/alexnet_mini/predict.ts", "shape.png", "--checkpoint", "runs/tsx/best", "--top", "1"),
        "npx tsx predict.ts",
      ).stdout,
      /^shape\.png\n {3}1\. /,
    );
    if (!commands)
      assert.match(
        ok(npx(dir, "alexc", "predict", "specs/alexnet-mini.anet", "shape.png", "--checkpoint", "runs/tsx/best"), "alexc predict").stdout,
        /^shape\.png\n/,
      );

    // tsc --strict with init's nodenext tsconfig, then plain node on its output.
    ok(npx(dir, "tsc", "-p", ".", "--strict"), "tsc --strict");
    assert.match(readFileSync(join(dir, "dist/generated/alexnet_mini/train.js"), "utf8"), format);
    ok(
      run(dir, process.execPath, [
        "dist/generated/alexnet_mini/train.js",
        "--data",
        "builtin:64",
        "--epochs",
        "1",
        "--steps",
        "1",
        "--out",
        "runs/node",
        "--quiet",
      ]),
      "node train.js",
    );
    assert.is(state(join(dir, "runs/node")).epoch, 1);
    assert.match(
      ok(
        run(dir, process.execPath, ["dist/generated/alexnet_mini/predict.js", "shape.png", "--checkpoint", "runs/node/best"]),
        "node predict.js",
      ).stdout,
      /^shape\.png\n/,
    );
  });
}

interface Interrupted {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** process.kill, except that a process (group) that has already exited is not an error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
  }
}

/**
 * Starts `command` in its own process group, waits until its output matches `ready`, then sends
 * SIGINT to the whole group, as a terminal's Ctrl-C does.
 */
function interrupt(cwd: string, command: string, args: string[], ready: RegExp): Promise<Interrupted> {
  return new Promise((done, fail) => {
    const child: ChildProcess = spawn(command, args, { cwd, env: ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let sent = false;
    const guard = setTimeout(() => {
      signal(-child.pid!, "SIGKILL");
      fail(new Error(`${command} ${args.join(" ")}: no exit within 240 s\n${stdout}\n${stderr}`));
    }, 240_000);
    const check = (): void => {
      if (sent || !ready.test(stdout + stderr)) return;
      sent = true;
      signal(-child.pid!, "SIGINT");
    };
    child.stdout!.on("data", (d: Buffer) => ((stdout += d), check()));
    child.stderr!.on("data", (d: Buffer) => ((stderr += d), check()));
    let exited = { status: null as number | null, signal: null as NodeJS.Signals | null };
    child.on("exit", (status, signal) => (exited = { status, signal }));
    // After "close", not "exit": by then every process of the group has closed its output.
    child.on("close", () => {
      clearTimeout(guard);
      if (!sent)
        fail(
          new Error(
            `${command} ${args.join(" ")} ended before its output matched ${ready}: no signal was sent (too little data?)\n${stdout}\n${stderr}`,
          ),
        );
      done({ ...exited, stdout, stderr });
    });
  });
}

/**
 * A progress line: some batches of the epoch are done. Off a terminal the trainer prints one every
 * tenth of the epoch but at most every 5 s, so the epoch must outlast 5 s even on a fast machine.
 */
const PROGRESS = /epoch 1\/1 +[\d,]+\/[\d,]+ /;

const batchOf = (args: string[]): number => (args.includes("--batch") ? Number(args[args.indexOf("--batch") + 1]) : 32);

/**
 * npx (npm exec) ends by the signal itself once its child has exited, whatever the child's status:
 * that is npm's doing, so through npx "interrupted" is status 130 or death by SIGINT. Run directly,
 * the status must be 130.
 */
async function interruptAndResume(
  dir: string,
  command: string[],
  out: string,
  ready: RegExp,
  resumeSteps: number,
  stepsAfterSignal?: number,
): Promise<void> {
  const [cmd, ...args] = command;
  const stopped = await interrupt(dir, cmd!, [...args, "--out", out, "--epochs", "1"], ready);
  const log = `--- stdout\n${stopped.stdout}\n--- stderr\n${stopped.stderr}`;
  if (cmd === "npx" && stopped.signal === "SIGINT") stopped.status = 130;
  assert.is(stopped.status, 130, `exit status after Ctrl-C (signal ${stopped.signal})\n${log}`);
  assert.match(stopped.stdout, new RegExp(`saved ${out}/last \\(0 epochs \\+ \\d+ batches\\)`), log);
  assert.ok(existsSync(join(dir, out, "last", "state.json")), `no ${out}/last after Ctrl-C\n${log}`);
  const saved = state(join(dir, out));
  assert.is(saved.epoch, 0);
  assert.ok(saved.position !== undefined, `${out}/last/state.json has no position in the epoch`);
  const batches = saved.position!.batches;
  // How soon it stopped, counted in steps rather than milliseconds (a loaded machine stretches
  // both the step and the save): the signal went out on the progress line after step k, so the
  // trainer may finish the step in progress, k + 1, and must not start another.
  if (stepsAfterSignal !== undefined) {
    const shown = /epoch 1\/1 +([\d,]+)\/[\d,]+ /.exec(stopped.stderr);
    const k = Math.ceil(Number(shown![1]!.replace(/,/g, "")) / batchOf(args));
    assert.ok(batches <= k + stepsAfterSignal, `saved after batch ${batches}; the signal came after batch ${k}\n${log}`);
  }
  // resumeSteps 0: resuming is shown by another case, this one is about the stop.
  if (resumeSteps === 0) return;
  const resumed = ok(
    run(dir, cmd!, [...args, "--out", out, "--epochs", "1", "--resume", "--steps", String(batches + resumeSteps)]),
    `${command.join(" ")} --resume`,
  );
  assert.match(resumed.stdout, new RegExp(`resuming ${out}/last: 0 epochs done, ${batches} batches into epoch 1`));
  assert.is(state(join(dir, out)).epoch, 1);
}

test("installed: import-weights of a PyTorch state dict then predict with it; compile --target pytorch; the language server answers over stdio", async () => {
  const dir = CJS;
  copyFileSync(join(ROOT, "test/fixtures/torch-weights/mini.pt"), join(dir, "mini.pt"));
  const spec = "specs/alexnet-mini.anet";
  if (!existsSync(join(dir, spec))) ok(npx(dir, "alexc", "init"), "alexc init");
  assert.match(
    ok(npx(dir, "alexc", "import-weights", spec, "mini.pt", "-o", "runs/imported"), "alexc import-weights").stdout,
    /^wrote runs\/imported: /,
  );
  const predicted = ok(
    npx(dir, "alexc", "predict", spec, "shape.png", "--json", "--checkpoint", "runs/imported"),
    "alexc predict (imported)",
  );
  assert.is((JSON.parse(predicted.stdout.trim().split("\n")[0]!) as { image: string }).image, "shape.png");

  assert.match(
    ok(npx(dir, "alexc", "compile", spec, "--target", "pytorch", "-o", "py"), "alexc compile --target pytorch").stdout,
    /wrote py\/alexnet_mini\/model\.py/,
  );
  assert.match(readFileSync(join(dir, "py/alexnet_mini/model.py"), "utf8"), /nn\.Module/);

  // The second bin: initialize, then shutdown and exit, as an editor does.
  const frame = (body: object): string => {
    const json = JSON.stringify(body);
    return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
  };
  const session =
    frame({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } }) +
    frame({ jsonrpc: "2.0", method: "initialized", params: {} }) +
    frame({ jsonrpc: "2.0", id: 2, method: "shutdown" }) +
    frame({ jsonrpc: "2.0", method: "exit" });
  // Input stays open, as an editor's pipe does (the server also exits at EOF): it must end on `exit`.
  const lsp = await new Promise<Run>((done) => {
    const child = spawn("npx", ["--no", "--", "alexc-lsp", "--stdio"], { cwd: dir, env: ENV, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (status) => {
      clearTimeout(guard);
      done({ status, stdout, stderr });
    });
    child.stdin.write(session);
  });
  assert.is(lsp.status, 0, lsp.stderr);
  assert.match(lsp.stdout, /"inlayHintProvider"/, "the server announced its capabilities");
});

test("Ctrl-C to `alexc train` (node_modules/.bin/alexc, mini model, mid-epoch) saves last/; --resume continues from the saved batch", async () => {
  await interruptAndResume(
    ESM,
    [join(ESM, "node_modules", ".bin", "alexc"), "train", "specs/alexnet-mini.anet", "--data", "builtin:3000", "--seed", "3"],
    "runs/int-alexc",
    PROGRESS,
    2,
  );
});

test("Ctrl-C to `npx tsx train.ts` of the seed AlexNet at 224×224, mid-step, saves last/ after that step", async () => {
  copyFileSync(join(ROOT, "specs", "alexnet.anet"), join(CJS, "specs", "alexnet.anet"));
  ok(npx(CJS, "alexc", "compile", "specs/alexnet.anet", "--set", "num_classes=8"), "alexc compile alexnet");
  // The first progress line comes after a few 224×224 steps; the signal lands in the next one.
  await interruptAndResume(
    CJS,
    ["npx", "--no", "--", "tsx", "generated/alexnet/train.ts", "--data", "builtin:200", "--batch", "8", "--seed", "4"],
    "runs/int-seed",
    PROGRESS,
    0,
    1,
  );
});

test.run();
