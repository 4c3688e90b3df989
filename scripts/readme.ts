/**
 * Keeps README.md true (npm run readme; test/readme.test.ts fails when it is not):
 *
 *  - Transcripts: a ```console block preceded by `<!-- transcript -->` is re-run. Each `$ npx alexc …`
 *    line in it is run with this build, in a scratch copy of specs/ plus test/fixtures/readme/, and
 *    followed by its real output (stdout and stderr as a terminal interleaves them, without colour).
 *    `<!-- transcript keep=1-7,19-;5- -->` keeps those 1-based line ranges of each command's output
 *    in turn (`-` alone keeps none), writing `…` where lines were left out.
 *  - Links: the registry page shows this README without any other file, so every relative link
 *    becomes an absolute link to that file inside this very version of the published package on
 *    unpkg (which serves every file of every npm package): docs/ ships in the package for that,
 *    and test/package.test.ts checks that each link names a packed file. In-page anchors stay.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

const CLI = join(PACKAGE_ROOT, "dist", "cli", "alexc.cjs");
const MARKER = /^<!-- transcript(?: keep=(\S+))? -->$/;
const PROMPT = "$ npx alexc ";

/** Where this version's packed files are served: `https://unpkg.com/NAME@VERSION/`. */
export function packageFilesUrl(
  pkg: { name: string; version: string } = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")),
): string {
  return `https://unpkg.com/${pkg.name}@${pkg.version}/`;
}

/** Splits a command line as the shell would for the simple words the README uses ('…' quoting, # comments). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.replace(/\s+#.*$/, "").matchAll(/'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

/** Runs `alexc ARGS` in `cwd` as a user would see it: stdout and stderr in one stream, no colour. */
export function runForTranscript(args: string[], cwd: string): string {
  const r = spawnSync("sh", ["-c", 'exec "$0" "$@" 2>&1', process.execPath, CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, COLUMNS: "100" },
  });
  return r.stdout.replace(/\n+$/, "");
}

/** Keeps the 1-based line ranges of `spec` ("1-7,19-"), with `…` where lines were left out. */
function keep(output: string, spec: string | undefined): string[] {
  const lines = output === "" ? [] : output.split("\n");
  if (spec === undefined) return lines;
  if (spec === "-") return [];
  const wanted = new Set<number>();
  for (const range of spec.split(",")) {
    const [a, b] = range.split("-");
    const from = Number(a);
    const to = b === undefined ? from : b === "" ? lines.length : Number(b);
    for (let i = from; i <= to; i++) wanted.add(i);
  }
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (wanted.has(i + 1)) out.push(line);
    else if (out[out.length - 1] !== "…") out.push("…");
  });
  return out;
}

export function renderTranscripts(readme: string, run: (args: string[]) => string): string {
  const lines = readme.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]!);
    const marker = MARKER.exec(lines[i]!);
    if (!marker) continue;
    if (lines[i + 1] !== "```console") throw new Error(`README.md:${i + 2}: a transcript marker must be followed by a \`\`\`console block`);
    const end = lines.indexOf("```", i + 2);
    const commands = lines.slice(i + 2, end).filter((l) => l.startsWith(PROMPT));
    const keeps = marker[1]?.split(";") ?? [];
    out.push("```console");
    commands.forEach((command, n) => {
      out.push(command, ...keep(run(words(command.slice(PROMPT.length))), keeps[n]));
      if (n < commands.length - 1 && keeps[n] !== "-") out.push("");
    });
    out.push("```");
    i = end;
  }
  return out.join("\n");
}

/** Relative links and images → absolute ones under `base` (the packed files of this version). */
export function absoluteLinks(readme: string, base: string): string {
  // Link text may itself be an image: [![alt](img)](target).
  return readme.replace(
    /(!?)\[((?:!\[[^\]]*\]\([^)]*\)|[^\]])*)\]\((?!https?:|#|mailto:)([^)\s]+)\)/g,
    (_m, bang: string, text: string, target: string) => {
      return `${bang}[${absoluteLinks(text, base)}](${base}${target.replace(/^\.\//, "")})`;
    },
  );
}

/** Runs every transcript in a scratch folder holding specs/ and the README's fixtures. */
export function renderReadme(readme: string): string {
  const dir = mkdtempSync(join(tmpdir(), "alexc-readme-"));
  try {
    cpSync(join(PACKAGE_ROOT, "specs"), join(dir, "specs"), { recursive: true });
    const fixtures = join(PACKAGE_ROOT, "test", "fixtures", "readme");
    if (existsSync(fixtures)) for (const f of readdirSync(fixtures)) cpSync(join(fixtures, f), join(dir, f), { recursive: true });
    return absoluteLinks(
      renderTranscripts(readme, (args) => runForTranscript(args, dir)),
      packageFilesUrl(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = join(PACKAGE_ROOT, "README.md");
  const before = readFileSync(path, "utf8");
  const after = renderReadme(before);
  writeFileSync(path, after);
  console.log(before === after ? "README.md is up to date" : "rewrote README.md");
}
