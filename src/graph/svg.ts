/**
 * SVG from DOT, rendered in-process by Graphviz compiled to WebAssembly (@viz-js/viz): no system
 * Graphviz needed. Loaded only by the commands that draw.
 */
import { instance } from "@viz-js/viz";

export async function dotToSvg(dot: string): Promise<string> {
  const viz = await instance();
  return viz.renderString(dot, { format: "svg" });
}
