/**
 * npm run bench: runs every benchmark in its own process (one at a time, so they do not compete
 * for the cores), checks the targets, and writes docs/benchmarks.md. A new benchmark is a file
 * here exporting run() plus a line in BENCHES; a new target is an entry in checks().
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { machine, median, ROOT, type BenchResult } from "./common.js";

interface BenchRun {
  file: string;
  env?: Record<string, string>;
}

/** The seed model runs twice: with the default thread count (the cores) and single-threaded. */
const BENCHES: BenchRun[] = [
  { file: "compiler" },
  { file: "trainer-overhead" },
  { file: "pipeline" },
  { file: "seed-224" },
  { file: "seed-224", env: { ALEXC_WASM_THREADS: "1" } },
  { file: "torch" },
];

interface Check {
  what: string;
  value: number | undefined;
  target: string;
  /** A goal the issue asks to report; unlike a target, missing it does not fail the run. */
  goal?: true;
  pass: boolean;
}

function runBench(bench: BenchRun): BenchResult {
  process.stderr.write(`bench ${bench.file} ${bench.env ? JSON.stringify(bench.env) : ""}…\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", `${bench.file}.ts`)], {
    cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ALEXC_BACKEND: "wasm", ...bench.env },
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH-RESULT "));
  if (r.status !== 0 || !line) throw new Error(`bench ${bench.file} failed (exit ${r.status}):\n${r.stdout}`);
  const result = JSON.parse(line.slice("BENCH-RESULT ".length)) as BenchResult;
  const env = Object.entries(bench.env ?? {}).map(([k, v]) => `${k}=${v} `).join("");
  return { ...result, command: `${env}bench/${bench.file}.ts` };
}

const metric = (results: BenchResult[], bench: string, index: number): number[] => results.find((r) => r.name === bench)!.metrics[index]!.samples;
/** Median of the first metric of `bench` whose name starts with `prefix`; undefined when that was not measured. */
const find = (results: BenchResult[], bench: string, prefix: string): number | undefined => {
  const m = results.find((r) => r.name === bench)?.metrics.find((x) => x.name.startsWith(prefix));
  return m === undefined ? undefined : median(m.samples);
};
const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a / b);

function checks(results: BenchResult[]): Check[] {
  const seed = median(metric(results, "seed-224", 0));
  const seedOneThread = median(metric(results, "seed-224-threads-1", 0));
  const mini = median(metric(results, "trainer-overhead", 0));
  const idiomatic = median(metric(results, "trainer-overhead", 4));
  const same = median(metric(results, "trainer-overhead", 5));
  const compiler = (name: string): number => find(results, "compiler", name)!;
  const startRatio = compiler("ratio cold check");
  const tenThousand = compiler("check of a 10,000-layer");
  const growth = Math.max(compiler("growth 10 → 100"), compiler("growth 100 → 1000"), compiler("growth 1000 → 10000"));
  const torch = results.find((r) => r.name === "torch")!.metrics;
  const torchSeed = torch.length ? median(torch[0]!.samples) : undefined;
  const torchMini = find(results, "torch", "PyTorch alexnet-mini");
  const torchSeedThreads = torch[0]?.name.match(/(\d+) threads?/)?.[1] ?? "?";
  const vsTorch = ratio(seed, torchSeed);
  const miniVsTorch = ratio(mini, torchMini);
  return [
    { what: "cold `alexc check` / bare `node -e 0` (median of per-round ratios)", value: startRatio, target: "≤ 2.0", pass: startRatio <= 2 },
    { what: "check of a 10,000-layer spec (ms)", value: tenThousand, target: "< 500", pass: tenThousand < 500 },
    { what: "largest growth of check time per 10× layers", value: growth, target: "≤ 12", pass: growth <= 12 },
    { what: "generated trainer / hand-written idiomatic tfjs, same data work (median of per-round ratios)", value: idiomatic, target: "≥ 0.98", pass: idiomatic >= 0.98 },
    { what: "generated trainer / the generated model under model.fit, same data work (median of per-round ratios)", value: same, target: "≥ 0.98", pass: same >= 0.98 },
    { what: "pipeline on photo JPEGs at 224 / seed model trainer", value: median(metric(results, "pipeline", 0)) / seed, target: "≥ 10", pass: median(metric(results, "pipeline", 0)) / seed >= 10 },
    { what: "pipeline on the built-in set at 32 / alexnet-mini trainer", value: median(metric(results, "pipeline", 1)) / mini, target: "≥ 10", pass: median(metric(results, "pipeline", 1)) / mini >= 10 },
    { what: "seed model at 224×224, batch 32, wasm, default threads (images/s)", value: seed, target: "recorded", pass: true },
    { what: "seed model, wasm default threads / 1 thread", value: seed / seedOneThread, target: "recorded", pass: true },
    { what: `wasm trainer / PyTorch (${torchSeedThreads} threads), seed model 224×224, batch 32`, value: vsTorch, target: "goal ≥ 1.0", goal: true, pass: vsTorch !== undefined && vsTorch >= 1 },
    { what: `wasm trainer / PyTorch (${torchSeedThreads} threads), alexnet-mini 32×32, batch 32`, value: miniVsTorch, target: "goal ≥ 1.0", goal: true, pass: miniVsTorch !== undefined && miniVsTorch >= 1 },
  ];
}

const verdict = (c: Check): string => (c.value === undefined ? "not measured" : c.pass ? "pass" : c.goal ? "**below goal**" : "**FAIL**");

const fmt = (v: number | undefined): string => (v === undefined ? "–" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function markdown(results: BenchResult[], found: Check[], info: Record<string, string>): string {
  const lines = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); every number below comes from that run. Each benchmark",
    "runs in its own process, one after another. Medians, with the range over the samples.",
    "",
    "The machine these were measured on is shared: with other work running, single rounds swing by",
    "±10% and ratios of two runs by as much, so compare medians of many alternating rounds, and the",
    "load average below, before reading anything into a difference of a few percent.",
    "",
    "| machine | |",
    "|---|---|",
    ...Object.entries(info).map(([k, v]) => `| ${k} | ${v} |`),
    "",
    "## Targets",
    "",
    "| what | value | target | |",
    "|---|---|---|---|",
    ...found.map((c) => `| ${c.what} | ${fmt(c.value)} | ${c.target} | ${verdict(c)} |`),
    "",
  ];
  for (const r of results) {
    lines.push(`## ${r.title}`, "", `\`${r.command ?? `bench/${r.name}.ts`}\``, "", "| metric | median | range | n |", "|---|---|---|---|");
    for (const m of r.metrics) lines.push(`| ${m.name} | ${fmt(median(m.samples))} ${m.unit} | ${fmt(Math.min(...m.samples))}–${fmt(Math.max(...m.samples))} | ${m.samples.length} |`);
    lines.push("", ...r.notes, "");
  }
  return lines.join("\n");
}

const info = machine();
const only = process.argv.slice(2);
const results = BENCHES.filter((b) => only.length === 0 || only.includes(b.file)).map(runBench);
if (only.length === 0) {
  const found = checks(results);
  writeFileSync(join(ROOT, "docs", "benchmarks.md"), markdown(results, found, info));
  process.stdout.write(markdown(results, found, info));
  process.exitCode = found.every((c) => c.pass || c.goal) ? 0 : 1;
} else {
  for (const r of results) process.stdout.write(JSON.stringify(r, null, 2) + "\n");
}
