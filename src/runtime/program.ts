/**
 * How a generated program ends: exit status 0 when done, 2 for a problem with the options or the
 * data (one line, no stack trace), 74 when the system refused a read or write (disk full, read-only,
 * permissions: one line), 130 after Ctrl-C has saved the run, 70 for anything unexpected (one
 * line; ALEXC_DEBUG=1 prints the stack).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AlexcRuntimeError } from './errors.js';

/** True when the module at `moduleUrl` is the script node was started with (not imported by a test). */
export function invokedDirectly(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  if (moduleUrl === pathToFileURL(entry).href) return true;
  // Through a symlink (a linked generated/ folder, say) Node loads the module by its real path.
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(entry);
  } catch {
    return false;
  }
}

/** Errors from the operating system (fs, child processes): they carry an errno code and a syscall. */
const SYSTEM_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'ENOENT', 'EEXIST', 'EMFILE', 'ENFILE', 'EBUSY', 'ENAMETOOLONG', 'ELOOP', 'EXDEV']);

function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const x = e as NodeJS.ErrnoException;
  return typeof x?.code === 'string' && SYSTEM_CODES.has(x.code) && typeof x.syscall === 'string';
}

export async function runProgram(main: () => Promise<unknown>): Promise<void> {
  try {
    const result = await main();
    process.exitCode = (result as { interrupted?: boolean } | undefined)?.interrupted ? 130 : 0;
  } catch (e) {
    const message = (e as Error).message.replace(/^alexc: /, '');
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
    if (process.env['ALEXC_DEBUG']) process.stderr.write(`${(e as Error).stack}\n`);
    else process.stderr.write('Run with ALEXC_DEBUG=1 for the stack trace, and please report it if it is a bug in alexc.\n');
    process.exitCode = 70;
  }
}
