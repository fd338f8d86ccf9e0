// The mfx extension: starts `mfx lsp --stdio` and connects VS Code to it. Highlighting
// (syntaxes/mfx.tmLanguage.json) and comment/bracket handling (language-configuration.json)
// work without the server. Plain CommonJS: no build step.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('mfx');
  const command = config.get('server.command', 'mfx');
  const args = [...config.get('server.args', []), 'lsp', '--stdio'];
  const server = { command, args, transport: TransportKind.stdio, options: { shell: process.platform === 'win32' } };
  client = new LanguageClient(
    'mfx',
    'mfx language server',
    { run: server, debug: server },
    { documentSelector: [{ language: 'mfx' }, { pattern: '**/*.mfx' }] },
  );
  context.subscriptions.push(
    vscode.commands.registerCommand('mfx.restartServer', () => client && client.restart()),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
