/** Graphviz DOT for a model graph: top to bottom, blocks as clusters, colours by node role. */
import type { Graph, NodeRole } from "./model.js";

/** Fill and border per role; the same palette as the Mermaid classes and the HTML report. */
export const PALETTE: Record<NodeRole, { fill: string; stroke: string }> = {
  io: { fill: "#e5e7eb", stroke: "#6b7280" },
  conv: { fill: "#dbeafe", stroke: "#2563eb" },
  pool: { fill: "#dcfce7", stroke: "#16a34a" },
  dense: { fill: "#ffedd5", stroke: "#ea580c" },
  reshape: { fill: "#f3e8ff", stroke: "#9333ea" },
  activation: { fill: "#f9fafb", stroke: "#9ca3af" },
  norm: { fill: "#ccfbf1", stroke: "#0d9488" },
  junction: { fill: "#fef9c3", stroke: "#ca8a04" },
};

/** A DOT double-quoted string: backslashes and quotes escaped, lines joined with centred breaks. */
export function dotString(lines: string[]): string {
  return `"${lines.map((l) => l.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, " ")).join("\\n")}"`;
}

export function toDot(graph: Graph): string {
  const out = [
    `digraph ${dotString([graph.name])} {`,
    `  graph [rankdir=TB, fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=0.35];`,
    `  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, penwidth=1.2, margin="0.2,0.06"];`,
    `  edge [fontname="Helvetica", fontsize=9, color="#6b7280", fontcolor="#374151", arrowsize=0.7];`,
  ];
  const clustered = new Set(graph.clusters.flatMap((c) => c.nodes));
  const node = (id: string, indent: string): string => {
    const n = graph.nodes.find((x) => x.id === id)!;
    const { fill, stroke } = PALETTE[n.role];
    return `${indent}${id} [label=${dotString(n.lines)}, fillcolor="${fill}", color="${stroke}"];`;
  };
  for (const n of graph.nodes) if (!clustered.has(n.id)) out.push(node(n.id, "  "));
  for (const [i, c] of graph.clusters.entries()) {
    out.push(
      `  subgraph cluster_${i} {`,
      `    label=${dotString([c.name])}; style="rounded,dashed"; color="#9ca3af"; fontcolor="#374151";`,
    );
    for (const id of c.nodes) out.push(node(id, "    "));
    out.push("  }");
  }
  for (const e of graph.edges) out.push(`  ${e.from} -> ${e.to} [label=${dotString([` ${e.label}`])}];`);
  out.push("}");
  return out.join("\n") + "\n";
}
