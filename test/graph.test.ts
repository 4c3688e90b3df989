/**
 * Diagrams: DOT and Mermaid golden files for every spec, Graphviz (in WebAssembly) accepts the DOT
 * without complaint, the SVG carries every layer's label, grouped convolutions are drawn as their
 * parallel branches, and the `alexc graph` command.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { instance } from "@viz-js/viz";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkSource } from "../src/check/check-spec.js";
import type { CheckedModel } from "../src/check/check.js";
import { buildGraph, MAX_BRANCHES_SHOWN } from "../src/views/graph/model.js";
import { dotString, toDot } from "../src/views/graph/dot.js";
import { mermaidText, toMermaid } from "../src/views/graph/mermaid.js";
import { dotToSvg } from "../src/views/graph/svg.js";
import { FIXTURES, golden, ROOT, runCli } from "./support.js";

const specs = readdirSync(join(ROOT, "specs"))
  .filter((f) => f.endsWith(".anet"))
  .sort();

function checked(path: string): CheckedModel {
  const r = checkSource(path, readFileSync(join(ROOT, path), "utf8"));
  assert.ok(r.checked?.complete);
  return r.checked!;
}

/** The seed's table model with groups on conv2, conv4 and conv5, as the paper's two-GPU AlexNet. */
function grouped(): CheckedModel {
  const c = checked("specs/alexnet-table.anet");
  // Until conv takes `groups`, set it as the resolver would; the graph reads only the argument.
  for (const [name, g] of [
    ["conv2", 2],
    ["conv4", 2],
    ["conv5", 8],
  ] as const)
    c.layers.find((l) => l.name === name)!.resolved.args["groups"] = g;
  return c;
}

const viz = await instance();

