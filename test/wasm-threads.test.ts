/**
 * Multithreaded wasm (src/runtime/wasm-threads.ts). The thread count is fixed when wasm first
 * starts, so every configuration runs in its own process (test/fixtures/wasm-threads/probe.ts),
 * which computes conv forward, both conv gradients and two SGD steps of a small conv net on cpu
 * (the reference) and on wasm from the same seeded inputs.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MAX_WASM_THREADS, wasmThreadsWanted } from "../src/runtime/wasm-threads.js";
import { AlexcRuntimeError } from "../src/runtime/errors.js";
import { FIXTURES, ROOT } from "./support.js";

/** Max |wasm − cpu| over max |cpu| per result: summation order differs, nothing else may. */
const REL_TOL = 1e-5;

interface Probe {
  backend: string;
  line: string;
  started?: { threads: number; fallback?: string };
  threads: number;
  diffs: Record<string, number>;
  leakedTensors: number;
  leakedDataIds: number;
}

function probe(...args: string[]): Probe {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(FIXTURES, "wasm-threads", "probe.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ALEXC_WASM_THREADS: undefined },
    timeout: 240_000,
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  assert.ok(r.status === 0 && line, `probe ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  return JSON.parse(line!) as Probe;
}

function assertMatchesCpu(p: Probe): void {
  assert.is(Object.keys(p.diffs).length, 3 * 3 + 2 + 4, "every conv case and training result was compared");
  for (const [what, diff] of Object.entries(p.diffs))
    assert.ok(diff <= REL_TOL, `${what}: wasm differs from cpu by ${diff} (relative), above ${REL_TOL}`);
  assert.is(p.leakedTensors, 0, "tensors leaked");
  assert.is(p.leakedDataIds, 0, "wasm data ids leaked");
}

test("2 threads: starts threaded, says so, and matches cpu (conv forward, dx, dW, training steps) without leaks", () => {
  const p = probe("2");
  assert.is(p.backend, "wasm");
  assert.is(p.threads, 2);
  assert.match(
    p.line,
    /^alexc: backend wasm \(SIMD, 2 threads; Conv2DBackpropFilter, Conv2DBackpropInput and BatchMatMul supplied by alexc\)$/,
  );
  assertMatchesCpu(p);
});

test("1 thread: the single-threaded build, same results", () => {
  const p = probe("1");
  assert.is(p.threads, 1);
  assert.match(p.line, /SIMD, 1 thread;/);
  assertMatchesCpu(p);
});

const BROKEN = [
  { what: "the threaded glue script cannot be read by the workers", arg: "broken-glue", reason: /ENOENT.*threaded-glue\.js/ },
  { what: "the pthread worker code is missing", arg: "broken-worker", reason: /Cannot find module.*threaded-worker\.js/ },
];
for (const b of BROKEN) {
  test(`falls back to single-threaded wasm when ${b.what}`, () => {
    const p = probe("2", b.arg);
    assert.is(p.backend, "wasm");
    assert.is(p.threads, 1);
    assert.is(p.started?.threads, 1);
    assert.match(p.started?.fallback ?? "", b.reason);
    assertMatchesCpu(p);
  });
}

const WANTED = [
  { env: undefined, requested: 3, expect: 3 },
  { env: "4", requested: undefined, expect: 4 },
  { env: " 2 ", requested: 1, expect: 1 },
  { env: "64", requested: undefined, expect: MAX_WASM_THREADS },
  { env: "1", requested: undefined, expect: 1 },
];
test("thread count: --threads, then ALEXC_WASM_THREADS, capped at 8", () => {
  const saved = process.env["ALEXC_WASM_THREADS"];
  try {
    for (const w of WANTED) {
      if (w.env === undefined) delete process.env["ALEXC_WASM_THREADS"];
      else process.env["ALEXC_WASM_THREADS"] = w.env;
      assert.is(wasmThreadsWanted(w.requested), w.expect, `env ${w.env}, requested ${w.requested}`);
    }
    for (const bad of ["0", "two", "1.5", "-2"]) {
      process.env["ALEXC_WASM_THREADS"] = bad;
      assert.throws(
        () => wasmThreadsWanted(),
        (e: unknown) => e instanceof AlexcRuntimeError && e.message.includes(`ALEXC_WASM_THREADS='${bad}'`),
      );
    }
  } finally {
    if (saved === undefined) delete process.env["ALEXC_WASM_THREADS"];
    else process.env["ALEXC_WASM_THREADS"] = saved;
  }
});

test.run();
