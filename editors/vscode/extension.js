// The netspec extension: .net files get the TextMate grammar (package.json) and `netspec lsp`,
// started over stdio with the command of the `netspec.server.command` setting.
// Build and install (docs/editors.md): npm install && npx @vscode/vsce package && code --install-extension netspec-0.1.0.vsix
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("netspec").get("server.command", ["netspec", "lsp"]);
  client = new LanguageClient(
    "netspec",
    "netspec",
    { command, args },
    { documentSelector: [{ scheme: "file", language: "netspec" }, { scheme: "untitled", language: "netspec" }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
