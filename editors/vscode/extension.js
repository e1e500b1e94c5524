// The promokit extension: TextMate grammars (package.json) colour .promo and .promotest files;
// this client starts `promokit lsp` (pip install 'promokit[lsp]') for diagnostics as you type,
// formatting, hover, go-to-definition and completion in .promo files. The command is the
// `promokit.command` setting, so a project's virtualenv can be used.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("promokit").get("command", ["promokit", "lsp"]);
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    "promokit",
    "promokit",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "promo" }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.promo") },
    },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `promokit: could not start \`${[command, ...args].join(" ")}\` (pip install 'promokit[lsp]'): ${error.message}`,
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
