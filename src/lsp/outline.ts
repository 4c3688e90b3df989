/** Document symbols (model, params, blocks, layers, sections, variants) and folding ranges. */
import type { DocumentSymbol, FoldingRange, SymbolKind } from "vscode-languageserver";
import type { IToken } from "../../grammar/tokens.js";
import type { LayerNode, Span, SpecNode } from "../syntax/ast.js";
import type { SourceFile } from "../diagnostics/source.js";
import { formatShape } from "../layers/kind.js";
import type { Analysis } from "./analysis.js";
import { toRange } from "./positions.js";

/** LSP's SymbolKind values. */
const SYMBOL = { module: 2, namespace: 3, class: 5, function: 12, variable: 13, struct: 23 } as const;

function symbol(
  file: SourceFile,
  name: string,
  kind: SymbolKind,
  span: Span,
  selection: Span,
  detail?: string,
  children?: DocumentSymbol[],
): DocumentSymbol {
  return {
    name: name || "?",
    kind,
    range: toRange(file, span),
    selectionRange: toRange(file, selection),
    ...(detail ? { detail } : {}),
    ...(children ? { children } : {}),
  };
}

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  const spec = a.ast;
  if (!spec) return [];
  const layer = (l: LayerNode): DocumentSymbol => {
    const checked = a.layers.get(l);
    const name = checked ? checked.layer.name : (l.name ?? l.layerKind);
    return symbol(
      a.file,
      name,
      SYMBOL.function,
      l.span,
      l.nameSpan ?? l.layerKindSpan,
      checked ? `${l.layerKind} → ${formatShape(checked.layer.output)}` : l.layerKind,
    );
  };
  const children: DocumentSymbol[] = [
    ...spec.params.map((p) => symbol(a.file, p.name, SYMBOL.variable, p.span, p.nameSpan, "param")),
    ...spec.body.map((item) =>
      item.kind === "block"
        ? symbol(a.file, item.name, SYMBOL.namespace, item.span, item.nameSpan, "block", item.layers.map(layer))
        : layer(item),
    ),
    ...spec.sections.map((s) => symbol(a.file, s.name, SYMBOL.struct, s.span, s.nameSpan, "section")),
    ...spec.variants.map((v) => symbol(a.file, v.name, SYMBOL.class, v.span, v.nameSpan, "variant")),
  ];
  return [symbol(a.file, spec.name, SYMBOL.module, spec.span, spec.nameSpan, "model", children)];
}

export function foldingRanges(file: SourceFile, spec: SpecNode | undefined, comments: IToken[]): FoldingRange[] {
  const out: FoldingRange[] = [];
  const fold = (span: Span, kind?: string): void => {
    const start = file.position(span.start).line - 1;
    const end = file.position(span.end).line - 1;
    if (end > start) out.push({ startLine: start, endLine: end, ...(kind ? { kind } : {}) });
  };
  if (spec) {
    fold(spec.span);
    for (const item of spec.body) if (item.kind === "block") fold(item.span);
    for (const s of spec.sections) fold(s.span);
    for (const v of spec.variants) fold(v.span);
  }
  for (const c of comments) fold({ start: c.startOffset, end: c.startOffset + c.image.length }, "comment");
  return out;
}
