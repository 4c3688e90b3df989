/**
 * The language server's answers as pure functions of the text (src/lsp/): completion in every
 * context (also in text that does not parse), navigation and rename, hover, hints per variant,
 * symbols, folding and semantic tokens. test/lsp.test.ts runs the same through the real process.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { analyse } from "../src/lsp/analysis.js";
import { completions } from "../src/lsp/completion.js";
import { hover } from "../src/lsp/hover.js";
import { inlayHints } from "../src/lsp/hints.js";
import { definition, prepareRename, references, rename } from "../src/lsp/navigation.js";
import { documentSymbols, foldingRanges } from "../src/lsp/outline.js";
import { lex, semanticTokens, TOKEN_TYPES } from "../src/lsp/semantic-tokens.js";
import { layerKinds } from "../src/layers/index.js";
import { sectionKeys } from "../src/resolve/sections.js";
import { checkSpecReport } from "../src/check/variants.js";
import { diagnosticKey } from "../src/check/check-spec.js";
import fc from "fast-check";
import { brokenSpec } from "./fuzz/generators.js";
import { toLspDiagnostic, codeActions } from "../src/lsp/diagnostics.js";

const SEED = readFileSync("specs/alexnet.anet", "utf8");
const URI = "file:///s.anet";
const at = (text: string, needle: string, delta = 0): number => text.indexOf(needle) + delta;
const labels = (text: string, offset: number): string[] => completions(text, offset).map((c) => c.label);
const hoverText = (text: string, offset: number, variant?: string): string =>
  (hover(analyse("s.anet", text, variant), offset)?.contents as { value: string } | undefined)?.value ?? "";

test("completion at the start of a statement in a block: every kind of the layer table", () => {
  const text = SEED.replace(
    "    relu\n    maxpool(kernel=3, stride=2)\n    conv(128",
    "    re\n    maxpool(kernel=3, stride=2)\n    conv(128",
  );
  const got = labels(text, at(text, "    re\n") + 6);
  for (const k of layerKinds.keys()) assert.ok(got.includes(k), k);
  assert.not.ok(got.includes("param"), "no model keywords inside a block");
});

test("completion inside a kind's parentheses: its arguments with their defaults, and the params", () => {
  const text = SEED.replace("conv(192, kernel=3, padding=1)", "conv(192, ");
  const items = completions(text, at(text, "conv(192, ") + "conv(192, ".length);
  const stride = items.find((i) => i.label === "stride");
  assert.ok(stride, JSON.stringify(items.map((i) => i.label)));
  assert.is(stride.detail, "= 1");
  assert.ok(items.some((i) => i.label === "num_classes"));
});

test("completion in sections: the section's keys, then the functions a key takes", () => {
  const keys = labels(SEED, at(SEED, "    loss = cross_entropy"));
  assert.equal(keys.sort(), Object.keys(sectionKeys["train"]!).sort());
  const text = SEED.replace("optimizer = adam(lr=0.0002)", "optimizer = ");
  const fns = labels(text, at(text, "optimizer = ") + "optimizer = ".length);
  assert.ok(fns.includes("adam") && fns.includes("sgd"), fns.join(","));
});

test("completion in a variant: the parameters it may set; at the model level: keywords and sections", () => {
  assert.ok(labels(SEED, at(SEED, "    num_classes = 5")).includes("num_classes"));
  const model = labels(SEED, at(SEED, "  input 3x224x224"));
  for (const k of ["param", "input", "block", "variant", "init", "train", "data", "matrix", "conv"]) assert.ok(model.includes(k), k);
});

test("completion in half-typed text that does not parse, and none inside a comment", () => {
  const half = "model m {\n  param width: int = 8\n  input 3x32x32\n  conv(8, ";
  assert.ok(labels(half, half.length).includes("kernel"));
  assert.ok(labels(half, half.length).includes("width"));
  assert.equal(labels(SEED, at(SEED, "C x H x W")), []);
});

test("definition, references and rename of a parameter cover declaration, uses and variant settings", () => {
  const a = analyse("s.anet", SEED);
  const use = at(SEED, "-> num_classes") + 4;
  const def = definition(a, URI, use)!;
  assert.is(def.range.start.line, 3);
  const refs = references(a, URI, use, true);
  assert.is(refs.length, 3, JSON.stringify(refs));
  assert.is(references(a, URI, use, false).length, 2);
  assert.is(prepareRename(a, use)!.placeholder, "num_classes");
  const edit = rename(a, URI, use, "classes")!;
  assert.is(edit.changes![URI]!.length, 3);
  assert.is(rename(a, URI, use, "not a name"), undefined);
  assert.is(prepareRename(a, at(SEED, "maxpool")), undefined, "layer kinds are not renamed");
});

test("hover: a layer's shapes, params and receptive field; a parameter's value per variant; a code's explanation", () => {
  const conv1 = hoverText(SEED, at(SEED, "conv(48") + 1);
  assert.match(conv1, /3×224×224 → 48×55×55/);
  assert.match(conv1, /17,472/);
  assert.match(conv1, /11×11 \(jump 4×4\)/);
  assert.match(hoverText(SEED, at(SEED, "-> num_classes") + 4), /= 1000/);
  assert.match(hoverText(SEED, at(SEED, "-> num_classes") + 4, "flowers"), /= 5 in variant flowers/);
  assert.match(hoverText(SEED, at(SEED, "(W0301)") + 3), /W0301 inexact/);
  const allowed = SEED.replace("padding=2)  //", 'padding=2) allow inexact "floors"  //');
  assert.match(hoverText(allowed, at(allowed, "allow inexact") + 8), /W0301 inexact/);
});

test("inlay hints follow the picked variant; a layer after a shape error gets none", () => {
  const last = (variant?: string): string[] =>
    inlayHints(analyse("s.anet", SEED, variant), { start: 0, end: SEED.length })
      .filter((h) => h.position.line === 32)
      .map((h) => String(h.label));
  assert.ok(last().includes("→ 1000"), last().join());
  assert.ok(last("flowers").includes("→ 5"), last("flowers").join());
  assert.ok(last("no-such-variant").includes("→ 1000"), "an unknown variant shows the base");
  const broken = SEED.replace("conv(192, kernel=3, padding=1)", "conv(192, kernel=30, padding=1)");
  const hints = inlayHints(analyse("s.anet", broken), { start: 0, end: broken.length });
  assert.ok(hints.length > 0 && hints.length < 10, `${hints.length} hints`);
});

test("symbols, folding and semantic tokens", () => {
  const a = analyse("s.anet", SEED);
  const [model] = documentSymbols(a);
  assert.is(model!.name, "alexnet");
  const features = model!.children!.find((c) => c.name === "features")!;
  assert.is(features.children!.length, 13);
  assert.is(features.children![0]!.detail, "conv → 48×55×55");
  const folds = foldingRanges(a.file, a.ast, lex(SEED).comments);
  assert.ok(
    folds.some((f) => f.startLine === 7 && f.endLine === 21),
    "the features block",
  );
  const data = semanticTokens(a.file, lex(SEED), a.ast);
  assert.is(data.length % 5, 0);
  const kinds: Array<[number, number, string]> = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    char = data[i] === 0 ? char + data[i + 1]! : data[i + 1]!;
    kinds.push([line, char, TOKEN_TYPES[data[i + 3]!]!]);
  }
  const typeAt = (needle: string): string | undefined => {
    const p = a.file.position(at(SEED, needle));
    return kinds.find(([l, c]) => l === p.line - 1 && c === p.column - 1)?.[2];
  };
  assert.is(typeAt("conv(48"), "function");
  assert.is(typeAt("num_classes: int"), "parameter");
  assert.is(typeAt("// The seed's"), "comment");
  assert.is(typeAt("model alexnet"), "keyword");
});

test("diagnostics are what alexc check reports, matrix combinations included", () => {
  const text =
    "model m {\n  param k: int = 3\n  input 3x8x8\n  conv(4, kernel=k)\n  flatten\n  dense(10)\n  matrix {\n    k = [3, 9, 20]\n  }\n}\n";
  const report = checkSpecReport("s.anet", text);
  const cli = [...report.results.flatMap((r) => r.diagnostics), ...report.matrix.flatMap((m) => m.result.diagnostics)];
  assert.ok(
    cli.some((d) => d.variant?.startsWith("matrix")),
    "the example has a failing combination",
  );
  const ours = analyse("s.anet", text).diagnostics();
  assert.equal(ours.map(diagnosticKey).sort(), cli.map(diagnosticKey).sort());
});

test("every answer on text near a valid spec (random edits): no throw, and fixes stay inside the text", () => {
  fc.assert(
    fc.property(brokenSpec, fc.nat(), (text, seed) => {
      const a = analyse("s.anet", text);
      const offsets = [0, text.length, seed % (text.length + 1), (seed * 7) % (text.length + 1)];
      for (const offset of offsets) {
        completions(text, offset);
        hover(a, offset);
        definition(a, URI, offset);
        references(a, URI, offset, true);
        rename(a, URI, offset, "renamed");
      }
      inlayHints(a, { start: 0, end: text.length });
      documentSymbols(a);
      foldingRanges(a.file, a.ast, lex(text).comments);
      semanticTokens(a.file, lex(text), a.ast);
      const diagnostics = a.diagnostics().map((d) => toLspDiagnostic(d, a.file, URI));
      for (const action of codeActions(URI, diagnostics))
        for (const e of action.edit!.changes![URI]!) assert.ok(e.range.end.line <= a.file.lineStarts.length, "edit inside the text");
    }),
    { numRuns: 150, seed: 17 },
  );
});

test.run();
