/** The grammar: what parses, what does not, and the committed syntax diagrams are fresh. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "../src/syntax/parse.js";
import { diagramsHtml } from "../grammar/diagrams.js";
import { AnetParser } from "../grammar/parser.js";
import { makeLexer } from "../grammar/tokens.js";
import { ROOT } from "./support.js";
import type { LayerNode, Value } from "../src/syntax/ast.js";

function firstLayerArgs(body: string): Value[] {
  const r = parse(`model t { input 3x8x8\n${body}\n}`);
  assert.equal(r.diagnostics, [], JSON.stringify(r.diagnostics));
  const first = r.ast!.body[0] as LayerNode;
  return first.args.map((a) => a.value);
}

const valueForms: Array<[string, string]> = [
  ["conv(8, kernel=3)", "number"],
  ["conv(8, kernel=5x3)", "dims"],
  ["conv(8, kernel=5 x 3)", "dims"],
  ["conv(8, kernel=(2+3)x(1+2))", "dims"],
  ["conv(8, padding=[1, 2])", "list"],
  ["conv(8, padding={h: [1, 2], w: 1})", "record"],
  ["dense(128*6*6 -> 2048)", "arrow"],
  ["dense(128*6*6 → 2048)", "arrow"],
  ["conv(-1)", "negate"],
  ["conv(2**3)", "binary"],
  ["conv(round(48*0.5))", "call"],
  ["conv(1_000)", "number"],
  ["dropout(2e-1)", "number"],
];

for (const [source, kind] of valueForms) {
  test(`parses ${source} with a ${kind} argument`, () => {
    const args = firstLayerArgs(source);
    const last = source.includes("kernel") || source.includes("padding") ? args[args.length - 1]! : args[0]!;
    assert.is(last.kind, kind);
  });
}

test("precedence: 1 + 2 * 3 ** 2 groups as 1 + (2 * (3 ** 2)); -2 ** 2 is -(2 ** 2)", () => {
  const [v] = firstLayerArgs("conv(1 + 2 * 3 ** 2)");
  assert.ok(
    v!.kind === "binary" &&
      v.op === "+" &&
      v.right.kind === "binary" &&
      v.right.op === "*" &&
      v.right.right.kind === "binary" &&
      v.right.right.op === "**",
  );
  const [n] = firstLayerArgs("conv(-2 ** 2)");
  assert.ok(n!.kind === "negate" && n.operand.kind === "binary");
});

test("x is a name where it cannot be a dimension separator", () => {
  const r = parse("model t { param x = 3\n input 3 x x x x\n x: relu }");
  assert.equal(r.diagnostics, []);
  assert.is(r.ast!.params[0]!.name, "x");
  const input = r.ast!.inputs[0]!.value;
  assert.ok(input.kind === "dims" && input.items.length === 3);
  assert.is((r.ast!.body[0] as LayerNode).name, "x");
});

test("keywords are whole words: 'inputs' and 'models' are names", () => {
  const r = parse("model t { param inputs = 3\n input inputs x 8 x 8\n models: relu }");
  assert.equal(r.diagnostics, []);
});

test("comments of both kinds are skipped and kept for tools", () => {
  const r = parse("// a\nmodel t { # b\n input 3x8x8 /* c\n d */ relu }");
  assert.equal(r.diagnostics, []);
  assert.is(r.comments.length, 3);
});

test("every node has a span that covers its text", () => {
  const text = 'model t {\n  input 3x8x8\n  c1: conv(8, kernel=3) allow inexact "why"\n}';
  const r = parse(text);
  const layer = r.ast!.body[0] as LayerNode;
  assert.is(text.slice(layer.span.start, layer.span.end), 'c1: conv(8, kernel=3) allow inexact "why"');
  assert.is(text.slice(layer.layerKindSpan.start, layer.layerKindSpan.end), "conv");
  assert.is(text.slice(layer.args[1]!.span.start, layer.args[1]!.span.end), "kernel=3");
  assert.is(layer.allows[0]!.reason, "why");
});

const syntaxErrors: Array<[string, number]> = [
  ["model t { input 3x8x8 conv(8 kernel=3) }", 1],
  ["model t { input 3x8x8\n relu(\n}", 1],
  ["model { }", 1],
  ["model t { input 3x8x8 } trailing", 1],
  ["", 1],
  ["model t { input 3x8x8\n conv(8, kernel=)\n relu\n dense(10 -> )\n block { }\n}", 3],
];

for (const [source, count] of syntaxErrors) {
  test(`syntax errors in ${JSON.stringify(source)}: ${count}`, () => {
    const r = parse(source);
    assert.is(r.ast, undefined);
    assert.is(r.diagnostics.length, count, JSON.stringify(r.diagnostics.map((d) => d.message)));
    for (const d of r.diagnostics) assert.ok(d.span!.start >= 0 && d.span!.end <= source.length);
  });
}

test("the grammar passes chevrotain's validations (the shipped parser skips them for start-up time)", () => {
  assert.not.throws(() => new AnetParser(true));
});

test("the tokens pass chevrotain's lexer validations (the shipped lexer skips them for start-up time)", () => {
  const lexer = makeLexer(true);
  assert.equal(lexer.lexerDefinitionErrors, []);
});

test("grammar/diagrams.html is fresh (npm run diagrams to regenerate)", () => {
  const committed = readFileSync(join(ROOT, "grammar", "diagrams.html"), "utf8");
  assert.ok(committed === diagramsHtml(), "grammar/diagrams.html is stale: run npm run diagrams");
  assert.not.match(committed, /https?:\/\/unpkg/);
});

test.run();