function svgText(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)]
    .map((m) => m[1]!.replace(/&#45;/g, "-").replace(/&gt;/g, ">").replace(/&amp;/g, "&"))
    .join("\n");
}

const cases: Array<[string, () => CheckedModel]> = [
  ...specs.map((s) => [s.replace(/\.anet$/, ""), () => checked(`specs/${s}`)] as [string, () => CheckedModel]),
  ["alexnet-v2", () => checked("test/fixtures/models/alexnet-v2.anet")],
  ["grouped", grouped],
];

for (const [name, model] of cases) {
  test(`${name}: DOT and Mermaid match their golden files; Graphviz renders the DOT without warnings`, () => {
    const graph = buildGraph(model());
    const dot = toDot(graph);
    golden(join(FIXTURES, "graph", `${name}.dot`), dot);
    golden(join(FIXTURES, "graph", `${name}.mmd`), toMermaid(graph));
    const result = viz.render(dot, { format: "svg" });
    assert.is(result.status, "success", JSON.stringify(result.errors));
    // Graphviz sizes boxes from built-in Helvetica metrics, which stop at ASCII: ×, → and ⋯ are
    // measured as a space (the node margin absorbs it). Anything else it complains about fails.
    const complaints = result.errors.filter((e) => !/no value for width of non-ASCII character/.test(e.message));
    assert.equal(complaints, []);
  });

  test(`${name}: the SVG shows every layer's name, settings and the shapes between them`, async () => {
    const c = model();
    const svg = await dotToSvg(toDot(buildGraph(c)));
    assert.is(await dotToSvg(toDot(buildGraph(model()))), svg, "the same model gives the same SVG");
    const text = svgText(svg);
    for (const l of c.layers) {
      assert.ok(text.includes(l.name), `${l.name} in the SVG`);
      if (l.settings) assert.ok(text.includes(l.settings.replace(/ -> /g, " → ")), `settings of ${l.name}: ${l.settings}`);
    }
    const shapes = c.layers.map((l) => (l.output.rank === "chw" ? `${l.output.c}×${l.output.h}×${l.output.w}` : `${l.output.n}`));
    for (const s of shapes) assert.ok(text.includes(s), `shape ${s} on an edge`);
  });
}

test("blocks are clusters, holding exactly their layers", () => {
  const c = checked("specs/alexnet.anet");
  const g = buildGraph(c);
  assert.equal(
    g.clusters.map((x) => x.name),
    ["features", "classifier"],
  );
  const layerOf = new Map(g.nodes.map((n) => [n.id, n.layer]));
  for (const cluster of g.clusters) {
    assert.equal(
      cluster.nodes.map((id) => layerOf.get(id)),
      c.layers.filter((l) => l.block === cluster.name).map((l) => l.name),
    );
  }
  assert.match(toDot(g), /subgraph cluster_0 \{\n {4}label="features";/);
  assert.match(toMermaid(g), /subgraph cluster_0 \["features"\]/);
});

test("a grouped convolution becomes split → g parallel branches → concat, each with its share", () => {
  const g = buildGraph(grouped());
  const branches = g.nodes.filter((n) => n.layer === "conv2" && n.role === "conv");
  assert.equal(
    branches.map((n) => n.lines.slice(0, 2)),
    [
      ["conv2 [1/2]", "48 → 128 channels"],
      ["conv2 [2/2]", "48 → 128 channels"],
    ],
  );
  assert.equal(g.nodes.find((n) => n.id.endsWith("_split") && n.layer === "conv2")!.lines, [
    "conv2",
    "conv 256, kernel 5, stride 1, padding 2",
    "split into 2 groups",
  ]);
  const into = g.edges.filter((e) => branches.some((b) => b.id === e.to)).map((e) => e.label);
  const out = g.edges.filter((e) => branches.some((b) => b.id === e.from)).map((e) => e.label);
  assert.equal(into, ["48×27×27", "48×27×27"]);
  assert.equal(out, ["128×27×27", "128×27×27"]);
  // 8 groups: the first two, a fold for the middle ones, and the last.
  const conv5 = g.nodes.filter((n) => n.layer === "conv5" && n.id.includes("_g"));
  assert.is(conv5.length, MAX_BRANCHES_SHOWN);
  assert.equal(
    conv5.map((n) => n.lines[0]),
    ["conv5 [1/8]", "conv5 [2/8]", "⋯", "conv5 [8/8]"],
  );
  assert.equal(conv5[2]!.lines[1], "5 more groups");
});

test("labels are escaped for DOT and Mermaid", () => {
  assert.is(dotString(['a "quoted" \\ name', "line"]), '"a \\"quoted\\" \\\\ name\\nline"');
  assert.is(mermaidText(['say "hi" <b> & #1']), '"say #quot;hi#quot; #lt;b#gt; #amp; #35;1"');
  const r = viz.render(`digraph { a [label=${dotString(['x"}{<y>\\'])}] }`, { format: "svg" });
  assert.is(r.status, "success");
});

test("alexc graph: DOT on stdout, Mermaid and SVG to files; refuses a spec with errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "alexc-graph-"));
  try {
    const dot = runCli(["graph", "specs/alexnet.anet"]);
    assert.is(dot.status, 0, dot.stderr);
    assert.is(dot.stdout, readFileSync(join(FIXTURES, "graph", "alexnet.dot"), "utf8"));
    const svg = runCli(["graph", "specs/alexnet.anet", "--format", "svg", "-o", join(dir, "a.svg")]);
    assert.is(svg.status, 0, svg.stderr);
    assert.match(readFileSync(join(dir, "a.svg"), "utf8"), /^<\?xml[\s\S]*<svg[\s\S]*features\.12[\s\S]*<\/svg>\n?$/);
    const mmd = runCli(["graph", "specs/alexnet.anet", "-f", "mermaid", "-o", join(dir, "a.mmd")]);
    assert.is(mmd.status, 0);
    assert.is(readFileSync(join(dir, "a.mmd"), "utf8"), readFileSync(join(FIXTURES, "graph", "alexnet.mmd"), "utf8"));
    const bad = runCli(["graph", "test/fixtures/diagnostics/dense-in-mismatch.anet", "-o", join(dir, "bad.dot")]);
    assert.is(bad.status, 1);
    assert.match(bad.stderr, /nothing written/);
    assert.throws(() => readFileSync(join(dir, "bad.dot")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
