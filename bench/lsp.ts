/**
 * The language server's answer times, over stdio against the built CLI as an editor runs it, for
 * the seed spec and a 10,000-layer spec. Each sample follows a one-character edit, with diagnostics
 * held back (a long debounce), so every answer includes re-checking the changed text: the worst case
 * an editor meets. Targets (issue #17): < 50 ms for the seed, < 500 ms for 10,000 layers. The same
 * run times a plain in-process check of each spec, so a loaded machine shows as both growing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main, ROOT, type BenchResult, type Metric } from "./common.js";
import { generatedSpec } from "./compiler.js";
import { LspClient, positionAt } from "../test/lsp-client.js";
import { checkSource } from "../src/check/check-spec.js";

const ROUNDS = 7;
const URI = "file:///bench/spec.anet";

async function answers(label: string, text: string, metrics: Metric[]): Promise<void> {
  const lsp = new LspClient();
  await lsp.initialize({ debounceMs: 60_000 });
  lsp.notify("textDocument/didOpen", { textDocument: { uri: URI, languageId: "anet", version: 1, text } });
  // The edited place: the first conv's channel count, toggled between two values that both check.
  const at = text.indexOf("conv(") + "conv(".length;
  const start = positionAt(text, at);
  const range = { start, end: { line: start.line, character: start.character + 1 } };
  const all = { start: { line: 0, character: 0 }, end: positionAt(text, text.length) };
  const hoverAt = { line: start.line, character: start.character - 2 };
  let version = 1;
  const requests: Array<[string, () => Promise<unknown>]> = [
    ["inlay hints", () => lsp.request("textDocument/inlayHint", { textDocument: { uri: URI }, range: all })],
    ["hover", () => lsp.request("textDocument/hover", { textDocument: { uri: URI }, position: hoverAt })],
    ["completion", () => lsp.request("textDocument/completion", { textDocument: { uri: URI }, position: start })],
    ["semantic tokens", () => lsp.request("textDocument/semanticTokens/full", { textDocument: { uri: URI } })],
    ["document symbols", () => lsp.request("textDocument/documentSymbol", { textDocument: { uri: URI } })],
  ];
  const samples = new Map<string, number[]>(requests.map(([name]) => [name, []]));
  samples.set("diagnostics after the edit", []);
  await requests[0]![1](); // warm-up: the first analysis and the JIT
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const [name, ask] of [...requests, ["diagnostics after the edit", () => diagnostics()] as const]) {
      version++;
      lsp.notify("textDocument/didChange", {
        textDocument: { uri: URI, version },
        contentChanges: [{ range, text: version % 2 ? "8" : "6" }],
      });
      const t = performance.now();
      await ask();
      if (round > 0) samples.get(name)!.push(performance.now() - t);
    }
  }
  async function diagnostics(): Promise<void> {
    // A configuration change republishes at once: the diagnostics' own cost, without the debounce.
    const want = version;
    const published = lsp.waitFor<{ version?: number }>("textDocument/publishDiagnostics", (p) => p.version === want, 60_000);
    lsp.notify("workspace/didChangeConfiguration", { settings: { alexc: {} } });
    await published;
  }
  await lsp.close();
  for (const [name, s] of samples) metrics.push({ name: `${label}: ${name} (after an edit)`, unit: "ms", samples: s });
}

async function run(): Promise<BenchResult> {
  const metrics: Metric[] = [];
  const seed = readFileSync(join(ROOT, "specs", "alexnet.anet"), "utf8");
  const big = generatedSpec(10_000);
  for (const [label, text] of [
    ["seed spec", seed],
    ["10,000 layers", big],
  ] as const) {
    const check: number[] = [];
    for (let i = 0; i < ROUNDS + 1; i++) {
      const t = performance.now();
      checkSource("spec.anet", text);
      if (i > 0) check.push(performance.now() - t);
    }
    metrics.push({ name: `${label}: plain in-process checkSource, for scale`, unit: "ms", samples: check });
    await answers(label, text, metrics);
  }
  return {
    name: "lsp",
    title: "The language server: answer times",
    metrics,
    notes: [
      `\`alexc lsp --stdio\` (dist/cli/alexc.cjs) in a child process, spoken to over its standard streams; ${ROUNDS} samples per row after one warm-up round. Each sample follows a one-character edit, so it includes re-checking the whole spec (parse, resolve, check, receptive fields); completion reads only the tokens before the cursor. Targets: < 50 ms per answer for the seed spec, < 500 ms for 10,000 layers.`,
    ],
  };
}

await main(import.meta.url, run);
