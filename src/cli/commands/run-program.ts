/**
 * What `alexc train` and `alexc predict` share: compile the spec when its generated files are
 * missing or stale (compile() and the drift check, as `alexc compile` runs them, into the same folder), then
 * run the generated program in a child process alexc controls — node with alexc's own tsx loader,
 * resolved from alexc's dependencies, so the user's project needs no tsx.
 *
 * Signals: the child gets its own process group, so a terminal's Ctrl-C (sent to the whole
 * foreground group) reaches it once, through alexc, exactly like a `kill` of alexc from a process
 * manager. Every SIGINT/SIGTERM/SIGHUP alexc receives is forwarded: the first lets the trainer save
 * `last/`, a second makes it quit at once. alexc exits with the child's status (128 + signal number
 * when the child was killed).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../../util/package-root.js";
import type { Override } from "../../resolve/resolve.js";
import { allFindings } from "../../check/check-spec.js";
import { EXIT_DIAGNOSTICS, EXIT_USAGE, printDiagnostics, readSpec, summary, UsageError } from "./common.js";

export interface RunOptions {
  out: string;
  set: Override[];
  variant?: string;
}

/** Compiles `file` when needed; returns the generated folder, or undefined after diagnostics (exit 1 set). */
export async function ensureCompiled(file: string, opts: RunOptions): Promise<string | undefined> {
  const shown = relative(process.cwd(), resolve(file)).split(sep).join("/");
  const { compile } = await import("../../compile.js");
  const result = compile(shown, readSpec(file), {
    overrides: opts.set,
    ...(opts.variant !== undefined ? { variants: [opts.variant] } : {}),
  });
  const { spec, selected } = result;
  const known = spec.ast?.variants.map((v) => v.name) ?? [];
  if (result.unknownVariants.length > 0)
    throw new UsageError(`${file}: no variant '${opts.variant}' (variants: ${known.join(", ") || "none"})`);
  printDiagnostics(spec.results.filter((r) => selected.includes(r) || r.variant === undefined));
  const compiled = result.outputs?.[0];
  if (!compiled) {
    process.stderr.write(`${summary(selected.map((r) => ({ ...r, diagnostics: allFindings(r) })))}; nothing run\n`);
    process.exitCode = EXIT_DIAGNOSTICS;
    return undefined;
  }
  const { writeOutputs, checkOutputRoot } = await import("../../emit/write.js");
  const { findDrift } = await import("../../emit/drift.js");
  checkOutputRoot(opts.out);
  // Files tsc wrote beside the generated ones ("extra") do not make them stale.
  const drift = findDrift(opts.out, result.files, shown, false).filter((d) => d.kind !== "extra");
  if (drift.length > 0) for (const w of writeOutputs(opts.out, compiled.dir, compiled.files)) process.stderr.write(`wrote ${w}\n`);
  const dir = join(opts.out, compiled.dir);
  assertRuntimeReachable(dir);
  return dir;
}

/**
 * Generated code imports `alexc/runtime`, which Node resolves from the generated folder upwards:
 * a folder outside any project that has alexc installed (`-o /tmp/x`) would fail inside the program
 * with Node's MODULE_NOT_FOUND stack. Said here in one line instead, before anything runs.
 */
function assertRuntimeReachable(dir: string): void {
  try {
    createRequire(join(resolve(dir), "predict.ts")).resolve("alexc/runtime");
  } catch {
    throw new UsageError(
      `${dir}: the generated program imports alexc/runtime, which cannot be found from there: compile into your project (an -o inside the folder where alexc is installed) or run \`npm install alexc\` in a folder above it`,
    );
  }
}

/** The tsx loader alexc depends on, as a URL for `node --import`. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(join(PACKAGE_ROOT, "package.json")).resolve("tsx")).href;
}

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Runs `node --import tsx script args…` with inherited stdio; resolves to the exit status for alexc. */
export function runGenerated(script: string, args: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", tsxLoader(), script, ...args], {
      stdio: "inherit",
      // Its own process group (see the header); Windows has no groups and delivers Ctrl-C to the console.
      detached: process.platform !== "win32",
    });
    // Windows has no process groups: the console's Ctrl-C already reaches the child, and kill()
    // there terminates at once, so alexc only stays alive for the child's status.
    const forward = (signal: NodeJS.Signals): void => {
      if (process.platform !== "win32") child.kill(signal);
    };
    for (const s of FORWARDED) process.on(s, forward);
    const stop = (): void => {
      for (const s of FORWARDED) process.off(s, forward);
    };
    child.on("error", (e) => {
      stop();
      process.stderr.write(`alexc: cannot start ${process.execPath}: ${e.message}\n`);
      done(EXIT_USAGE);
    });
    child.on("exit", (code, signal) => {
      stop();
      done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
