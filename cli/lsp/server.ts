// `mfx lsp --stdio`: the Language Server Protocol over standard input and output. Documents
// are analysed with the parser and compiler `mfx check` uses (analysis.ts); this module only
// wires requests to the features (features.ts, imported after `initialize` is answered). It
// loads nothing of the runtime's training stack (tfjs, Ink, Vega): test/lsp/imports.test.ts
// keeps it that way.
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
import type { Analysis } from './analysis.js';

type Features = typeof import('./features.js');

/**
 * Above this size a document is not analysed live: a 1 MB program takes seconds and hundreds
 * of megabytes to compile. Real experiments are a few hundred lines; `mfx check` still works.
 */
export const MAX_LIVE_CHARS = 256 * 1024;

function serverVersion(): string {
  // From the sources (cli/lsp/) or a compiled build (dist/cli/lsp/).
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mfx' && pkg.version) return pkg.version;
    } catch {
      // not here: try one folder up
    }
  }
  return 'unknown';
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
  let loading: Promise<Features> | undefined;
  const features = () => (loading ??= import('./features.js'));

  interface Found {
    doc: TextDocument;
    analysis: Analysis;
    f: Features;
  }

  /** The analysis of an open document's current version; null for unknown or oversized ones. */
  async function analysisOf(uri: string): Promise<Found | null> {
    const f = await features();
    const doc = documents.get(uri);
    if (!doc) return null;
    const text = doc.getText();
    if (text.length > MAX_LIVE_CHARS) return null;
    const hit = cache.get(uri);
    if (hit && hit.version === doc.version) return { doc, analysis: hit.analysis, f };
    const analysis = f.analyze(text, fileOf(uri));
    cache.set(uri, { version: doc.version, analysis });
    return { doc, analysis, f };
  }

  /** Request handlers never throw into the connection: a failure is logged and answered empty. */
  function safe<P, R>(what: string, fallback: R, handler: (params: P) => Promise<R>): (params: P) => Promise<R> {
    return async (params) => {
      try {
        return await handler(params);
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
      void safe('diagnostics', undefined, validate)(uri);
    });
  }
  async function validate(uri: string): Promise<void> {
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
    const found = await analysisOf(uri);
    if (!found) return;
    const { f, doc: at, analysis } = found;
    void connection.sendDiagnostics({ uri, version: at.version, diagnostics: analysis.diagnostics.map((d) => f.toLspDiagnostic(at, d)) });
  }

  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    cache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onInitialize(() => capabilities());
  // Load the parser and compiler now that the handshake is answered, before the first request.
  connection.onInitialized(() => void features());
  connection.onCompletion(
    safe('completion', [], async (p) => {
      const x = await analysisOf(p.textDocument.uri);
      return x ? x.f.complete(x.doc, x.analysis, x.doc.offsetAt(p.position)) : [];
    }),
  );
  connection.onHover(
    safe('hover', null, async (p) => {
      const x = await analysisOf(p.textDocument.uri);
      return x ? x.f.hover(x.doc, x.analysis, x.doc.offsetAt(p.position)) : null;
    }),
  );
  connection.onDocumentFormatting(
    safe('formatting', [], async (p) => {
      const x = await analysisOf(p.textDocument.uri);
      // Like `mfx fmt`: a file with syntax errors is left alone.
      if (!x || x.analysis.syntaxErrors) return [];
      const formatted = x.f.print(x.analysis.ast);
      if (formatted === x.analysis.text) return [];
      return [{ range: x.f.rangeOf(x.doc, { offset: 0, length: x.analysis.text.length }), newText: formatted }];
    }),
  );
  connection.onDocumentSymbol(
    safe('document symbols', [], async (p) => {
      const x = await analysisOf(p.textDocument.uri);
      return x ? x.f.documentSymbols(x.doc, x.analysis) : [];
    }),
  );
  connection.onDefinition(
    safe('definition', [], async (p) => {
      const x = await analysisOf(p.textDocument.uri);
      return x ? x.f.definition(x.doc, x.analysis, x.doc.offsetAt(p.position)) : [];
    }),
  );
  connection.onCodeAction(
    safe('code actions', [], async (p) => (documents.get(p.textDocument.uri) ? (await features()).quickFixes(p.textDocument.uri, p.context.diagnostics) : [])),
  );

  documents.listen(connection);
  connection.listen();
  return connection;
}
