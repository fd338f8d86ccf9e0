// `mfx lsp --stdio`: the Language Server Protocol over standard input and output. Documents
// are analysed with the parser and compiler `mfx check` uses (analysis.ts); this module only
// wires requests to the features. It loads nothing of the runtime's training stack (tfjs, Ink,
// Vega): test/lsp/imports.test.ts keeps it that way.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import {
  CodeActionKind,
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { print } from '../../grammar/index.js';
import { analyze, type Analysis } from './analysis.js';
import { quickFixes } from './code-actions.js';
import { complete } from './completion.js';
import { rangeOf, toLspDiagnostic } from './convert.js';
import { hover } from './hover.js';
import { definition, documentSymbols } from './symbols.js';

/**
 * Above this size a document is not analysed live: a 1 MB program takes seconds and hundreds
 * of megabytes to compile. Real experiments are a few hundred lines; `mfx check` still works.
 */
export const MAX_LIVE_CHARS = 256 * 1024;

function serverVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The path the compiler is told for a document URI. */
function fileOf(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

export function capabilities(): InitializeResult {
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['.', ',', ' ', ':'] },
      hoverProvider: true,
      documentFormattingProvider: true,
      documentSymbolProvider: true,
      definitionProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'mfx', version: serverVersion() },
  };
}

/** Starts the server on the given streams (stdin/stdout for `mfx lsp --stdio`). */
export function startServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Connection {
  const connection = createConnection(ProposedFeatures.all, input, output);
  // stdout carries the protocol: anything printed by a library goes to the client's log instead.
  const log = (level: 'log' | 'info' | 'warn' | 'error') => (...args: unknown[]) => connection.console[level](format(...args));
  console.log = log('log');
  console.info = log('info');
  console.debug = log('log');
  console.warn = log('warn');
  console.error = log('error');

  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, { version: number; analysis: Analysis }>();

  /** The analysis of an open document's current version; null for unknown or oversized ones. */
  function analysisOf(uri: string): { doc: TextDocument; analysis: Analysis } | null {
    const doc = documents.get(uri);
    if (!doc) return null;
    const text = doc.getText();
    if (text.length > MAX_LIVE_CHARS) return null;
    const hit = cache.get(uri);
    if (hit && hit.version === doc.version) return { doc, analysis: hit.analysis };
    const analysis = analyze(text, fileOf(uri));
    cache.set(uri, { version: doc.version, analysis });
    return { doc, analysis };
  }

  /** Request handlers never throw into the connection: a failure is logged and answered empty. */
  function safe<P, R>(what: string, fallback: R, handler: (params: P) => R): (params: P) => R {
    return (params) => {
      try {
        return handler(params);
      } catch (err) {
        connection.console.error(`mfx lsp: ${what} failed: ${(err as Error)?.stack ?? String(err)}`);
        return fallback;
      }
    };
  }

  // Changes arrive in bursts while typing: validate each document once per turn of the event
  // loop, on its latest version.
  const pending = new Set<string>();
  function schedule(uri: string): void {
    if (pending.has(uri)) return;
    pending.add(uri);
    setImmediate(() => {
      pending.delete(uri);
      safe('diagnostics', undefined, validate)(uri);
    });
  }
  function validate(uri: string): void {
    const doc = documents.get(uri);
    if (!doc) return;
    const size = doc.getText().length;
    if (size > MAX_LIVE_CHARS) {
      const message = `this file is too large to check while editing (${(size / 1024 / 1024).toFixed(1)} MiB; the limit is ${MAX_LIVE_CHARS / 1024} KiB): run \`mfx check\` on it`;
      void connection.sendDiagnostics({
        uri,
        version: doc.version,
        diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Warning, source: 'mfx', message }],
      });
      return;
    }
    const found = analysisOf(uri);
    if (!found) return;
    void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: found.analysis.diagnostics.map((d) => toLspDiagnostic(found.doc, d)) });
  }

  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onInitialize(() => capabilities());
  connection.onCompletion(
    safe('completion', [], (p) => {
      const f = analysisOf(p.textDocument.uri);
      return f ? complete(f.doc, f.analysis, f.doc.offsetAt(p.position)) : [];
    }),
  );
  connection.onHover(
    safe('hover', null, (p) => {
      const f = analysisOf(p.textDocument.uri);
      return f ? hover(f.doc, f.analysis, f.doc.offsetAt(p.position)) : null;
    }),
  );
  connection.onDocumentFormatting(
    safe('formatting', [], (p) => {
      const f = analysisOf(p.textDocument.uri);
      // Like `mfx fmt`: a file with syntax errors is left alone.
      if (!f || f.analysis.syntaxErrors) return [];
      const formatted = print(f.analysis.ast);
      if (formatted === f.analysis.text) return [];
      return [{ range: rangeOf(f.doc, { offset: 0, length: f.analysis.text.length }), newText: formatted }];
    }),
  );
  connection.onDocumentSymbol(
    safe('document symbols', [], (p) => {
      const f = analysisOf(p.textDocument.uri);
      return f ? documentSymbols(f.doc, f.analysis) : [];
    }),
  );
  connection.onDefinition(
    safe('definition', [], (p) => {
      const f = analysisOf(p.textDocument.uri);
      return f ? definition(f.doc, f.analysis, f.doc.offsetAt(p.position)) : [];
    }),
  );
  connection.onCodeAction(safe('code actions', [], (p) => (documents.get(p.textDocument.uri) ? quickFixes(p.textDocument.uri, p.context.diagnostics) : [])));

  documents.listen(connection);
  connection.listen();
  return connection;
}
