/**
 * The generated train.py under torchrun with two processes (gloo, CPU): a worker killed mid-epoch
 * (SIGKILL, by this test) stops the job, and `--resume` continues from the last checkpoint rank 0
 * wrote, giving the same metrics rows (loss and accuracy columns; times differ) as a run that was
 * never interrupted (two torchrun processes as two nodes: --nnodes 2, --node_rank 0/1, rendezvous on
 * 127.0.0.1), whose checkpoint alexc also imports and predicts with as predict.py does.
 * alexnet-mini on 32×32 built-in images, batch 8: seconds, not minutes.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import sharp from "sharp";
import { createServer } from "node:net";
import { join } from "node:path";
import { checkSource } from "../src/check/check-spec.js";
import { emitModel } from "../src/emit/emit.js";
import { writeOutputs } from "../src/emit/write.js";
import { BUILTIN_CLASSES } from "../src/runtime/index.js";
import { renderBuiltin } from "../src/runtime/builtin.js";
import { CLI, ROOT, specText } from "./support.js";
import { TORCH_PYTHON, warnWhenMissing } from "./torch-python.js";

warnWhenMissing("torchrun tests (kill and resume, two nodes)");
const torchTest = TORCH_PYTHON ? test : test.skip;

mkdirSync(join(ROOT, "tmp"), { recursive: true });
const work = mkdtempSync(join(ROOT, "tmp", "torchrun-"));
const r = checkSource("specs/alexnet-mini.anet", specText("alexnet-mini.anet"));
const emitted = emitModel(r.checked!, r.file, "pytorch");
writeOutputs(work, emitted.dir, emitted.files);
const TRAIN = join(work, emitted.dir, "train.py");
const TRAINING = ["--data", "builtin:192", "--epochs", "2", "--batch", "8", "--workers", "0", "--seed", "5", "--save-every", "4"];
/**
 * torch 1.13 on Python ≥ 3.11 (Debian 12) cannot parse torchrun's default `--redirects 0` (Python
 * 3.11's Flag iteration skips the zero member, so Std.from_str returns None); `1` tees stdout.
 * The agent checks its workers every --monitor_interval seconds (default 5): 0.2 ends a run promptly.
 */
const TEE = ["--redirects", "1", "--tee", "1", "--monitor_interval", "0.2"];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/**
 * A run that has not ended by then is stuck (each takes seconds): its agent and workers are killed
 * and the test fails with their output, instead of waiting out gloo's 30-minute collective timeout.
 */
const RUN_DEADLINE_MS = 180_000;

function start(args: string[]): Run {
  const child = spawn(TORCH_PYTHON!, ["-m", "torch.distributed.run", ...args], {
    cwd: work,
    env: { ...process.env, OMP_NUM_THREADS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let text = "";
  child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
  const deadline = setTimeout(() => {
    text += `\n[torchrun.test] still running after ${RUN_DEADLINE_MS / 1000} s: agent and workers killed\n`;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }, RUN_DEADLINE_MS);
  const exit = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(deadline);
      resolve(code);
    }),
  );
  return { child, output: () => text, exit };
}

/** What every run trains: torchrun's output options, then train.py and its arguments. */
const job = (out: string, extra: string[]): string[] => [...TEE, TRAIN, ...TRAINING, "--out", out, ...extra];

async function torchrun(out: string, extra: string[] = []): Promise<Run> {
  const port = await freePort();
  // Not --standalone: it always takes port 29400, which another run on the machine may hold.
  return start([
    "--nnodes",
    "1",
    "--nproc_per_node",
    "2",
    "--rdzv_backend",
    "c10d",
    "--rdzv_endpoint",
    `127.0.0.1:${port}`,
    ...job(out, extra),
  ]);
}

/** The worker of local rank `rank` under torchrun's agent `agent`: found by its parent and environment. */
function workerPid(agent: number, rank: number): number | undefined {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== agent) continue;
      if (readFileSync(`/proc/${name}/environ`, "utf8").split("\0").includes(`LOCAL_RANK=${rank}`)) return Number(name);
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return undefined;
}

/** metrics.csv without the timing columns (images_per_second, seconds). */
function metricsRows(out: string): string[] {
  return readFileSync(join(out, "metrics.csv"), "utf8")
    .trim()
    .split("\n")
    .map((line) =>
      line
        .split(",")
        .filter((_, i) => i !== 5 && i !== 6)
        .join(","),
    );
}

async function waitFor(run: Run, pattern: RegExp, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (pattern.test(run.output())) return true;
    if (run.child.exitCode !== null) return false;
    await new Promise((res) => setTimeout(res, 20));
  }
  return false;
}

/**
 * The uninterrupted run both tests use: two nodes of one process each. World size 2 either way, so
 * its metrics rows are the ones one node of two processes writes (checked by hand: identical to the
 * last digit), and the kill-and-resume run on one node is compared with it.
 */
let uninterrupted: Promise<string> | undefined;
const twoNodeRun = (): Promise<string> =>
  (uninterrupted ??= (async () => {
    const out = join(work, "two-nodes");
    await twoNodes(out);
    return out;
  })());

