/**
 * The CLI's output path with real pipes and real files: a reader that goes away is not an error
 * (quiet, the command's own exit status), and a write that fails says what and where: exit 2 when
 * the path is wrong (a file in the way, a missing folder), 74 when the system refuses it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT, runCli } from "./support.js";

const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined };

/** A scratch project with the repository's specs, so commands that write stay out of the repository. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "alexc-output-"));
  cpSync(join(ROOT, "specs"), join(dir, "specs"), { recursive: true });
  return dir;
}

/**
 * Runs alexc with the read end of its stdout pipe (and optionally stderr's) closed before it
 * starts writing: every write meets EPIPE, deterministically, unlike a race with `head`.
 */
function runWithClosedPipe(
  args: string[],
  cwd: string,
  closeStderr = false,
): Promise<{ status: number | null; signal: string | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    if (closeStderr) child.stderr.destroy();
    let stderr = "";
    if (!closeStderr) child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("close", (status, signal) => done({ status, signal, stderr }));
  });
}

const everyCommand: Array<[string[], number]> = [
  [["explain"], 0],
  [["explain", "E0201"], 0],
  [["check", "specs/"], 0],
  [["check", "specs/", "--format", "json"], 0],
  [["check", "specs/", "--format", "github"], 0],
  [["check", "specs/", "--format", "sarif"], 0],
  [["check", "specs/", "--format", "junit"], 0],
  [["check", "specs/alexnet-table.anet", "--set", "width=0.3"], 1],
  [["variants", "specs/alexnet-table.anet"], 0],
  [["variants", "specs/alexnet-table.anet", "--format", "json"], 0],
  [["summary", "specs/alexnet.anet"], 0],
  [["summary", "specs/alexnet.anet", "--format", "json"], 0],
  [["inputs", "specs/alexnet.anet"], 0],
  [["inputs", "specs/alexnet.anet", "--format", "json"], 0],
  [["graph", "specs/alexnet.anet"], 0],
  [["graph", "specs/alexnet.anet", "--format", "mermaid"], 0],
  [["graph", "specs/alexnet-mini.anet", "--format", "svg"], 0],
  [["report", "specs/alexnet-mini.anet"], 0],
  [["compile", "specs/alexnet.anet", "--all-variants"], 0],
  [["compile", "specs/alexnet.anet", "--check", "-o", "nowhere"], 1],
  [["fmt", "--check", "specs/"], 0],
  [["export", "specs/alexnet-mini.anet", "--no-weights"], 0],
  [["--help"], 0],
  [["check", "--help"], 0],
  [["--version"], 0],
];

