/**
 * Graphviz's SVG made fit for inlining in HTML: the `<svg>` element alone (no XML prolog, doctype or
 * comments), with its ids prefixed so several diagrams can share a page.
 */
export function inlineSvg(svg: string, idPrefix: string): string {
  const start = svg.indexOf("<svg");
  if (start < 0) throw new Error("not an SVG document");
  return svg
    .slice(start)
    .replace(/<!--[\s\S]*?-->\n?/g, "")
    .replace(/\bid="/g, `id="${idPrefix}`)
    .trim();
}
