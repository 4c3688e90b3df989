/**
 * README.md stays true: its transcripts are real output of this build (scripts/readme.ts re-runs
 * them), and its links work on the registry page (absolute, into files that exist here).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { absoluteLinks, packageFilesUrl, renderReadme, renderTranscripts } from "../scripts/readme.js";
import { ROOT } from "./support.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");

test("every transcript in README.md is what this build prints (npm run readme rewrites them)", () => {
  assert.ok((readme.match(/<!-- transcript/g) ?? []).length >= 3, "the check, the broken spec and the analysis commands are transcripts");
  assert.fixture(renderReadme(readme), readme, "README.md drifted from real output: run npm run readme");
});

test("a drifted transcript is caught: the renderer replaces what the block claims with real output", () => {
  const stale = "<!-- transcript keep=2-3 -->\n```console\n$ npx alexc explain\nmade up\n```\n";
  const out = renderTranscripts(stale, (args) => (args.join(" ") === "explain" ? "one\ntwo\nthree\nfour" : "?"));
  assert.is(out, "<!-- transcript keep=2-3 -->\n```console\n$ npx alexc explain\n…\ntwo\nthree\n…\n```\n");
});

test("README links are absolute links to this version's packed files (the registry page has no docs/), and each target exists", () => {
  const base = packageFilesUrl();
  assert.match(base, /^https:\/\/unpkg\.com\/alexc@\d+\.\d+\.\d+[^/]*\/$/);
  const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  assert.ok(targets.length > 10);
  for (const t of targets) {
    if (t.startsWith("#")) continue;
    assert.ok(/^https?:/.test(t), `relative link ${t}: run npm run readme`);
    if (!t.startsWith(base)) continue;
    const path = t.slice(base.length).replace(/#.*$/, "");
    assert.ok(existsSync(join(ROOT, path)), `${t}: ${path} does not exist`);
  }
  assert.is(
    absoluteLinks("[a](docs/x.md#y) [b](#z) [![i](p.png)](p.png)", "https://h/p@1/"),
    "[a](https://h/p@1/docs/x.md#y) [b](#z) [![i](https://h/p@1/p.png)](https://h/p@1/p.png)",
  );
});

test.run();
