// Test runner: every test file in its own process, as many at once as there are cores.
//
// One process per file because tfjs keeps global state (backend, registered kernels, memory
// counters) that has leaked between suites before; parallel because the suite is mostly waiting on
// single-threaded work and the machines it runs on have 2 cores. Each file is an ordinary uvu file
// (it calls `.run()`), so `node --import tsx test/x.test.ts` still runs one file alone.
//
//   node --import tsx test/run.ts              every suite
//   node --import tsx test/run.ts --unit       compiler suites only: no build, no tfjs, no child processes
//   node --import tsx test/run.ts fmt lock     the suites whose file name contains "fmt" or "lock"
//   node --import tsx test/run.ts --built      the suites as `tsc -p test/tsconfig.json` compiled them
//                                              into dist-test/, under plain node (what `npm test` runs)
//
// --built, because tsx's loader costs every process 1.5–4 CPU-seconds before its first test (its
// hooks on every import, and the source maps it turns on, which make node parse tfjs's maps): with
// 77 suites on 2 cores that was a fifth of the run's CPU. Compiled, a suite pays only node's start
// and its own imports (receptive-field.test.ts: 3.3 -> 1.4 CPU-s).
// Suites that import generated .ts files at run time do it through support.ts's importTs.
//
// The totals are printed last in uvu's own format, so tools that read uvu's closing lines still can.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const TEST_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(TEST_DIR);
const FILE_TIMEOUT_MS = 8 * 60_000;
/** Durations of the last run, so the longest suites start first and the cores stay busy to the end. */
const TIMINGS = join(ROOT, "node_modules", ".cache", "alexc-test-timings.json");
/** Where there is no earlier run (a fresh clone in CI): the suites known to take longest. */
const KNOWN_SLOW = [
  "user-project.test.ts",
  "train.test.ts",
  "tfjs-model.test.ts",
  "torchrun.test.ts",
  "hostile-specs.test.ts",
  "interrupt.test.ts",
  "wasm-threads.test.ts",
  "crash.test.ts",
  "torch-weights.test.ts",
  "cli-output.test.ts",
  "pytorch-target.test.ts",
  "cli.test.ts",
  "emit.test.ts",
  "inputs.test.ts",
  "run-folder.test.ts",
  "project-commands.test.ts",
  "export.test.ts",
  "report.test.ts",
];

/**
 * A suite needs the build (runCli runs dist/), tfjs or child processes when its source mentions any
 * of these or imports a helper that does; --unit leaves those out, so it never runs a stale build.
 */
const NEEDS_MORE_THAN_THE_COMPILER = /\bCLI\b|runCli|runtime|tfjs|spawn|execFile|dist\/|crash-cases|scripts\/readme/;

interface Outcome {
  file: string;
  total: number;
  passed: number;
  skipped: number;
  ok: boolean;
  seconds: number;
  output: string;
}

function selectFiles(args: string[]): string[] {
  const unitOnly = args.includes("--unit");
  const patterns = args.filter((a) => !a.startsWith("--"));
  return readdirSync(TEST_DIR)
    .filter((name) => name.endsWith(".test.ts"))
    .sort()
    .map((name) => join(TEST_DIR, name))
    .filter((file) => patterns.length === 0 || patterns.some((p) => file.includes(p)))
    .filter((file) => !unitOnly || !NEEDS_MORE_THAN_THE_COMPILER.test(readFileSync(file, "utf8")));
}

function count(output: string, label: string): number | undefined {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const matches = [...plain.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, "gm"))];
  const last = matches.at(-1);
  return last ? Number(last[1]) : undefined;
}

const LEFTOVER_GRACE_MS = 500;

/** Process groups of the suites running now. */
const groups = new Set<number>();

/** SIGKILLs a suite's process group. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // empty already
  }
}

/**
 * Whether a process of the group still runs. Zombies do not count: orphans wait for PID 1 to reap
 * them, which in a container may take a while, and a signal to the group "reaches" them too.
 */
