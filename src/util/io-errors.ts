/** What a failed read or write means, in the words people know, with the code to search for. */
const WORDS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "already exists",
  EISDIR: "is a folder",
  ENOENT: "no such file or folder",
  EIO: "input/output error",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many levels of symbolic links",
  EMFILE: "too many open files",
  EFBIG: "file too large",
  EBUSY: "busy",
  EPIPE: "the reader closed the pipe",
  ENXIO: "no device or reader at the other end",
};

export function isErrnoError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return (
    e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!)
  );
}

/** "no space left on the device (ENOSPC)": the words people know, and the code to search for. */
export function describeIoError(e: NodeJS.ErrnoException): string {
  const code = e.code ?? "";
  return WORDS[code] ? `${WORDS[code]} (${code})` : code || e.message;
}
