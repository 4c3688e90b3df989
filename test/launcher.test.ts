/**
 * The executable's code cache (src/cli/launcher.cts): runs in a copy of dist/cli inside a temporary
 * package folder, so each case controls which cache files exist.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./support.js";

interface Package {
  root: string;
  cli: string;
  home: string;
}

function makePackage(): Package {
  const root = mkdtempSync(join(tmpdir(), "alexc-launcher-"));
  const cli = join(root, "dist", "cli");
  mkdirSync(cli, { recursive: true });
  for (const f of ["alexc.cjs", "alexc-bundle.cjs"]) cpSync(join(ROOT, "dist", "cli", f), join(cli, f));
  cpSync(join(ROOT, "package.json"), join(root, "package.json"));
  symlinkSync(join(ROOT, "templates"), join(root, "templates"));
  const home = join(root, "home");
  mkdirSync(home);
  return { root, cli, home };
}

function run(pkg: Package, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(pkg.cli, "alexc.cjs"), "check", join(ROOT, "specs", "alexnet.anet"), "--format", "json"], {
    encoding: "utf8",
    env: { ...process.env, HOME: pkg.home, XDG_CACHE_HOME: join(pkg.home, ".cache"), ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder where the cache file would go makes that place unwritable, even for root. */
function blockPackageCache(pkg: Package): void {
  const { size, mtimeMs } = statSync(join(pkg.cli, "alexc-bundle.cjs"));
  mkdirSync(join(pkg.cli, `alexc-bundle.${process.versions.v8}.${size}-${Math.trunc(mtimeMs)}.cache`, "x"), { recursive: true });
}

const cachesIn = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".cache"));
  } catch {
    return [];
  }
};

const reference = (() => {
  const pkg = makePackage();
  const r = run(pkg, { ALEXC_COMPILE_CACHE: "0" });
  rmSync(pkg.root, { recursive: true, force: true });
  return r;
})();

test("without a cache, the first run writes one beside the bundle and prints the same as an uncached run", () => {
  const pkg = makePackage();
  const first = run(pkg);
  assert.equal(first, reference);
  const caches = cachesIn(pkg.cli);
  assert.is(caches.length, 1);
  assert.match(caches[0]!, new RegExp(`^alexc-bundle\\.${process.versions.v8.replace(/\./g, "\\.")}\\.\\d+-\\d+\\.cache$`));
  const written = statSync(join(pkg.cli, caches[0]!)).mtimeMs;
  assert.equal(run(pkg), reference);
  assert.is(statSync(join(pkg.cli, caches[0]!)).mtimeMs, written, "an accepted cache is not rewritten");
  assert.equal(
    readdirSync(pkg.cli).filter((f) => f.endsWith(".tmp")),
    [],
  );
  rmSync(pkg.root, { recursive: true, force: true });
});

test("a corrupt cache is rejected by V8, the run is still right, and the cache is replaced", () => {
  const pkg = makePackage();
  run(pkg);
  const [name] = cachesIn(pkg.cli);
  writeFileSync(join(pkg.cli, name!), Buffer.alloc(4096, 7));
  assert.equal(run(pkg), reference);
  assert.not.equal(readFileSync(join(pkg.cli, name!)), Buffer.alloc(4096, 7));
  rmSync(pkg.root, { recursive: true, force: true });
});

test("a changed bundle never uses the old bundle's cache", () => {
  const pkg = makePackage();
  run(pkg);
  const [old] = cachesIn(pkg.cli);
  appendFileSync(join(pkg.cli, "alexc-bundle.cjs"), "\n// rebuilt\n");
  assert.equal(run(pkg), reference);
  const now = cachesIn(pkg.cli);
  assert.is(now.length, 2);
  assert.ok(now.includes(old!));
  rmSync(pkg.root, { recursive: true, force: true });
});

test("when the package folder cannot take the cache, it goes to the user's cache folder", () => {
  const pkg = makePackage();
  blockPackageCache(pkg);
  assert.equal(run(pkg), reference);
  assert.is(cachesIn(join(pkg.home, ".cache", "alexc")).length, 1);
  assert.equal(run(pkg), reference);
  rmSync(pkg.root, { recursive: true, force: true });
});

test("ALEXC_COMPILE_CACHE=0 writes no cache anywhere", () => {
  const pkg = makePackage();
  run(pkg, { ALEXC_COMPILE_CACHE: "0" });
  assert.equal(cachesIn(pkg.cli), []);
  assert.equal(cachesIn(join(pkg.home, ".cache", "alexc")), []);
  rmSync(pkg.root, { recursive: true, force: true });
});

test("a missing bundle is one line naming the fix, exit 2", () => {
  const pkg = makePackage();
  rmSync(join(pkg.cli, "alexc-bundle.cjs"));
  const r = run(pkg);
  assert.is(r.status, 2);
  assert.match(r.stderr, /alexc-bundle\.cjs is missing; run `npm run build`/);
  assert.is(r.stderr.trim().split("\n").length, 1);
  rmSync(pkg.root, { recursive: true, force: true });
});

test("the build wrote a cache that this Node accepts (the shipped first run is fast)", () => {
  const caches = cachesIn(join(ROOT, "dist", "cli"));
  assert.is(caches.length, 1, "npm run build writes exactly one cache");
  const r = spawnSync(
    process.execPath,
    [
      "-e",
      `
    const { Script } = require("node:vm"); const { wrap } = require("node:module"); const fs = require("node:fs");
    const s = new Script(wrap(fs.readFileSync(process.argv[1], "utf8")), { filename: process.argv[1], cachedData: fs.readFileSync(process.argv[2]) });
    process.stdout.write(String(s.cachedDataRejected));`,
      join(ROOT, "dist", "cli", "alexc-bundle.cjs"),
      join(ROOT, "dist", "cli", caches[0]!),
    ],
    { encoding: "utf8" },
  );
  assert.is(r.stdout, "false");
});

test("the old bin path dist/cli/cli.js still runs alexc (npx keeps bin links it made before)", () => {
  const args = ["check", join(ROOT, "specs", "alexnet.anet"), "--format", "json"];
  const old = spawnSync(process.execPath, [join(ROOT, "dist", "cli", "cli.js"), ...args], { encoding: "utf8" });
  const now = spawnSync(process.execPath, [join(ROOT, "dist", "cli", "alexc.cjs"), ...args], { encoding: "utf8" });
  assert.equal([old.status, old.stdout, old.stderr], [now.status, now.stdout, now.stderr]);
  assert.match(old.stdout, /16630440|16,630,440/);
});

test("the user cache keeps only the newest few files", () => {
  const pkg = makePackage();
  const userCache = join(pkg.home, ".cache", "alexc");
  mkdirSync(userCache, { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(join(userCache, `alexc-bundle.old.${i}-0.cache`), "x");
  blockPackageCache(pkg);
  run(pkg);
  const left = cachesIn(userCache);
  assert.is(left.length, 4);
  assert.ok(
    left.some((f) => f.startsWith(`alexc-bundle.${process.versions.v8}.`)),
    "the new cache is kept",
  );
  rmSync(pkg.root, { recursive: true, force: true });
});

test.run();
