/** Go to definition, find references and rename, for parameters (and layer names, which nothing refers to yet). */
import type { Location, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import type { Span } from "../syntax/ast.js";
import type { Analysis } from "./analysis.js";
import { toRange } from "./positions.js";
import { contains, layersOf, paramAt } from "./syntax-walk.js";

/** Where the name at `offset` is declared and every place it is written (declaration first). */
function sitesAt(a: Analysis, offset: number): { name: string; declaration: Span; all: Span[] } | undefined {
  if (!a.ast) return undefined;
  const param = paramAt(a.ast, offset);
  if (param) {
    const decl = a.ast.params.find((p) => p.name === param.name)!;
    return { name: param.name, declaration: decl.nameSpan, all: param.sites.map((s) => s.span) };
  }
  for (const { layer } of layersOf(a.ast))
    if (layer.name !== undefined && layer.nameSpan && contains(layer.nameSpan, offset))
      return { name: layer.name, declaration: layer.nameSpan, all: [layer.nameSpan] };
  return undefined;
}

export function definition(a: Analysis, uri: string, offset: number): Location | undefined {
  const s = sitesAt(a, offset);
  return s && { uri, range: toRange(a.file, s.declaration) };
}

export function references(a: Analysis, uri: string, offset: number, includeDeclaration: boolean): Location[] {
  const s = sitesAt(a, offset);
  if (!s) return [];
  return s.all
    .filter((span) => includeDeclaration || span.start !== s.declaration.start)
    .map((span) => ({ uri, range: toRange(a.file, span) }));
}

/** Parameters only: a rename touches the declaration, every use and every variant or matrix setting. */
export function prepareRename(a: Analysis, offset: number): { range: ReturnType<typeof toRange>; placeholder: string } | undefined {
  if (!a.ast) return undefined;
  const param = paramAt(a.ast, offset);
  const here = param?.sites.find((s) => contains(s.span, offset));
  return param && here ? { range: toRange(a.file, here.span), placeholder: param.name } : undefined;
}

export function rename(a: Analysis, uri: string, offset: number, newName: string): WorkspaceEdit | undefined {
  if (!a.ast || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return undefined;
  const param = paramAt(a.ast, offset);
  if (!param) return undefined;
  const edits: TextEdit[] = param.sites.map((s) => ({ range: toRange(a.file, s.span), newText: newName }));
  return { changes: { [uri]: edits } };
}
