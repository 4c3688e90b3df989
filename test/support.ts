/** Shared test helpers: paths, running the real CLI, and golden files (UPDATE=1 rewrites them). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register, type NamespacedUnregister } from "tsx/esm/api";
import * as assert from "uvu/assert";

/**
 * The repository: the nearest folder above this file with a package.json. Not a fixed "..": `npm
 * test` runs the suites compiled into dist-test/test/ (test/run.ts says why).
 */
export const ROOT = repositoryRoot(dirname(fileURLToPath(import.meta.url)));

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
export const FIXTURES = join(ROOT, "test", "fixtures");
let tsx: NamespacedUnregister | undefined;

/**
 * Imports a .ts file at run time (a generated model.ts or train.ts), with tsx's loader registered
 * for these imports only: the suites run compiled under plain node (test/run.ts). One namespace per
 * process, so importing the same file twice gives the same module, as a plain import would.
 */
export async function importTs<T>(path: string): Promise<T> {
  tsx ??= register({ namespace: "alexc-test" });
  return (await tsx.import(pathToFileURL(path).href, import.meta.url)) as T;
}

/** The bundled CLI, exactly what `npx alexc` runs. */
export const CLI = join(ROOT, "dist", "cli", "alexc.cjs");

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...options.env },
    input: options.input ?? "",
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function golden(path: string, actual: string): void {
  if (process.env["UPDATE"] === "1" || !existsSync(path)) {
    if (process.env["CI"] === "true" && !existsSync(path)) assert.unreachable(`golden file ${path} is missing (run with UPDATE=1 locally)`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.fixture(actual, readFileSync(path, "utf8"), `${path} differs (UPDATE=1 to accept)`);
}

export function specText(name: string): string {
  return readFileSync(join(ROOT, "specs", name), "utf8");
}
