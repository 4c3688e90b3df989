/**
 * editors/vscode/ hangs together without building it (packaging needs its own npm install, `npm run
 * vsix`): the manifest's files exist, the grammar and language configuration parse, the client's
 * protocol release matches the server's, and the settings it offers are the ones the server reads.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join("editors", "vscode");
const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
const manifest = json(join(DIR, "package.json")) as {
  main: string;
  engines: { vscode: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  contributes: {
    languages: Array<{ id: string; extensions: string[]; configuration: string }>;
    grammars: Array<{ language: string; scopeName: string; path: string }>;
    configuration: { properties: Record<string, unknown> };
  };
};

test("the manifest's language, grammar and configuration files exist and parse", () => {
  const [language] = manifest.contributes.languages;
  assert.equal(language!.extensions, [".anet"]);
  const config = json(join(DIR, language!.configuration)) as { comments: { lineComment: string; blockComment: string[] } };
  assert.is(config.comments.lineComment, "//");
  assert.equal(config.comments.blockComment, ["/*", "*/"]);
  const [grammar] = manifest.contributes.grammars;
  assert.is(grammar!.language, language!.id);
  assert.is((json(join(DIR, grammar!.path)) as { scopeName: string }).scopeName, grammar!.scopeName);
  assert.ok(existsSync(join(DIR, "src", "extension.ts")));
  assert.is(manifest.main, "./out/extension.js");
});

test("client and server are the same vscode-languageserver release; tools are pinned", () => {
  const root = json("package.json") as { dependencies: Record<string, string> };
  assert.is(manifest.dependencies["vscode-languageclient"], root.dependencies["vscode-languageserver"]);
  for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }))
    assert.ok(/^\d+\.\d+\.\d+$/.test(version), `${name} is pinned (${version})`);
  assert.ok(manifest.devDependencies["@vscode/vsce"], "vsce is the extension's dev dependency");
  assert.not.ok((json("package.json") as { devDependencies: Record<string, string> }).devDependencies["@vscode/vsce"], "not alexc's");
});

test("the settings the extension offers are the ones the server reads", () => {
  const server = readFileSync(join("src", "lsp", "server.ts"), "utf8");
  for (const key of Object.keys(manifest.contributes.configuration.properties)) {
    const name = key.replace(/^alexc\./, "");
    if (name === "serverPath") continue; // the client's own: which server to start
    assert.ok(server.includes(`o["${name}"]`), `${key} is read by src/lsp/server.ts`);
  }
});

test.run();
