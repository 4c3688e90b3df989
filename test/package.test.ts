/**
 * The npm package holds only what users run: `npm pack --dry-run --json` against the list in the
 * README's "The npm package" section, the entry points package.json names, and every relative
 * import inside the shipped files.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { packageFilesUrl } from "../scripts/readme.js";
import { ROOT } from "./support.js";

// --ignore-scripts: packing would otherwise run `prepare` (a full build) under the other tests.
const pack = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
const files: string[] =
  pack.status === 0 ? (JSON.parse(pack.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).sort() : [];

/** The allow-list: the text block under "## The npm package" in README.md. */
function allowList(): RegExp[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## The npm package"));
  const block = /```text\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, "README.md has the package list");
  return block!
    .trim()
    .split("\n")
    .map(
      (glob) =>
        new RegExp(
          `^${glob
            .trim()
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*\*\//g, "\0")
            .replace(/\*/g, "[^/]*")
            .replace(/\0/g, "(?:.*/)?")}$`,
        ),
    );
}

test("npm pack --dry-run lists only files the README's allow-list names, and each pattern matches something", () => {
  assert.is(pack.status, 0, pack.stderr);
  const allowed = allowList();
  const stray = files.filter((f) => !allowed.some((re) => re.test(f)));
  assert.equal(stray, [], `packed but not in the README's list: ${stray.join(", ")}`);
  for (const re of allowed)
    assert.ok(
      files.some((f) => re.test(f)),
      `${re} matches no packed file`,
    );
  for (const dead of [/\.cache$/, /\.map$/, /^dist\/(bench|scripts|generated)\//, /^(specs|test|src|bench)\//])
    assert.not.ok(
      files.some((f) => dead.test(f)),
      `${dead} is packed`,
    );
  assert.ok(files.includes("LICENSE"));
  assert.match(readFileSync(join(ROOT, "LICENSE"), "utf8"), /^MIT License\n\nCopyright \(c\) \d{4} alexc contributors\n/);
});

test("every README link into the package names a packed file (the registry page links there)", () => {
  const base = packageFilesUrl();
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const linked = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => t.startsWith(base));
  assert.ok(linked.length > 10, "the README links into the package");
  for (const t of linked) assert.ok(files.includes(t.slice(base.length).replace(/#.*$/, "")), `${t} is not in the package`);
});

test("every entry point in package.json (bin, exports) is packed", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    bin: Record<string, string>;
    exports: Record<string, string>;
  };
  for (const path of [...Object.values(pkg.bin), ...Object.values(pkg.exports)])
    assert.ok(files.includes(normalize(path)), `${path} is not packed`);
});

test("every relative import and require inside the packed JavaScript resolves to a packed file", () => {
  const packed = new Set(files);
  for (const file of files.filter((f) => /\.(c?js)$/.test(f))) {
    const text = readFileSync(join(ROOT, file), "utf8");
    for (const m of text.matchAll(/(?:from\s*|import\(\s*|require\(\s*|new URL\(\s*)["'](\.\.?\/[^"']+)["']/g)) {
      // A `.ts` target is the from-source branch (tests under tsx), never taken when built.
      if (m[1]!.endsWith(".ts")) continue;
      const target = normalize(join(dirname(file), m[1]!));
      assert.ok(packed.has(target), `${file} imports ${m[1]}, which is not packed`);
    }
  }
  // The emitter reads its templates from the package folder.
  for (const t of ["header.hbs", "model.ts.hbs", "train.ts.hbs", "predict.ts.hbs"]) assert.ok(packed.has(`templates/${t}`));
});

test.run();
