/**
 * `alexc init [dir]`: a starter project that the next commands work in — a spec, package.json
 * scripts, a strict nodenext tsconfig.json and a .gitignore for runs/. It never replaces a user's
 * file without --force: existing package.json scripts and .gitignore lines are kept and only the
 * missing ones added; an existing spec or tsconfig.json is left alone and named.
 */
import type { Command } from "commander";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PACKAGE_ROOT } from "../../util/package-root.js";
import { VERSION } from "../../util/version.js";
import { writeAtomic } from "../../emit/write.js";
import { EXIT_OK, UsageError } from "./common.js";

const STARTER = join(PACKAGE_ROOT, "templates", "init");
const STARTER_SPEC = "specs/alexnet-mini.anet";
const GITIGNORE = ["node_modules/", "dist/", "runs/"];

/** The package.json scripts init adds: every step of the README's walk-through, by name. */
function starterScripts(spec = STARTER_SPEC): Record<string, string> {
  return {
    check: "alexc check",
    compile: `alexc compile ${spec}`,
    train: `alexc train ${spec} --data builtin`,
    predict: `alexc predict ${spec}`,
    typecheck: "tsc --noEmit",
  };
}

type Outcome = "wrote" | "kept" | "updated" | "replaced";

/** File-system failures (a read-only folder, a file where a folder should be) are usage errors: exit 2, one line. */
function io<T>(path: string, action: () => T): T {
  try {
    return action();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function initProject(dir: string, force: boolean): { path: string; outcome: Outcome; note?: string }[] {
  return io(dir, () => {
    mkdirSync(dir, { recursive: true });
    return writeStarter(dir, force);
  });
}

function writeStarter(dir: string, force: boolean): { path: string; outcome: Outcome; note?: string }[] {
  const done: { path: string; outcome: Outcome; note?: string }[] = [];
  const copy = (name: string): void => {
    const target = join(dir, name);
    const existed = existsSync(target);
    if (existed && !force) {
      done.push({ path: name, outcome: "kept", note: "exists; --force replaces it" });
      return;
    }
    io(target, () => {
      mkdirSync(join(target, ".."), { recursive: true });
      writeAtomic(target, readFileSync(join(STARTER, name)));
    });
    done.push({ path: name, outcome: existed ? "replaced" : "wrote" });
  };
  copy(STARTER_SPEC);
  copy("tsconfig.json");
  done.push(packageJson(dir, force));
  done.push(gitignore(dir));
  return done;
}

function packageJson(dir: string, force: boolean): { path: string; outcome: Outcome; note?: string } {
  const path = join(dir, "package.json");
  let meta: Record<string, unknown>;
  let existed = true;
  try {
    meta = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof SyntaxError) throw new UsageError(`${path}: not valid JSON (${e.message}); fix it, then run alexc init again`);
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      throw new UsageError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    existed = false;
    meta = { name: "alexc-project", private: true, version: "0.1.0", dependencies: { alexc: `^${VERSION}` } };
  }
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) throw new UsageError(`${path}: not a JSON object`);
  const scripts = (meta["scripts"] ?? {}) as Record<string, string>;
  const kept: string[] = [];
  let added = 0;
  for (const [name, command] of Object.entries(starterScripts())) {
    if (scripts[name] === command) continue;
    if (scripts[name] !== undefined && !force) {
      kept.push(name);
      continue;
    }
    scripts[name] = command;
    added++;
  }
  meta["scripts"] = scripts;
  const note = kept.length ? `kept your script${kept.length === 1 ? "" : "s"} ${kept.join(", ")} (--force replaces them)` : undefined;
  if (existed && added === 0) return { path: "package.json", outcome: "kept", ...(note ? { note } : {}) };
  // Two-space indent and a final newline, as npm writes it.
  io(path, () => writeAtomic(path, JSON.stringify(meta, null, 2) + "\n"));
  return { path: "package.json", outcome: existed ? "updated" : "wrote", ...(note ? { note } : {}) };
}

function gitignore(dir: string): { path: string; outcome: Outcome } {
  const path = join(dir, ".gitignore");
  const text = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  const have = new Set((text ?? "").split(/\r?\n/).map((l) => l.trim().replace(/^\//, "")));
  const missing = GITIGNORE.filter((l) => !have.has(l) && !have.has(l.replace(/\/$/, "")));
  if (missing.length === 0) return { path: ".gitignore", outcome: "kept" };
  const prefix = text === undefined ? "" : text.endsWith("\n") || text === "" ? text : `${text}\n`;
  io(path, () => writeAtomic(path, prefix + missing.join("\n") + "\n"));
  return { path: ".gitignore", outcome: text === undefined ? "wrote" : "updated" };
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("start a project: a spec, package.json scripts, tsconfig.json and .gitignore (keeps existing files)")
    .argument("[dir]", "project folder", ".")
    .option("--force", "replace the starter spec, tsconfig.json and package.json scripts that already exist")
    .addHelpText(
      "after",
      `
Then:
  $ npx alexc check                                # shape-check every spec in specs/
  $ npx alexc train ${STARTER_SPEC} --data builtin --epochs 1
  $ npx alexc predict ${STARTER_SPEC} photo.png --checkpoint runs/alexnet_mini/best`,
    )
    .action((dir: string, opts: { force?: boolean }) => {
      for (const d of initProject(dir, opts.force === true)) {
        const shown = relative(process.cwd(), join(dir, d.path)) || d.path;
        process.stdout.write(`${d.outcome.padEnd(8)} ${shown}${d.note ? `: ${d.note}` : ""}\n`);
      }
      const cd = relative(process.cwd(), dir);
      process.stderr.write(
        `next: ${cd ? `cd ${cd} && ` : ""}${existsSync(join(dir, "node_modules", "alexc")) ? "" : "npm install && "}npx alexc train ${STARTER_SPEC} --data builtin --epochs 1\n`,
      );
      process.exitCode = EXIT_OK;
    });
}