torchTest("a torchrun worker killed mid-epoch: --resume continues from the last checkpoint with the same metrics rows", async () => {
  const expected = metricsRows(await twoNodeRun());
  assert.is(expected.length, 3, "header and two epochs");

  const out = join(work, "killed");
  const killed = await torchrun(out);
  assert.ok(await waitFor(killed, /checkpoint epoch 2 step 4\b/, 120_000), `no mid-epoch checkpoint: ${killed.output()}`);
  const pid = workerPid(killed.child.pid!, 1);
  assert.ok(pid !== undefined, "worker of local rank 1 found");
  process.kill(pid!, "SIGKILL");
  const code = await killed.exit;
  assert.is.not(code, 0, "torchrun fails when a worker dies");
  assert.not.match(killed.output(), /epoch 2\/2:/, "the kill came before epoch 2 ended");
  assert.equal(metricsRows(out), expected.slice(0, 2), "only epoch 1's row was written");

  const resumed = await torchrun(out, ["--resume"]);
  assert.is(await resumed.exit, 0, resumed.output());
  assert.equal(metricsRows(out), expected, "the same rows as the run that was never interrupted");
  assert.ok(existsSync(join(out, "best.pt")));

  // predict.py with train.py's checkpoint: class names from it, one JSON line per image.
  const predicted = spawnSync(
    TORCH_PYTHON!,
    [join(work, emitted.dir, "predict.py"), "--builtin", "3", "--json", "--top", "2", "--checkpoint", join(out, "best.pt")],
    {
      encoding: "utf8",
    },
  );
  assert.is(predicted.status, 0, predicted.stderr);
  const rows = predicted.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { image: string; predictions: Array<{ class: string; probability: number }> });
  assert.equal(
    rows.map((r) => r.image),
    ["builtin:0", "builtin:1", "builtin:2"],
  );
  for (const r of rows) {
    assert.is(r.predictions.length, 2);
    assert.ok((BUILTIN_CLASSES as readonly string[]).includes(r.predictions[0]!.class));
  }
});

/** The top-1 class of each image, from `--json` lines of either predict program. */
function topClasses(stdout: string): Map<string, string> {
  const rows = stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { image: string; predictions: Array<{ class: string }> });
  return new Map(rows.map((r) => [r.image.split(/[\\/]/).pop()!, r.predictions[0]!.class]));
}

/** Two torchrun processes as two nodes of one process each (--nnodes 2, --node_rank 0/1, rendezvous on 127.0.0.1). */
async function twoNodes(out: string): Promise<void> {
  const port = await freePort();
  const node = (rank: number) =>
    start([
      "--nnodes",
      "2",
      "--node_rank",
      String(rank),
      "--nproc_per_node",
      "1",
      "--master_addr",
      "127.0.0.1",
      "--master_port",
      String(port),
      ...job(out, []),
    ]);
  const [a, b] = [node(0), node(1)];
  const [ca, cb] = await Promise.all([a.exit, b.exit]);
  assert.is(ca, 0, a.output());
  assert.is(cb, 0, b.output());
  assert.match(a.output(), /2 processes \(gloo\)/);
}

torchTest(
  "two nodes (torchrun --nnodes 2 on 127.0.0.1) train; rank 0's checkpoint imported by alexc import-weights: predict.ts gives predict.py's top-1 class on 20 built-in images",
  async () => {
    const out = await twoNodeRun();
    assert.is(metricsRows(out).length, 3, "header and two epochs, written by rank 0");
    const images = join(work, "images");
    mkdirSync(images, { recursive: true });
    const files: string[] = [];
    for (let i = 0; i < 20; i++) {
      const file = join(images, `builtin-${String(i).padStart(2, "0")}.png`);
      writeFileSync(
        file,
        await sharp(Buffer.from(renderBuiltin(i, 32, 32, 3)), { raw: { width: 32, height: 32, channels: 3 } })
          .png()
          .toBuffer(),
      );
      files.push(file);
    }
    const fromPython = spawnSync(
      TORCH_PYTHON!,
      [join(work, emitted.dir, "predict.py"), "--json", "--checkpoint", join(out, "best.pt"), ...files],
      {
        encoding: "utf8",
      },
    );
    assert.is(fromPython.status, 0, fromPython.stderr);

    const checkpoint = join(work, "imported");
    const imported = spawnSync(
      process.execPath,
      [CLI, "import-weights", "specs/alexnet-mini.anet", join(out, "best.pt"), "-o", checkpoint],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    assert.is(imported.status, 0, imported.stderr);
    const state = JSON.parse(readFileSync(join(checkpoint, "state.json"), "utf8")) as { classes: string[] };
    assert.equal(state.classes, [...BUILTIN_CLASSES], "the class names train.py saved in its checkpoint");
    const fromNode = spawnSync(
      process.execPath,
      [CLI, "predict", "-o", join(work, "tfjs"), "specs/alexnet-mini.anet", "--json", "--checkpoint", checkpoint, ...files],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, ALEXC_BACKEND: "wasm" } },
    );
    assert.is(fromNode.status, 0, fromNode.stderr);
    const python = topClasses(fromPython.stdout);
    const node = topClasses(fromNode.stdout);
    assert.is(python.size, 20);
    assert.equal([...node.entries()].sort(), [...python.entries()].sort());
  },
);

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