function groupRuns(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    // No /proc (not Linux): whether a signal reaches anyone.
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return entries.some((name) => {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(group) === pgid && state !== "Z";
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** Each suite's TMPDIR, removed when the suite ends: a temp folder a test forgets cannot pile up. */
const scratchDirs = new Set<string>();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const pid of groups) killGroup(pid);
    for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}

/** The compiled suite for --built: dist-test/test/x.test.js, where test/tsconfig.json writes it. */
function builtFile(file: string): string {
  return join(ROOT, "dist-test", "test", relative(TEST_DIR, file).replace(/\.ts$/, ".js"));
}

/** --built: run dist-test/'s compiled suites (npm test compiles them first). */
const built = process.argv.includes("--built");

function runFile(file: string): Promise<Outcome> {
  const started = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), `alexc-test-${relative(TEST_DIR, file).replace(/\.test\.ts$/, "")}-`));
  scratchDirs.add(scratch);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, built ? [builtFile(file)] : ["--import", "tsx", file], {
      cwd: ROOT,
      // A group of its own, so that a timeout, the end of the file or a Ctrl-C to this runner takes
      // every process the suite started with it: a torchrun worker left spinning once ate a core for
      // the rest of the run.
      detached: true,
      // One wasm thread per training process: two suites run at once on two cores, and a second
      // thread each only adds contention and worker start-up (measured: the trainer suites ran
      // 1.5x faster side by side). test/wasm-threads.test.ts sets its own thread counts.
      env: { ...process.env, FORCE_COLOR: "0", ALEXC_WASM_THREADS: process.env["ALEXC_WASM_THREADS"] ?? "1", TMPDIR: scratch },
      stdio: ["ignore", "pipe", "pipe"],
    });
    groups.add(child.pid!);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[test/run] ${relative(ROOT, file)} still running after ${FILE_TIMEOUT_MS / 60_000} min: killed\n`;
      killGroup(child.pid!);
    }, FILE_TIMEOUT_MS);
    child.on("close", async (code) => {
      clearTimeout(timer);
      // A helper process on its way out (tsx's esbuild service ends when its pipe closes) gets a moment.
      if (groupRuns(child.pid!)) await new Promise((settle) => setTimeout(settle, LEFTOVER_GRACE_MS));
      const leftovers = groupRuns(child.pid!);
      killGroup(child.pid!);
      groups.delete(child.pid!);
      rmSync(scratch, { recursive: true, force: true });
      scratchDirs.delete(scratch);
      // Said even when the suite passed: a leftover is a leak to fix, though not one that failed a test.
      if (leftovers) process.stdout.write(`[test/run] ${relative(ROOT, file)} left processes running after it ended: killed\n`);
      const total = count(output, "Total");
      const passed = count(output, "Passed") ?? 0;
      const skipped = count(output, "Skipped") ?? 0;
      // uvu's Total counts the tests that ran (skipped ones are apart). A file that died before
      // uvu's summary counts as one failed test, so it cannot vanish.
      const ok = code === 0 && total !== undefined && passed === total;
      resolve({
        file,
        total: total ?? passed + 1,
        passed,
        skipped,
        ok,
        seconds: (performance.now() - started) / 1000,
        output,
      });
    });
  });
}

function longestFirst(files: string[]): string[] {
  let seconds: Record<string, number> = {};
  try {
    seconds = JSON.parse(readFileSync(TIMINGS, "utf8")) as Record<string, number>;
  } catch {
    KNOWN_SLOW.forEach((name, i) => (seconds[name] = 1000 - i));
  }
  const weight = (file: string): number => seconds[relative(TEST_DIR, file)] ?? 0;
  return [...files].sort((a, b) => weight(b) - weight(a));
}

function rememberTimings(outcomes: Outcome[]): void {
  let seconds: Record<string, number> = {};
  try {
    seconds = JSON.parse(readFileSync(TIMINGS, "utf8")) as Record<string, number>;
  } catch {
    // first run
  }
  for (const o of outcomes) seconds[relative(TEST_DIR, o.file)] = Math.round(o.seconds * 10) / 10;
  mkdirSync(dirname(TIMINGS), { recursive: true });
  writeFileSync(TIMINGS, JSON.stringify(seconds, null, 2) + "\n");
}

async function runAll(files: string[], jobs: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const outcome = await runFile(file);
      outcomes.push(outcome);
      const name = relative(ROOT, outcome.file);
      const line = `${outcome.ok ? "ok  " : "FAIL"} ${name}  ${outcome.passed}/${outcome.total} passed  ${outcome.seconds.toFixed(1)} s`;
      if (!outcome.ok) process.stdout.write(`\n${outcome.output}\n`);
      process.stdout.write(`${line}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));
  return outcomes;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files = selectFiles(args);
  const missing = built ? files.filter((f) => !existsSync(builtFile(f))) : [];
  if (missing.length > 0) {
    console.error(`test/run: --built: ${relative(ROOT, builtFile(missing[0]!))} is missing: run tsc -p test/tsconfig.json first`);
    process.exit(2);
  }
  if (files.length === 0) {
    console.error(`test/run: no test file matches ${args.join(" ")}`);
    process.exit(2);
  }
  const jobs = Number(process.env.ALEXC_TEST_JOBS) || availableParallelism();
  const started = performance.now();
  const outcomes = await runAll(longestFirst(files), jobs);
  rememberTimings(outcomes);

  const failed = outcomes.filter((o) => !o.ok);
  const slowest = [...outcomes].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
  console.log(`\nslowest: ${slowest.map((o) => `${relative(TEST_DIR, o.file)} ${o.seconds.toFixed(0)} s`).join(", ")}`);
  if (failed.length > 0) console.log(`failed files: ${failed.map((o) => relative(ROOT, o.file)).join(", ")}`);
  const sum = (pick: (o: Outcome) => number): number => outcomes.reduce((n, o) => n + pick(o), 0);
  console.log(`\n  Total:     ${sum((o) => o.total)}`);
  console.log(`  Passed:    ${sum((o) => o.passed)}`);
  console.log(`  Skipped:   ${sum((o) => o.skipped)}`);
  console.log(`  Duration:  ${((performance.now() - started) / 1000).toFixed(2)}s (${files.length} files, ${jobs} at once)\n`);
  process.exit(failed.length > 0 ? 1 : 0);
}

await main();
