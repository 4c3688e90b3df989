/**
 * The language server (`alexc lsp --stdio`): vscode-languageserver over standard input and output,
 * with incremental document sync. Every answer comes from one cached analysis per document version
 * and shown variant (./analysis.ts); each request handler is guarded, so a half-typed spec or a bug
 * costs one empty answer and a line in the client's log, never the server.
 */
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeLens,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { formatSource } from "../syntax/printer.js";
import { SourceFile } from "../diagnostics/source.js";
import { analyse, type Analysis } from "./analysis.js";
import { codeActions, toLspDiagnostic } from "./diagnostics.js";
import { completions } from "./completion.js";
import { hover } from "./hover.js";
import { inlayHints } from "./hints.js";
import { definition, prepareRename, references, rename } from "./navigation.js";
import { documentSymbols, foldingRanges } from "./outline.js";
import { lex, semanticTokens, TOKEN_TYPES } from "./semantic-tokens.js";
import { toOffset, toRange } from "./positions.js";

/** The code lens command that picks the variant whose shapes are shown (null: the base). */
const SHOW_VARIANT = "alexc.showVariant";

interface Settings {
  /** The variant whose shapes hints and hovers show; absent or unknown: the base model. */
  variant?: string;
  /** Quiet time after a change before diagnostics are sent. */
  debounceMs?: number;
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout)): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, { version: number; variant: string | undefined; analysis: Analysis }>();
  const picked = new Map<string, string | null>();
  const timers = new Map<string, NodeJS.Timeout>();
  let settings: Settings = {};
  let canRefreshHints = false;
  let canRefreshLenses = false;

  const variantFor = (uri: string): string | undefined => {
    const p = picked.get(uri);
    return p === null ? undefined : (p ?? settings.variant);
  };

  const analysisOf = (doc: TextDocument): Analysis => {
    const variant = variantFor(doc.uri);
    const hit = cache.get(doc.uri);
    if (hit && hit.version === doc.version && hit.variant === variant) return hit.analysis;
    const analysis = analyse(fileName(doc.uri), doc.getText(), variant);
    cache.set(doc.uri, { version: doc.version, variant, analysis });
    return analysis;
  };

  /** Runs a request; a failure is logged and answered with `fallback`, and the server goes on. */
  function guarded<P, R>(what: string, run: (p: P) => R, fallback: R): (p: P) => R {
    return (p) => {
      try {
        return run(p);
      } catch (e) {
        connection.console.error(`alexc: ${what} failed: ${(e as Error).message}`);
        return fallback;
      }
    };
  }
  /** Answers a request about an open document, guarded; `fallback` when it is not open. */
  const answer = <R>(what: string, p: { textDocument: { uri: string } }, fallback: R, run: (doc: TextDocument) => R): R =>
    guarded(
      what,
      () => {
        const doc = documents.get(p.textDocument.uri);
        return doc ? run(doc) : fallback;
      },
      fallback,
    )(undefined);

  const publish = guarded(
    "diagnostics",
    (doc: TextDocument) => {
      const a = analysisOf(doc);
      connection.sendDiagnostics({
        uri: doc.uri,
        version: doc.version,
        diagnostics: a.diagnostics().map((d) => toLspDiagnostic(d, a.file, doc.uri)),
      });
    },
    undefined,
  );
  const schedule = (doc: TextDocument, delay: number): void => {
    clearTimeout(timers.get(doc.uri));
    timers.set(
      doc.uri,
      setTimeout(() => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (current) publish(current);
      }, delay),
    );
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    settings = readSettings(params.initializationOptions);
    canRefreshHints = params.capabilities?.workspace?.inlayHint?.refreshSupport === true;
    canRefreshLenses = params.capabilities?.workspace?.codeLens?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ["(", ",", "=", " "] },
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [] }, full: true },
        codeLensProvider: {},
        executeCommandProvider: { commands: [SHOW_VARIANT] },
      },
      serverInfo: { name: "alexc" },
    };
  });

  const refreshViews = (): void => {
    if (canRefreshHints) void connection.languages.inlayHint.refresh();
    if (canRefreshLenses) void connection.sendRequest("workspace/codeLens/refresh");
  };

  connection.onDidChangeConfiguration(
    guarded(
      "configuration",
      (p: { settings: unknown }) => {
        settings = { ...settings, ...readSettings((p.settings as { alexc?: unknown } | undefined)?.alexc) };
        for (const doc of documents.all()) schedule(doc, 0);
        refreshViews();
      },
      undefined,
    ),
  );

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document, settings.debounceMs ?? 150));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    cache.delete(e.document.uri);
    picked.delete(e.document.uri);
    connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((p) =>
    answer("hover", p, null, (doc) => {
      const a = analysisOf(doc);
      return hover(a, toOffset(a.file, p.position)) ?? null;
    }),
  );
  connection.onCompletion((p) => answer("completion", p, [], (doc) => completions(doc.getText(), doc.offsetAt(p.position))));
  connection.languages.inlayHint.on((p) =>
    answer("inlay hints", p, [], (doc) => {
      const a = analysisOf(doc);
      return inlayHints(a, { start: toOffset(a.file, p.range.start), end: toOffset(a.file, p.range.end) });
    }),
  );
  connection.onCodeAction((p) => answer("code actions", p, [], (doc) => codeActions(doc.uri, p.context.diagnostics)));
  connection.onDefinition((p) =>
    answer("definition", p, null, (doc) => {
      const a = analysisOf(doc);
      return definition(a, doc.uri, toOffset(a.file, p.position)) ?? null;
    }),
  );
  connection.onReferences((p) =>
    answer("references", p, [], (doc) => {
      const a = analysisOf(doc);
      return references(a, doc.uri, toOffset(a.file, p.position), p.context.includeDeclaration);
    }),
  );
  connection.onPrepareRename((p) =>
    answer("rename", p, null, (doc) => {
      const a = analysisOf(doc);
      return prepareRename(a, toOffset(a.file, p.position)) ?? null;
    }),
  );
  connection.onRenameRequest((p) =>
    answer("rename", p, null, (doc) => {
      const a = analysisOf(doc);
      return rename(a, doc.uri, toOffset(a.file, p.position), p.newName) ?? null;
    }),
  );
  connection.onDocumentSymbol((p) => answer("symbols", p, [], (doc) => documentSymbols(analysisOf(doc))));
  connection.onFoldingRanges((p) =>
    answer("folding", p, [], (doc) => {
      const a = analysisOf(doc);
      return foldingRanges(a.file, a.ast, lex(doc.getText()).comments);
    }),
  );
  connection.onDocumentFormatting((p) =>
    answer("formatting", p, [], (doc) => {
      const text = doc.getText();
      const formatted = formatSource(text).text;
      if (formatted === undefined || formatted === text) return [];
      return [{ range: toRange(new SourceFile("", text), { start: 0, end: text.length }), newText: formatted }];
    }),
  );
  connection.languages.semanticTokens.on((p) =>
    answer("semantic tokens", p, { data: [] }, (doc) => {
      const a = analysisOf(doc);
      return { data: semanticTokens(a.file, lex(doc.getText()), a.ast) };
    }),
  );
  connection.onCodeLens((p) => answer("code lens", p, [], (doc) => variantLenses(analysisOf(doc), doc.uri)));
  connection.onExecuteCommand(
    guarded(
      "command",
      (p: { command: string; arguments?: unknown[] | undefined }) => {
        if (p.command !== SHOW_VARIANT) return null;
        const [uri, variant] = (p.arguments ?? []) as [string, string | null];
        picked.set(uri, typeof variant === "string" ? variant : null);
        const doc = documents.get(uri);
        if (doc) schedule(doc, 0);
        refreshViews();
        return variantFor(uri) ?? null;
      },
      null,
    ),
  );

  documents.listen(connection);
  connection.listen();
}

/** One lens per `variant`: show its shapes, or (on the one shown) go back to the base. */
function variantLenses(a: Analysis, uri: string): CodeLens[] {
  if (!a.ast) return [];
  return a.ast.variants.map((v) => {
    const shown = a.variant === v.name;
    return {
      range: toRange(a.file, v.nameSpan),
      command: shown
        ? { title: "shapes shown for this variant · show the base model", command: SHOW_VARIANT, arguments: [uri, null] }
        : { title: "show shapes for this variant", command: SHOW_VARIANT, arguments: [uri, v.name] },
    };
  });
}

function readSettings(raw: unknown): Settings {
  const o = (raw ?? {}) as Record<string, unknown>;
  return {
    ...(typeof o["variant"] === "string" && o["variant"] !== "" ? { variant: o["variant"] } : {}),
    ...(typeof o["debounceMs"] === "number" && o["debounceMs"] >= 0 ? { debounceMs: o["debounceMs"] } : {}),
  };
}

/** The file's name, as diagnostics would show it; only the name, so no absolute path leaks into messages. */
function fileName(uri: string): string {
  const last = uri.split("/").pop() ?? uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
