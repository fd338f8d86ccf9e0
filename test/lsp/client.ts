// A language client for the tests: spawns `mfx lsp --stdio` and talks JSON-RPC to it with
// vscode-jsonrpc, as an editor would.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ENTRY = resolve(ROOT, 'test/lsp/mfx-entry.ts');

export interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity: number;
    code: string;
    message: string;
    source?: string;
    data?: unknown;
    relatedInformation?: { location: { uri: string; range: unknown }; message: string }[];
  }[];
}

export interface TestClient {
  child: ChildProcessWithoutNullStreams;
  connection: MessageConnection;
  stderr: () => string;
  /** The next publishDiagnostics for `uri` (optionally: for this document version). */
  nextDiagnostics: (uri: string, version?: number) => Promise<PublishDiagnosticsParams>;
  exited: Promise<number | null>;
  initialize: () => Promise<{ capabilities: Record<string, unknown>; serverInfo?: { name: string } }>;
  open: (uri: string, text: string, version?: number) => void;
}

/** Starts `mfx lsp --stdio` from the sources, or with `nodeArgs` (e.g. the compiled bin/mfx.js). */
export function startClient(nodeArgs: string[] = ['--import', 'tsx', ENTRY, 'lsp', '--stdio'], env: NodeJS.ProcessEnv = process.env): TestClient {
  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, stdio: 'pipe', env });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: { uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const i = waiters.findIndex((w) => w.uri === p.uri && (w.version === undefined || w.version === p.version));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(p);
    else published.push(p);
  });
  connection.onNotification('window/logMessage', () => {});
  connection.onError(() => {});
  connection.listen();
  return {
    child,
    connection,
    stderr: () => err,
    exited,
    nextDiagnostics: (uri, version) =>
      new Promise((res) => {
        const i = published.findIndex((p) => p.uri === uri && (version === undefined || p.version === version));
        if (i >= 0) res(published.splice(i, 1)[0]);
        else waiters.push({ uri, version, resolve: res });
      }),
    initialize: async () => {
      const result = await connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
      await connection.sendNotification('initialized', {});
      return result as { capabilities: Record<string, unknown>; serverInfo?: { name: string } };
    },
    open: (uri, text, version = 1) => {
      void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'mfx', version, text } });
    },
  };
}

/** Shuts the server down the polite way and resolves to its exit code. */
export async function stopClient(c: TestClient): Promise<number | null> {
  await c.connection.sendRequest('shutdown');
  await c.connection.sendNotification('exit');
  const code = await c.exited;
  c.connection.dispose();
  return code;
}