test("a closed stdout: every command and format is quiet and keeps its own exit status", async () => {
  const dir = scratch();
  try {
    for (const [args, status] of everyCommand) {
      const r = await runWithClosedPipe(args, dir);
      assert.is(r.signal, null, `${args.join(" ")}: killed by ${r.signal}`);
      assert.is(r.status, status, `${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
      assert.not.match(r.stderr, /EPIPE|internal error|\n\s+at /, `${args.join(" ")}: ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("-o /dev/stdout into a shell pipe whose reader is gone: quiet, exit 0, like plain stdout", () => {
  // The reader closes its end at once and lingers, so alexc meets a pipe without a reader.
  const r = spawnSync(
    "bash",
    [
      "-c",
      `"${process.execPath}" "${CLI}" report specs/alexnet-mini.anet -o /dev/stdout | (exec 0<&-; sleep 1); echo "status \${PIPESTATUS[0]}" >&2`,
    ],
    { cwd: ROOT, encoding: "utf8", env },
  );
  assert.match(r.stderr, /status 0\n$/, r.stderr);
  assert.not.match(r.stderr, /EPIPE|ENXIO|cannot write|bug/);
});

test("closed stdout and stderr: still no crash, the command's exit status", async () => {
  const dir = scratch();
  try {
    for (const [args, status] of [
      [["check", "specs/"], 0],
      [["check", "specs/alexnet-table.anet", "--set", "width=0.3"], 1],
      [["explain"], 0],
    ] as Array<[string[], number]>) {
      const r = await runWithClosedPipe(args, dir, true);
      assert.is(r.status, status, args.join(" "));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("`alexc explain | head -1` and `alexc check specs/ | head -3` in a real shell: the lines, exit 0, nothing on stderr", () => {
  for (const [cmd, lines] of [
    ["explain", 1],
    ["check specs/", 3],
    ["check specs/ --format sarif", 3],
  ] as const) {
    const r = spawnSync("bash", ["-c", `set -o pipefail; "${process.execPath}" "${CLI}" ${cmd} 2>"$ERR" | head -${lines}`], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...env, ERR: join(tmpdir(), `alexc-head-${process.pid}.err`) },
    });
    const stderr = readFileSync(join(tmpdir(), `alexc-head-${process.pid}.err`), "utf8");
    rmSync(join(tmpdir(), `alexc-head-${process.pid}.err`), { force: true });
    assert.is(r.status, 0, `${cmd}: ${r.stderr}`);
    assert.is(r.stdout.split("\n").length - 1, lines, cmd);
    // check's text output puts its diagnostics and summary on stderr by design; the pipe adds nothing.
    assert.not.match(stderr, /EPIPE|internal error|\n\s+at /, `${cmd}: ${stderr}`);
    if (cmd === "explain") assert.is(stderr, "");
  }
});

/** Runs alexc with stdout going to /dev/full: every write fails with ENOSPC. */
function runToFullDisk(args: string[]): { status: number; stderr: string } {
  const fd = openSync("/dev/full", "w");
  try {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ["ignore", fd, "pipe"], encoding: "utf8" });
    return { status: r.status ?? -1, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

test("stdout on a full disk (/dev/full): one clear line, exit 74, no bug report", () => {
  for (const args of [["explain"], ["check", "specs/alexnet.anet", "--format", "json"], ["graph", "specs/alexnet.anet"]]) {
    const r = runToFullDisk(args);
    assert.is(r.status, 74, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /alexc: cannot write to standard output: no space left on the device \(ENOSPC\)\n/);
    assert.is(r.stderr.match(/cannot write to standard output/g)?.length, 1, "reported once");
    assert.not.match(r.stderr, /bug|\n\s+at /);
  }
});

test("-o /dev/full: the device is written into (ENOSPC, exit 74), never replaced by a file", () => {
  for (const args of [
    ["graph", "specs/alexnet-mini.anet", "-o", "/dev/full"],
    ["report", "specs/alexnet-mini.anet", "-o", "/dev/full"],
  ]) {
    const r = runCli(args);
    assert.is(r.status, 74, r.stderr);
    assert.match(r.stderr, /alexc: cannot write \/dev\/full: no space left on the device \(ENOSPC\)/);
    assert.not.match(r.stderr, /bug/);
    assert.ok(statSync("/dev/full").isCharacterDevice(), "/dev/full is still the device");
  }
});

test("output paths that cannot be written: the path, the reason, exit 2", () => {
  const dir = scratch();
  try {
    writeFileSync(join(dir, "afile"), "not a folder\n");
    mkdirSync(join(dir, "afolder"));
    const cases: Array<[string[], RegExp]> = [
      [["compile", "specs/alexnet.anet", "-o", "afile/out"], /cannot create the folder afile\/out\/alexnet: afile is a file, not a folder/],
      [["compile", "specs/alexnet.anet", "-o", "afile"], /cannot create the folder afile\/alexnet: afile is a file, not a folder/],
      [["graph", "specs/alexnet.anet", "-o", "afile/g.dot"], /cannot write afile\/g\.dot: afile is a file, not a folder/],
      [["graph", "specs/alexnet.anet", "-o", "afolder"], /cannot write afolder: it is a folder/],
      [["graph", "specs/alexnet.anet", "-o", "missing/g.dot"], /cannot write missing\/g\.dot: the folder missing does not exist/],
      [["lock", "specs/", "--lock", "afile/anet.lock.json"], /cannot write afile\/anet\.lock\.json: afile is a file, not a folder/],
      [
        ["export", "specs/alexnet-mini.anet", "--no-weights", "-o", "afile/x"],
        /cannot create the folder afile\/x: afile is a file, not a folder/,
      ],
      [["check", "specs/", "--locked", "--lock", "afolder"], /afolder: is a directory, not a lock file/],
      [["lock", "specs/", "--lock", "afolder"], /afolder: is a directory, not a lock file/],
      [["report", "specs/alexnet-mini.anet", "-o", "afile"], /$/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args, { cwd: dir });
      if (args[0] === "report") {
        // An existing file is simply replaced: not an error.
        assert.is(r.status, 0, r.stderr);
        continue;
      }
      assert.is(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(" "));
      assert.not.match(r.stderr, /bug|internal error|\n\s+at /, args.join(" "));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a folder the file system refuses (sysfs, even for root): permission denied, exit 74", () => {
  const r = runCli(["graph", "specs/alexnet-mini.anet", "-o", "/sys/alexc-test.svg"]);
  assert.is(r.status, 74, r.stderr);
  assert.match(r.stderr, /^alexc: cannot write \/sys\/alexc-test\.svg: (permission denied \(EACCES\)|read-only file system \(EROFS\))\n$/m);
  // procfs: the folder exists but takes no new files.
  const proc = runCli(["graph", "specs/alexnet-mini.anet", "-o", "/proc/alexc-test.svg"]);
  assert.is(proc.status, 74, proc.stderr);
  assert.not.match(proc.stderr, /does not exist|bug/);
});

test("a read-only output folder: permission denied, exit 74 (skipped as root, which may write anywhere)", () => {
  if (process.getuid?.() === 0) return;
  const dir = scratch();
  try {
    mkdirSync(join(dir, "ro"));
    chmodSync(join(dir, "ro"), 0o555);
    const r = runCli(["compile", "specs/alexnet.anet", "-o", "ro"], { cwd: dir });
    assert.is(r.status, 74, r.stderr);
    assert.match(r.stderr, /ro\/alexnet: permission denied \(EACCES\)/);
  } finally {
    chmodSync(join(dir, "ro"), 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
