/** Mermaid flowchart for a model graph: the same nodes, edges and clusters as the DOT rendering. */
import { PALETTE } from "./dot.js";
import type { Graph, NodeRole } from "./model.js";

/** Text for a quoted Mermaid label: quotes and angle brackets become entity codes, lines `<br/>`. */
export function mermaidText(lines: string[]): string {
  const escape = (s: string): string =>
    s.replace(/[\r\n]/g, " ").replace(/[#"<>&]/g, (c) => ({ "#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;" })[c]!);
  return `"${lines.map(escape).join("<br/>")}"`;
}

export function toMermaid(graph: Graph): string {
  const out = ["flowchart TB"];
  const clustered = new Set(graph.clusters.flatMap((c) => c.nodes));
  const node = (id: string, indent: string): string => {
    const n = graph.nodes.find((x) => x.id === id)!;
    return `${indent}${id}[${mermaidText(n.lines)}]`;
  };
  for (const n of graph.nodes) if (!clustered.has(n.id)) out.push(node(n.id, "  "));
  for (const [i, c] of graph.clusters.entries()) {
    out.push(`  subgraph cluster_${i} [${mermaidText([c.name])}]`);
    for (const id of c.nodes) out.push(node(id, "    "));
    out.push("  end");
  }
  for (const e of graph.edges) out.push(`  ${e.from} -->|${mermaidText([e.label])}| ${e.to}`);
  const roles = [...new Set(graph.nodes.map((n) => n.role))] as NodeRole[];
  for (const role of roles) {
    out.push(`  classDef ${role} fill:${PALETTE[role].fill},stroke:${PALETTE[role].stroke}`);
    out.push(
      `  class ${graph.nodes
        .filter((n) => n.role === role)
        .map((n) => n.id)
        .join(",")} ${role}`,
    );
  }
  return out.join("\n") + "\n";
}
