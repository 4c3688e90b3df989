/**
 * Completion from the text before the cursor, so it works in half-typed specs that do not parse:
 * the lexer's tokens give the enclosing braces and parentheses. Offers layer kinds and keywords at
 * the start of a statement, a kind's argument names with their defaults inside its parentheses,
 * section keys and the functions a setting may name, parameter names in expressions, and in a
 * variant the parameters it may set. Everything comes from the layer table and the section tables.
 */
import type { CompletionItem } from "vscode-languageserver";
import { AnetLexer, type IToken } from "../../grammar/tokens.js";
import { layerKinds } from "../layers/index.js";
import type { ArgSpec } from "../layers/kind.js";
import { sectionKeys } from "../resolve/sections.js";

/** LSP's CompletionItemKind values. */
const KIND = { function: 3, field: 5, variable: 6, property: 10, keyword: 14 } as const;

/** Statements of a model body; the sections are the section table's names plus `matrix`. */
const MODEL_KEYWORDS = ["param", "input", "block", "variant"];

interface Frame {
  open: "{" | "(";
  /** The words before it: `block features {` → ["block", "features"]; `f(` → ["f"]. */
  head: string[];
}

/** The open braces and parentheses at the end of `tokens`, innermost last. */
function frames(tokens: IToken[]): Frame[] {
  const stack: Frame[] = [];
  tokens.forEach((t, i) => {
    const image = t.image;
    if (image === "{" || image === "(") {
      const head: string[] = [];
      for (let j = i - 1; j >= 0 && head.length < 2 && /^[A-Za-z_]/.test(tokens[j]!.image); j--) head.unshift(tokens[j]!.image);
      stack.push({ open: image, head });
    } else if (image === "}" || image === ")") {
      const want = image === "}" ? "{" : "(";
      while (stack.length && stack[stack.length - 1]!.open !== want) stack.pop();
      stack.pop();
    }
  });
  return stack;
}

function formatDefault(a: ArgSpec): string {
  if (a.defaultText) return a.defaultText;
  if (a.default === undefined) return "required";
  if (typeof a.default === "function") return "computed";
  const flat = Array.isArray(a.default) ? (a.default.flat(2) as unknown[]) : [a.default];
  return flat.every((v) => v === flat[0]) ? String(flat[0]) : JSON.stringify(a.default);
}

export function completions(text: string, offset: number): CompletionItem[] {
  // Declared parameters, read from the text so a spec that does not parse still offers them.
  const params = [...new Set([...text.matchAll(/\bparam\s+([A-Za-z_]\w*)/g)].map((m) => m[1]!))];
  const lexed = AnetLexer.tokenize(text.slice(0, offset));
  const comments = (lexed.groups["comments"] as IToken[] | undefined) ?? [];
  const lastComment = comments[comments.length - 1];
  if (lastComment && lastComment.startOffset + lastComment.image.length >= offset) return [];
  const tokens = lexed.tokens;
  // The word being typed is replaced by the completion, so look at what comes before it.
  const end = tokens[tokens.length - 1];
  const typing = end && end.startOffset + end.image.length === offset && /^[A-Za-z_]/.test(end.image);
  const before = typing ? tokens.slice(0, -1) : tokens;
  const prev = before[before.length - 1];
  const stack = frames(before);
  const top = stack[stack.length - 1];
  const paramItems = (): CompletionItem[] => params.map((p) => ({ label: p, kind: KIND.variable, detail: "param" }));

  if (top?.open === "(") {
    const kind = layerKinds.get(top.head[top.head.length - 1] ?? "");
    const startOfArg = !prev || prev.image === "(" || prev.image === ",";
    if (kind && startOfArg)
      return [
        ...kind.args.map((a) => ({
          label: a.name,
          kind: KIND.field,
          detail: `= ${formatDefault(a)}`,
          documentation: a.doc,
          insertText: `${a.name}=`,
        })),
        ...paramItems(),
      ];
    return paramItems();
  }
  const words = top?.head ?? [];
  const last = words[words.length - 1] ?? "";
  // `block features {`, `variant small {`, `model m {`; otherwise the word before the brace (`init {`).
  const section = words.length === 2 && ["block", "variant", "model"].includes(words[0]!) ? words[0]! : last;
  const atStatement =
    !prev || prev.image === "{" || prev.image === "}" || prev.image === ")" || prev.image === ";" || isLineStart(text, offset, prev);
  if (top && sectionKeys[section]) {
    const keys = sectionKeys[section]!;
    if (atStatement)
      return Object.keys(keys).map((k) => ({ label: k, kind: KIND.property, detail: `${section} setting`, insertText: `${k} = ` }));
    const key = before[before.length - 2];
    const table = prev?.image === "=" && key ? keys[key.image] : undefined;
    if (table && typeof table === "object")
      return Object.keys(table).map((fn) => ({ label: fn, kind: KIND.function, detail: `${key!.image}` }));
    return paramItems();
  }
  if (top && (section === "variant" || section === "matrix")) {
    if (atStatement)
      return [
        ...params.map((p) => ({ label: p, kind: KIND.variable, detail: `set param in ${section}`, insertText: `${p} = ` })),
        ...(section === "variant" ? [{ label: "input", kind: KIND.keyword }] : []),
      ];
    return paramItems();
  }
  if (top && atStatement) {
    const kinds = [...layerKinds.values()].map((k) => ({
      label: k.kind,
      kind: KIND.function,
      detail: `nn.${k.pytorch}`,
      documentation: k.doc,
    }));
    if (section === "block") return kinds;
    return [
      ...kinds,
      ...MODEL_KEYWORDS.map((k) => ({ label: k, kind: KIND.keyword })),
      ...[...Object.keys(sectionKeys), "matrix"].map((s) => ({
        label: s,
        kind: KIND.keyword,
        detail: "section",
        insertText: `${s} {\n  \n}`,
      })),
    ];
  }
  if (!top) return atStatement ? [{ label: "model", kind: KIND.keyword }] : [];
  return paramItems();
}

/** Nothing but blanks between the previous token and the cursor's line start: a new statement. */
function isLineStart(text: string, offset: number, prev: IToken): boolean {
  return /[\r\n]/.test(text.slice(prev.startOffset + prev.image.length, offset));
}
