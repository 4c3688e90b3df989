/**
 * The `alexc` executable (bundled to dist/cli/alexc.cjs). It runs the bundled CLI
 * (dist/cli/alexc-bundle.cjs) through V8's code cache: parsing and lazily compiling ~0.9 MB of
 * JavaScript was a third of a cold `alexc check`, and Node 20 has no compile cache of its own
 * (`module.enableCompileCache` is Node 22). CommonJS, because Node 20 can only feed cached code to
 * a `vm.Script`, not to an ES module.
 *
 * `npm run build` writes the cache beside the bundle. When V8 rejects it (another Node version or
 * other V8 flags) or it is missing, the run rewrites it at exit: beside the bundle, or in the
 * user's cache folder when the package folder is read-only. Files are named by the bundle's size
 * and mtime and V8's version, because V8 itself only checks a cache against the source's length.
 * ALEXC_COMPILE_CACHE=0 turns caching off. Any cache trouble falls back to a plain compile.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire, wrap } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

const bundle = join(__dirname, "alexc-bundle.cjs");

function cacheFiles(): string[] {
  const { size, mtimeMs } = statSync(bundle);
  const name = `alexc-bundle.${process.versions.v8}.${size}-${Math.trunc(mtimeMs)}.cache`;
  const userCache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return [join(__dirname, name), join(userCache, "alexc", name)];
}

function readCache(files: string[]): Buffer | undefined {
  for (const file of files) {
    try {
      return readFileSync(file);
    } catch {
      // Not there yet: try the next place.
    }
  }
  return undefined;
}

/** Writes atomically (temp file, then rename) so concurrent runs never read half a cache. */
function writeCache(files: string[], data: Buffer): void {
  for (const [i, file] of files.entries()) {
    const temp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(temp, data, { mode: 0o644 });
      renameSync(temp, file);
      if (i > 0) pruneUserCache(dirname(file));
      return;
    } catch {
      try {
        unlinkSync(temp);
      } catch {
        // No temp file was made.
      }
      // Read-only or missing folder: try the next place; without a cache alexc is only slower.
    }
  }
}

/** The user cache is shared by every alexc install and Node version: keep the newest few. */
const USER_CACHE_KEEP = 4;
function pruneUserCache(dir: string): void {
  const caches = readdirSync(dir)
    .filter((f) => /^alexc-bundle\..*\.cache$/.test(f))
    .map((f) => ({ file: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of caches.slice(USER_CACHE_KEEP)) unlinkSync(file);
}

function run(): void {
  let source: string;
  try {
    source = readFileSync(bundle, "utf8");
  } catch {
    process.stderr.write(`alexc: ${bundle} is missing; run \`npm run build\` in the alexc package\n`);
    process.exitCode = 2;
    return;
  }
  const useCache = process.env.ALEXC_COMPILE_CACHE !== "0";
  const files = useCache ? cacheFiles() : [];
  const cachedData = useCache ? readCache(files) : undefined;
  const script = new Script(wrap(source), { filename: bundle, cachedData });
  if (useCache && (cachedData === undefined || script.cachedDataRejected)) {
    // At exit the cache also holds every function this run compiled lazily, the bulk of the saving.
    process.once("exit", () => writeCache(files, script.createCachedData()));
  }
  const module = { exports: {} };
  const entry = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: object,
    filename: string,
    dirname: string,
  ) => void;
  entry.call(module.exports, module.exports, createRequire(bundle), module, bundle, __dirname);
}

run();
