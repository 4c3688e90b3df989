import type { Command } from "commander";

export function registerLsp(program: Command): void {
  program
    .command("lsp")
    .description("run the language server for editors (diagnostics, shapes as inlay hints, hover, completion, fixes)")
    .option("--stdio", "talk LSP over standard input and output (the only transport, and the default)")
    .addHelpText(
      "after",
      `
Examples:
  $ alexc lsp --stdio                # what an editor runs; also installed as alexc-lsp

Editors: editors/vscode/ is the VS Code extension; docs/editors.md has Neovim and Helix settings.`,
    )
    .action(async () => {
      // vscode-languageserver loads only here, so no other command pays for it.
      const { startServer } = await import("../../lsp/server.js");
      startServer();
      // The connection keeps the process alive; it exits when the client sends `exit` or stdin closes.
      await new Promise<void>(() => {});
    });
}
