// heaplint for VS Code: starts `heaplint server` (LSP over stdio) for Python files.
// Untested here: building needs `npm install` (vscode-languageclient), and npm's registry is not
// reachable on the machine this was written on. Only the syntax is checked (`node --check`).
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

async function startClient() {
  const executable = vscode.workspace.getConfiguration("heaplint").get("path", "heaplint");
  const server = { command: executable, args: ["server"] };
  client = new LanguageClient(
    "heaplint",
    "heaplint",
    { run: server, debug: server },
    {
      // Notebook cells are not matched here (their scheme is vscode-notebook-cell): the client syncs
      // Jupyter notebooks through the server's `notebookDocumentSync` capability instead.
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "untitled", language: "python" },
      ],
    },
  );
  await client.start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("heaplint.path")) {
        await deactivate();
        await startClient();
      }
    }),
  );
  await startClient();
}

async function deactivate() {
  if (client) {
    const stopping = client;
    client = undefined;
    await stopping.stop();
  }
}

module.exports = { activate, deactivate };
