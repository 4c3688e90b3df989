/**
 * The network as a drawing: nodes (layers, with their settings), edges (labelled with the shape that
 * flows along them) and clusters (blocks). DOT, Mermaid and SVG are renderings of this one
 * structure, so they always agree.
 *
 * A layer whose arguments say `groups = g` (grouped convolution) is drawn as its g parallel branches
 * between a split and a concat, each branch with its share of the channels; beyond four branches the
 * middle ones are folded into one "⋯" node so the drawing stays readable.
 */
import type { CheckedLayer, CheckedModel } from "../../check/check.js";
import { formatShape, type NodeRole, type Shape } from "../../layers/kind.js";
import { groupThousands } from "../../util/numbers.js";

export type { NodeRole };

export interface GraphNode {
  id: string;
  /** Lines of the label: name first, then kind and settings, then params. */
  lines: string[];
  role: NodeRole;
  /** The checked layer drawn by this node, if any. */
  layer?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string;
}

export interface GraphCluster {
  name: string;
  nodes: string[];
}

export interface Graph {
  name: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  clusters: GraphCluster[];
}

export const MAX_BRANCHES_SHOWN = 4;

/** How a layer is drawn: its kind says (the layer table's `role`). */
export function roleOf(layer: CheckedLayer): NodeRole {
  return layer.resolved.kind.role;
}

/** Parallel branches of a layer: its kind's `branches` (a conv's groups) when above 1. */
function branchesOf(layer: CheckedLayer): number {
  const g = layer.resolved.kind.branches?.(layer.resolved.args);
  return typeof g === "number" && Number.isInteger(g) && g > 1 ? g : 1;
}

function settingsLine(layer: CheckedLayer): string {
  return `${layer.kind}${layer.settings ? ` ${layer.settings}` : ""}`.replace(/ -> /g, " → ");
}

function paramsLine(params: bigint): string[] {
  return params > 0n ? [`${groupThousands(params)} params`] : [];
}

/** One group's share of the channels. */
function channels(s: Shape, groups: number): number {
  return s.rank === "chw" ? s.c / groups : s.n / groups;
}

/** One group's share of a C×H×W shape. */
function share(s: Shape, groups: number): string {
  return s.rank === "chw" ? formatShape({ ...s, c: s.c / groups }) : formatShape(s);
}

export function buildGraph(checked: CheckedModel): Graph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const clusters: GraphCluster[] = [];
  // By name, so thousands of blocks stay linear.
  const byName = new Map<string, GraphCluster>();
  const clusterOf = (block: string | undefined): GraphCluster | undefined => {
    if (!block) return undefined;
    let c = byName.get(block);
    if (!c) {
      c = { name: block, nodes: [] };
      byName.set(block, c);
      clusters.push(c);
    }
    return c;
  };
  const add = (node: GraphNode, block?: string): string => {
    nodes.push(node);
    clusterOf(block)?.nodes.push(node.id);
    return node.id;
  };
  let previous = add({ id: "input", lines: ["input", formatShape(checked.input)], role: "io" });
  let shape = formatShape(checked.input);

  for (const [i, layer] of checked.layers.entries()) {
    const id = `n${i}`;
    const g = branchesOf(layer);
    if (g === 1) {
      const settings = settingsLine(layer);
      const lines = [layer.name, ...(settings === layer.name ? [] : [settings]), ...paramsLine(layer.params)];
      add({ id, lines, role: roleOf(layer), layer: layer.name }, layer.block);
      edges.push({ from: previous, to: id, label: shape });
      previous = id;
    } else {
      const split = add(
        { id: `${id}_split`, lines: [layer.name, settingsLine(layer), `split into ${g} groups`], role: "junction", layer: layer.name },
        layer.block,
      );
      edges.push({ from: previous, to: split, label: shape });
      const concat = `${id}_concat`;
      const shown = g <= MAX_BRANCHES_SHOWN ? [...Array(g).keys()] : [0, 1, -1, g - 1];
      for (const k of shown) {
        const branch = `${id}_g${k < 0 ? "more" : k + 1}`;
        const lines =
          k < 0
            ? ["⋯", `${g - 3} more groups`]
            : [
                `${layer.name} [${k + 1}/${g}]`,
                `${channels(layer.input, g)} → ${channels(layer.output, g)} channels`,
                ...paramsLine(layer.params / BigInt(g)),
              ];
        add({ id: branch, lines, role: k < 0 ? "junction" : roleOf(layer), layer: layer.name }, layer.block);
        edges.push({ from: split, to: branch, label: share(layer.input, g) });
        edges.push({ from: branch, to: concat, label: share(layer.output, g) });
      }
      add({ id: concat, lines: [`${layer.name} concat`, formatShape(layer.output)], role: "junction", layer: layer.name }, layer.block);
      previous = concat;
    }
    shape = formatShape(layer.output);
  }
  if (checked.complete) {
    add({ id: "output", lines: ["output", shape], role: "io" });
    edges.push({ from: previous, to: "output", label: shape });
  }
  return { name: checked.model.name, nodes, edges, clusters };
}
