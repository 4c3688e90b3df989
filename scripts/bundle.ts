/**
 * Bundles the CLI into dist/cli/ (npm run build):
 *  - alexc-bundle.cjs: the whole CLI as one CommonJS file. Node's ESM loader resolves and
 *    evaluates each module file separately, and chevrotain alone pulls in hundreds of small
 *    lodash-es modules; one file starts about three times faster. tfjs, Graphviz, handlebars and
 *    sharp stay external and are required only by the commands that use them.
 *  - alexc.cjs: the executable (`bin`), src/cli/launcher.cts, which runs the bundle from V8's code cache;
 *    cli.js, the old `bin` path, runs it too.
 *  - the code cache itself, made by one `alexc check` of the seed spec, so the first run in this
 *    repository is fast too. It is not packed: an installed alexc makes its own (see the launcher).
 */
import { build, type BuildOptions, type Plugin } from "esbuild";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../src/util/package-root.js";

const outdir = join(PACKAGE_ROOT, "dist", "cli");
rmSync(outdir, { recursive: true, force: true });
/**
 * commander requires child_process at load time for git-style executable subcommands, which alexc
 * does not have; loading it (with net, dgram and streams) cost ~3 ms of every start. It is served
 * lazily instead: the real module loads only if commander ever touches it.
 */
const lazyChildProcess: Plugin = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: "lazy-child-process", namespace: "alexc-lazy" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "alexc-lazy" }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_, key) => require("node:child_process")[key] });',
      loader: "js",
    }));
  },
};
const external = [
  "@tensorflow/*",
  "@viz-js/viz",
  "handlebars",
  "sharp",
  "playwright-core",
  "vscode-languageserver",
  "vscode-languageserver/*",
  "vscode-languageserver-textdocument",
];
const commonJs: BuildOptions = { bundle: true, format: "cjs", platform: "node", target: "node20", logLevel: "warning" };

const cli = await build({
  ...commonJs,
  entryPoints: [join(PACKAGE_ROOT, "dist", "src", "cli", "cli.js")],
  outfile: join(outdir, "alexc-bundle.cjs"),
  external,
  plugins: [lazyChildProcess],
  // A vm.Script has no ES module loader, so lazy imports become require() calls; that also keeps
  // one copy of tfjs (its CommonJS build) instead of one per module system.
  supported: { "dynamic-import": false },
  // import.meta.url (used to find the package folder) becomes the bundle's own file URL.
  define: { "import.meta.url": "__alexcImportMetaUrl" },
  banner: { js: '"use strict";\nvar __alexcImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  write: false,
});
// The entry's shebang would be a syntax error inside the function wrapper the launcher compiles.
mkdirSync(outdir, { recursive: true });
for (const file of cli.outputFiles) writeFileSync(file.path, file.text.replace(/^#![^\n]*\n/, ""));

await build({
  ...commonJs,
  entryPoints: [join(PACKAGE_ROOT, "src", "cli", "launcher.cts")],
  outfile: join(outdir, "alexc.cjs"),
  banner: { js: "#!/usr/bin/env node" },
});

chmodSync(join(outdir, "alexc.cjs"), 0o755);
// Before the launcher, `bin` was dist/cli/cli.js, and npx keeps the bin link it made then for a
// project folder: "alexc: not found" after an update, unless that path still runs alexc.
writeFileSync(
  join(outdir, "cli.js"),
  '#!/usr/bin/env node\nimport { createRequire } from "node:module";\ncreateRequire(import.meta.url)("./alexc.cjs");\n',
  { mode: 0o755 },
);

// The language server's own bin, for editors configured with a command and no arguments.
writeFileSync(join(outdir, "alexc-lsp.cjs"), '#!/usr/bin/env node\nprocess.argv.splice(2, 0, "lsp");\nrequire("./alexc.cjs");\n', {
  mode: 0o755,
});

// A spec-less package (an npm tarball) makes its cache on the first real run instead.
const seed = join(PACKAGE_ROOT, "specs", "alexnet.anet");
if (existsSync(seed)) {
  spawnSync(process.execPath, [join(outdir, "alexc.cjs"), "check", seed], {
    stdio: "ignore",
    env: { ...process.env, ALEXC_COMPILE_CACHE: "1" },
  });
  if (!readdirSync(outdir).some((f) => f.endsWith(".cache")))
    console.warn("bundle: no code cache was written; alexc will make one on its first run");
}
