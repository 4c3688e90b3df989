/**
 * The language server as an editor runs it: the built CLI's `lsp --stdio` in a child process,
 * spoken to over its standard streams. The seed spec with the classifier's in-features written
 * wrong, then the seed typed character by character with incremental changes.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSpecReport } from "../src/check/variants.js";
import { applyEdits, LspClient, positionAt, type LspDiagnostic, type TextEdit } from "./lsp-client.js";

const URI = "file:///project/specs/alexnet.anet";
const SEED = readFileSync("specs/alexnet.anet", "utf8");
const BROKEN = SEED.replace("dense(128*6*6 -> 2048)", "dense(128*5*5 -> 2048)");
const lineOf = (text: string, needle: string): number => positionAt(text, text.indexOf(needle)).line;

interface Published {
  uri: string;
  version?: number;
  diagnostics: LspDiagnostic[];
}

test("the seed with 128*5*5: diagnostic, inlay shapes, hover with params, a fix that removes the error", async () => {
  const lsp = new LspClient();
  try {
    const init = await lsp.initialize({ debounceMs: 0 });
    assert.equal((init.capabilities["textDocumentSync"] as { change: number }).change, 2, "incremental sync");
    const first = lsp.waitFor<Published>("textDocument/publishDiagnostics", (p) => p.uri === URI);
    lsp.notify("textDocument/didOpen", { textDocument: { uri: URI, languageId: "anet", version: 1, text: BROKEN } });
    const published = await first;
    const denseLine = lineOf(BROKEN, "128*5*5");
    const e0201 = published.diagnostics.find((d) => d.code === "E0201");
    assert.ok(e0201, JSON.stringify(published.diagnostics));
    assert.is(e0201.range.start.line, denseLine);
    assert.match(e0201.message, /3200/);
    assert.match(e0201.message, /4608/);
    assert.is(e0201.severity, 1);

    const conv1Line = lineOf(BROKEN, "conv(48");
    const hints = await lsp.request<Array<{ position: { line: number }; label: string }>>("textDocument/inlayHint", {
      textDocument: { uri: URI },
      range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
    });
    assert.ok(
      hints.some((h) => h.position.line === conv1Line && h.label.includes("48×55×55")),
      JSON.stringify(hints.slice(0, 3)),
    );
    assert.ok(
      hints.some((h) => h.position.line === denseLine && h.label.includes("4608")),
      "the in-features that arrive",
    );

    const hover = await lsp.request<{ contents: { value: string } }>("textDocument/hover", {
      textDocument: { uri: URI },
      position: { line: conv1Line, character: BROKEN.split("\n")[conv1Line]!.indexOf("conv") + 1 },
    });
    assert.match(hover.contents.value, /17,472/);
    assert.match(hover.contents.value, /3×224×224 → 48×55×55/);

    const actions = await lsp.request<Array<{ title: string; edit: { changes: Record<string, TextEdit[]> } }>>("textDocument/codeAction", {
      textDocument: { uri: URI },
      range: e0201.range,
      context: { diagnostics: [e0201] },
    });
    assert.ok(actions.length >= 1, "a quick fix");
    const edits = actions[0]!.edit.changes[URI]!;
    const fixed = applyEdits(BROKEN, edits);
    assert.ok(fixed.includes("dense(128*6*6 -> 2048)"), fixed.split("\n")[denseLine]);
    const after = lsp.waitFor<Published>("textDocument/publishDiagnostics", (p) => p.uri === URI && p.version === 2);
    lsp.notify("textDocument/didChange", {
      textDocument: { uri: URI, version: 2 },
      contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
    });
    const clean = await after;
    assert.not.ok(
      clean.diagnostics.some((d) => d.code === "E0201"),
      JSON.stringify(clean.diagnostics.map((d) => d.code)),
    );
    assert.is(await lsp.close(), 0);
  } finally {
    lsp.child.kill();
  }
});

test("the variant code lens switches the shapes shown; formatting is alexc fmt's", async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize({ debounceMs: 0 });
    const messy = SEED.replace(
      "    relu\n    maxpool(kernel=3, stride=2)\n    conv(128",
      "    relu\n       maxpool( kernel=3,stride=2 )\n    conv(128",
    );
    lsp.notify("textDocument/didOpen", { textDocument: { uri: URI, languageId: "anet", version: 1, text: messy } });
    const lenses = await lsp.request<Array<{ range: { start: { line: number } }; command: { command: string; arguments: unknown[] } }>>(
      "textDocument/codeLens",
      { textDocument: { uri: URI } },
    );
    assert.is(lenses.length, 1);
    assert.is(lenses[0]!.range.start.line, lineOf(messy, "variant flowers"));
    const lastDense = lineOf(messy, "-> num_classes");
    const hintsOnLast = async (): Promise<string[]> =>
      (
        await lsp.request<Array<{ position: { line: number }; label: string }>>("textDocument/inlayHint", {
          textDocument: { uri: URI },
          range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
        })
      )
        .filter((h) => h.position.line === lastDense)
        .map((h) => h.label);
    assert.ok((await hintsOnLast()).includes("→ 1000"));
    await lsp.request("workspace/executeCommand", { command: lenses[0]!.command.command, arguments: lenses[0]!.command.arguments });
    assert.ok((await hintsOnLast()).includes("→ 5"), "the flowers variant's 5 classes");
    const formatting = await lsp.request<TextEdit[]>("textDocument/formatting", {
      textDocument: { uri: URI },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.is(applyEdits(messy, formatting), SEED);
    assert.is(await lsp.close(), 0);
  } finally {
    lsp.child.kill();
  }
});

test("the alexc-lsp bin is the same server, and answers a client with empty capabilities", async () => {
  const lsp = new LspClient([], join("dist", "cli", "alexc-lsp.cjs"));
  try {
    const init = await lsp.request<{ capabilities: Record<string, unknown> }>("initialize", {
      processId: null,
      rootUri: null,
      capabilities: {},
    });
    assert.ok(init.capabilities["inlayHintProvider"]);
    assert.is(await lsp.close(), 0);
  } finally {
    lsp.child.kill();
  }
});

test("every prefix of specs/alexnet.anet, typed character by character: no crash, no failed request, CLI's findings at the end", async () => {
  const lsp = new LspClient();
  try {
    await lsp.initialize({ debounceMs: 0 });
    lsp.notify("textDocument/didOpen", { textDocument: { uri: URI, languageId: "anet", version: 1, text: "" } });
    const answers: Array<Promise<unknown>> = [];
    let text = "";
    for (let i = 0; i < SEED.length; i++) {
      const at = positionAt(text, text.length);
      text += SEED[i];
      lsp.notify("textDocument/didChange", {
        textDocument: { uri: URI, version: i + 2 },
        contentChanges: [{ range: { start: at, end: at }, text: SEED[i] }],
      });
      const end = positionAt(text, text.length);
      // What an editor asks while typing: completion at the cursor, hints, and now and then the rest.
      answers.push(lsp.request("textDocument/completion", { textDocument: { uri: URI }, position: end }));
      if (i % 7 === 0)
        answers.push(
          lsp.request("textDocument/inlayHint", { textDocument: { uri: URI }, range: { start: { line: 0, character: 0 }, end } }),
          lsp.request("textDocument/hover", { textDocument: { uri: URI }, position: end }),
          lsp.request("textDocument/semanticTokens/full", { textDocument: { uri: URI } }),
          lsp.request("textDocument/documentSymbol", { textDocument: { uri: URI } }),
        );
    }
    await Promise.all(answers);
    const last = await lsp.waitFor<Published>("textDocument/publishDiagnostics", (p) => p.version === SEED.length + 1);
    const cli = checkSpecReport("alexnet.anet", SEED).results.flatMap((r) => r.diagnostics.map((d) => d.code));
    assert.equal(
      last.diagnostics.map((d) => d.code),
      cli,
    );
    const failures = lsp.notifications.filter((n) => n.method === "window/logMessage" && /failed/.test(JSON.stringify(n.params)));
    assert.equal(failures, [], "no request failed");
    assert.is(await lsp.close(), 0);
    assert.is(lsp.stderr, "");
  } finally {
    lsp.child.kill();
  }
});

test.run();
