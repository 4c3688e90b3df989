/**
 * How a generated program ends: exit status 0 when done, 2 for a problem with the options or the
 * data (one line, no stack trace), 74 when the system refused a read or write (disk full, read-only,
 * permissions: one line), 130 after Ctrl-C has saved the run, 70 for anything unexpected (one
 * line; ALEXC_DEBUG=1 prints the stack).
 */
import { realpathSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AlexcRuntimeError } from "./errors.js";
import { explainWasmFailure } from "./wasm-heap.js";

/** True when the module at `moduleUrl` is the script node was started with (not imported by a test). */
export function invokedDirectly(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  if (moduleUrl === pathToFileURL(entry).href) return true;
  return samePath(moduleUrl.startsWith("file:") ? fileURLToPath(moduleUrl) : moduleUrl, entry);
}

/** Through a symlink (a linked generated/ folder, say) Node loads a module by its real path. */
function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** The command-line arguments after the script: what a generated `main()` reads by default. */
export function commandLineArgs(): string[] {
  return process.argv.slice(2);
}

/**
 * The file of the module that called `fn`, from V8's structured stack (CallSite objects, not the
 * text, so source maps under tsx or --enable-source-maps do not rename it): a path in a CommonJS
 * module, a file: URL in an ES module.
 */
function callerFile(fn: (...args: never[]) => unknown): string | undefined {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_, frames) => frames;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, fn);
    const frames = holder.stack as NodeJS.CallSite[] | undefined;
    return frames?.[0]?.getFileName() ?? undefined;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Runs `main` (see runProgram) when the module calling this is the script node was started with,
 * and does nothing when it was imported (by a test, by predict.ts). Generated train.ts and
 * predict.ts end with `runIfEntry(main)`: unlike `import.meta.url` plus top-level await, this
 * compiles and runs the same as CommonJS and as an ES module, so the generated files work in an
 * `npm init -y` project, a `"type": "module"` one, under tsx and after tsc.
 */
export function runIfEntry(main: () => Promise<unknown>): void {
  const entry = process.argv[1];
  const caller = callerFile(runIfEntry);
  if (entry === undefined || caller === undefined) return;
  const callerPath = caller.startsWith("file:") ? fileURLToPath(caller) : caller;
  // `node dist/train` names the script without its extension.
  if (samePath(callerPath, entry) || (extname(entry) === "" && samePath(callerPath, entry + extname(callerPath)))) {
    void runProgram(main);
  }
}

/** Errors from the operating system (fs, child processes): they carry an errno code and a syscall. */
const SYSTEM_CODES = new Set([
  "ENOSPC",
  "EDQUOT",
  "EIO",
  "EROFS",
  "EACCES",
  "EPERM",
  "ENOTDIR",
  "EISDIR",
  "ENOENT",
  "EEXIST",
  "EMFILE",
  "ENFILE",
  "EBUSY",
  "ENAMETOOLONG",
  "ELOOP",
  "EXDEV",
]);

function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const x = e as NodeJS.ErrnoException;
  return typeof x?.code === "string" && SYSTEM_CODES.has(x.code) && typeof x.syscall === "string";
}

/**
 * If the event loop runs dry while `main` is still pending, something awaited can never settle (a
 * handle let go too early): Node would exit 0 as if the run had finished. Say so and exit 70 instead.
 */
function refuseSilentExit(): () => void {
  const stalled = (): void => {
    process.stderr.write(
      "alexc: internal error: the run stopped with its work unfinished (nothing left to wait for). Please report it: it is a bug in alexc.\n",
    );
    process.exitCode = 70;
  };
  process.once("beforeExit", stalled);
  return () => process.removeListener("beforeExit", stalled);
}

export async function runProgram(main: () => Promise<unknown>): Promise<void> {
  const settled = refuseSilentExit();
  try {
    const result = await main();
    process.exitCode = (result as { interrupted?: boolean } | undefined)?.interrupted ? 130 : 0;
  } catch (caught) {
    const e = explainWasmFailure(caught) ?? caught;
    const message = (e as Error).message.replace(/^alexc: /, "");
    if (isSystemError(e)) {
      // A full disk, a read-only or vanished folder, a permission: the environment, not a bug.
      // Checkpoints are swapped in whole, so the last complete one is still in place.
      process.stderr.write(`alexc: ${message}; nothing half-written replaced a complete file (checkpoints are swapped in whole)\n`);
      process.exitCode = 74;
      return;
    }
    if (e instanceof AlexcRuntimeError) {
      process.stderr.write(`alexc: ${message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`alexc: internal error: ${message}\n`);
    if (process.env["ALEXC_DEBUG"]) process.stderr.write(`${(e as Error).stack}\n`);
    else process.stderr.write("Run with ALEXC_DEBUG=1 for the stack trace, and please report it if it is a bug in alexc.\n");
    process.exitCode = 70;
  } finally {
    settled();
  }
}
