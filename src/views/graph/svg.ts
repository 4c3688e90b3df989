/**
 * SVG from DOT, rendered in-process by Graphviz compiled to WebAssembly (@viz-js/viz): no system
 * Graphviz needed. Loaded only by the commands that draw.
 */
import { instance } from "@viz-js/viz";

/**
 * Nodes the built-in Graphviz is asked to lay out at most. Its layout is recursive and superlinear:
 * a 12,000-node chain takes 7 s and 15,000 overflow its stack; 4,000 layers in 1,000 blocks take
 * 15 s and 8,000 in 2,000 blocks over 120 s (measured on the 2-core CI machine). Above this the
 * DOT text (linear, any size) is the way: `alexc graph --format dot | dot -Tsvg`.
 */
const MAX_DRAWN_NODES = 2000;

/** Why a graph is not drawn in-process, or undefined when it is. */
export function tooLargeToDraw(nodes: number): string | undefined {
  if (nodes <= MAX_DRAWN_NODES) return undefined;
  return `the diagram has ${nodes.toLocaleString("en-US")} nodes, more than the ${MAX_DRAWN_NODES.toLocaleString("en-US")} the built-in Graphviz draws in bounded time`;
}

export async function dotToSvg(dot: string): Promise<string> {
  const viz = await instance();
  return viz.renderString(dot, { format: "svg" });
}
