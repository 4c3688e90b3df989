/**
 * The VS Code client: starts the alexc language server over stdio and hands it the settings. The
 * server does the work (diagnostics, inlay shapes, hover, completion, fixes, the variant code lens);
 * this file finds it and adds one command, a quick pick of the spec's variants.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The setting, else the workspace's own alexc (the version its specs are checked with), else `alexc-lsp` on PATH. */
function serverOptions(): ServerOptions {
  const configured = vscode.workspace.getConfiguration("alexc").get<string>("serverPath", "");
  if (configured) return { command: configured, args: [], transport: TransportKind.stdio };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const cli = join(folder.uri.fsPath, "node_modules", "alexc", "dist", "cli", "alexc.cjs");
    if (existsSync(cli))
      return {
        command: process.execPath,
        args: [cli, "lsp"],
        transport: TransportKind.stdio,
        options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } },
      };
  }
  return { command: "alexc-lsp", args: [], transport: TransportKind.stdio };
}

function settings(): { variant: string; debounceMs: number } {
  const c = vscode.workspace.getConfiguration("alexc");
  return { variant: c.get<string>("variant", ""), debounceMs: c.get<number>("debounceMs", 150) };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "anet" }],
    initializationOptions: settings(),
    synchronize: { configurationSection: "alexc" },
  };
  client = new LanguageClient("alexc", "alexc language server", serverOptions(), clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("alexc.pickVariant", async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.document.languageId !== "anet") return;
      const names = [...editor.document.getText().matchAll(/\bvariant\s+([A-Za-z_]\w*)/g)].map((m) => m[1]!);
      const picked = await vscode.window.showQuickPick(["(base model)", ...names], { placeHolder: "Show the shapes of…" });
      if (picked === undefined) return;
      await vscode.workspace
        .getConfiguration("alexc")
        .update("variant", picked === "(base model)" ? "" : picked, vscode.ConfigurationTarget.Workspace);
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
