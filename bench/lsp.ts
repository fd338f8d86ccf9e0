// Benchmark: the language server. (1) In process: diagnostics for a 1,000-line document after
// a change (the server's analysis plus the conversion to LSP diagnostics; target <= 50 ms).
// (2) Out of process: from spawning the server to its answer to `initialize` (target <= 0.3 s)
// and to its first diagnostics, for the server module alone and for the whole `mfx lsp --stdio`
// command, from the sources (through tsx) and from the compiled build in dist/ (`npm run bench`
// builds it first), which is what the installed `mfx` runs.
// Usage: node --import tsx bench/lsp.ts [lines] [starts]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../cli/lsp/analysis.js';
import { toLspDiagnostic } from '../cli/lsp/convert.js';
import { generateProgram } from './check.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, ${xs.length} runs)`;

function diagnosticsAfterChange(lines: number): void {
  const base = generateProgram(lines);
  const actual = base.split('\n').length - 1;
  let doc = TextDocument.create('file:///bench.mfx', 'mfx', 1, base);
  const run = () => analyze(doc.getText(), '/bench.mfx').diagnostics.map((d) => toLspDiagnostic(doc, d));
  run(); // warm-up (JIT, Chevrotain's lookahead caches)
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    // An edit as typing makes it: a word changes on one line (every other one is a mistake).
    const line = 30 + i * 7;
    const change = { range: { start: { line, character: 2 }, end: { line, character: 2 } }, text: i % 2 === 0 ? 'x' : '' };
    doc = TextDocument.update(doc, [change], doc.version + 1);
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  console.log(`lsp diagnostics after a change, ${actual} lines: ${fmt(times)}`);
}

/** Milliseconds from spawn to the answer to `initialize`, and to the first diagnostics of a small file. */
async function startToReady(command: string, args: string[]): Promise<{ ready: number; diagnostics: number }> {
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready`))));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const uri = 'file:///bench/small.mfx';
  const published = new Promise<number>((res) => connection.onNotification('textDocument/publishDiagnostics', () => res(performance.now() - t0)));
  connection.listen();
  try {
    await Promise.race([connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} }), exited]);
    const ready = performance.now() - t0;
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'mfx', version: 1, text: 'pretrain 1\nfrez conv*\ntrain 1\neval pmnist.*\n' } });
    const diagnostics = await Promise.race([published, exited]);
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    await exited.catch(() => undefined);
    return { ready, diagnostics };
  } finally {
    connection.dispose();
    if (child.exitCode === null) child.kill();
  }
}

async function starts(n: number): Promise<void> {
  const serverOnly = (file: string) => `import(${JSON.stringify(file)}).then((m) => m.startServer(process.stdin, process.stdout))`;
  const variants: [string, string[]][] = [
    ['server module, sources via tsx', ['--import', 'tsx', '--input-type=module', '-e', serverOnly(resolve(ROOT, 'cli/lsp/server.ts'))]],
    ['mfx lsp --stdio, sources via tsx', ['--import', 'tsx', resolve(ROOT, 'test/lsp/mfx-entry.ts'), 'lsp', '--stdio']],
  ];
  const built = resolve(ROOT, 'dist/cli/lsp/server.js');
  if (existsSync(built)) {
    variants.push(['server module, compiled (dist/)', ['--input-type=module', '-e', serverOnly(built)]]);
    variants.push(['mfx lsp --stdio, compiled (bin/mfx.js)', [resolve(ROOT, 'bin/mfx.js'), 'lsp', '--stdio']]);
  } else {
    console.log('(no dist/: run `npm run build` first for the compiled figures)');
  }
  for (const [label, args] of variants) {
    try {
      await startToReady(process.execPath, args); // warm the file system cache and tsx's cache
      const ready: number[] = [];
      const diagnostics: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = await startToReady(process.execPath, args);
        ready.push(r.ready);
        diagnostics.push(r.diagnostics);
      }
      console.log(`lsp start to ready (initialize answered), ${label}: ${fmt(ready)}`);
      console.log(`lsp start to first diagnostics, ${label}: ${fmt(diagnostics)}`);
    } catch (err) {
      console.log(`lsp start, ${label}: failed: ${(err as Error).message}`);
    }
  }
}

diagnosticsAfterChange(Number(process.argv[2] ?? 1000));
await starts(Number(process.argv[3] ?? 5));
