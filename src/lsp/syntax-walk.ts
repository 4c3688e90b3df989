/**
 * Walks the syntax tree for the editor: layers in order, every place a parameter's name is written,
 * and what stands at an offset. Reads node shapes only, never layer kind names.
 */
import type { BlockNode, Expr, LayerNode, SpecNode, Span, Value } from "../syntax/ast.js";

export interface LayerAt {
  layer: LayerNode;
  block?: BlockNode;
}

export function layersOf(spec: SpecNode): LayerAt[] {
  return spec.body.flatMap((item) => (item.kind === "block" ? item.layers.map((layer) => ({ layer, block: item })) : [{ layer: item }]));
}

/** A name as written: a parameter's declaration, a use in an expression, or a variant/matrix setting of it. */
export interface NameSite {
  name: string;
  span: Span;
  role: "declaration" | "use" | "setting";
}

function valueNames(v: Value, out: NameSite[]): void {
  switch (v.kind) {
    case "name":
      out.push({ name: v.name, span: v.span, role: "use" });
      return;
    case "call":
      for (const a of v.args) valueNames(a.value, out);
      return;
    case "negate":
      valueNames(v.operand, out);
      return;
    case "binary":
      valueNames(v.left, out);
      valueNames(v.right, out);
      return;
    case "dims":
    case "list":
      for (const item of v.items) valueNames(item, out);
      return;
    case "arrow":
      valueNames(v.from, out);
      valueNames(v.to, out);
      return;
    case "record":
      for (const e of v.entries) valueNames(e.value, out);
      return;
    default:
      return;
  }
}

/**
 * Every place a name that can denote a parameter is written. Section settings' values are included
 * (`batch = size`), their keys are not (`batch` is the setting); the `matrix` section's keys are
 * parameters, as are a variant's.
 */
function nameSites(spec: SpecNode): NameSite[] {
  const out: NameSite[] = [];
  for (const p of spec.params) {
    out.push({ name: p.name, span: p.nameSpan, role: "declaration" });
    valueNames(p.value, out);
    for (const b of p.bounds) valueNames(b.limit as Expr, out);
  }
  for (const i of spec.inputs) valueNames(i.value, out);
  for (const { layer } of layersOf(spec)) for (const a of layer.args) valueNames(a.value, out);
  for (const s of spec.sections)
    for (const set of s.settings) {
      if (s.name === "matrix") out.push({ name: set.name, span: set.nameSpan, role: "setting" });
      valueNames(set.value, out);
    }
  for (const v of spec.variants) {
    for (const set of v.settings) {
      out.push({ name: set.name, span: set.nameSpan, role: "setting" });
      valueNames(set.value, out);
    }
    for (const i of v.inputs) valueNames(i.value, out);
  }
  return out;
}

export const contains = (span: Span, offset: number): boolean => offset >= span.start && offset <= span.end;

/** The parameter name written at `offset`, with every site of it, if one is declared. */
export function paramAt(spec: SpecNode, offset: number): { name: string; sites: NameSite[] } | undefined {
  const sites = nameSites(spec);
  const hit = sites.find((s) => contains(s.span, offset));
  if (!hit || !spec.params.some((p) => p.name === hit.name)) return undefined;
  return { name: hit.name, sites: sites.filter((s) => s.name === hit.name) };
}

export function layerAt(spec: SpecNode, offset: number): LayerAt | undefined {
  return layersOf(spec).find(({ layer }) => contains(layer.span, offset));
}
