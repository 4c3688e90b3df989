/** Shared test helpers: paths, running the real CLI, and golden files (UPDATE=1 rewrites them). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as assert from "uvu/assert";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES = join(ROOT, "test", "fixtures");
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
