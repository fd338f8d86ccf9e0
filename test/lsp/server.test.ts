// `mfx lsp --stdio` driven over standard input and output with vscode-jsonrpc, as an editor
// drives it: diagnostics on open and change, completion, hover, formatting, symbols,
// definition, quick fixes, shutdown and exit codes, and input that must not crash or hang it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, stopClient, type TestClient } from './client.js';

const URI = 'file:///work/example/two-mistakes.mfx';
// Line 2: `frez` (unknown statement), line 3: `relu7` (unknown activation).
const TWO_MISTAKES = ['experiment "two mistakes"', 'pretrain 1', 'frez conv*', 'invert relu7', 'reset fc*', 'train 1', 'eval pmnist.*', ''].join('\n');

type Pos = { line: number; character: number };
type Item = { label: string; textEdit?: { range: { start: Pos; end: Pos }; newText: string } };
const labels = (items: Item[]) => items.map((i) => i.label);

describe('mfx lsp over stdio', () => {
  let c: TestClient;
  beforeAll(() => {
    c = startClient();
  });
  afterAll(() => {
    if (c.child.exitCode === null) c.child.kill();
  });

  it('answers initialize with its capabilities', async () => {
    const result = await c.initialize();
    expect(result.serverInfo?.name).toBe('mfx');
    expect(result.capabilities).toMatchObject({
      hoverProvider: true,
      documentFormattingProvider: true,
      documentSymbolProvider: true,
      definitionProvider: true,
      completionProvider: expect.anything(),
      codeActionProvider: expect.anything(),
    });
  });

  it('publishes both mistakes of a file at their ranges, with codes and hints', async () => {
    c.open(URI, TWO_MISTAKES, 1);
    const { diagnostics, version } = await c.nextDiagnostics(URI, 1);
    expect(version).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.severity, d.range])).toEqual([
      ['MFX1003', 1, { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } }],
      ['MFX2034', 1, { start: { line: 3, character: 7 }, end: { line: 3, character: 12 } }],
    ]);
    expect(diagnostics[0].message).toContain('unknown statement `frez`');
    expect(diagnostics[0].message).toContain('did you mean `freeze`?');
    expect(diagnostics.every((d) => d.source === 'mfx')).toBe(true);
  });

  it('offers the "did you mean" replacements as quick fixes', async () => {
    const published = {
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } },
      severity: 1,
      code: 'MFX1003',
      source: 'mfx',
      message: 'unknown statement `frez`\nhint: did you mean `freeze`?',
      data: { replacement: 'freeze' },
    };
    const actions = await c.connection.sendRequest<{ title: string; kind: string; edit: { changes: Record<string, { newText: string; range: unknown }[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: published.range,
      context: { diagnostics: [published] },
    });
    expect(actions).toHaveLength(1);
    expect(actions[0].kind).toBe('quickfix');
    expect(actions[0].edit.changes[URI]).toEqual([{ range: published.range, newText: 'freeze' }]);
  });

  it('clears the diagnostics when an edit fixes the mistakes', async () => {
    void c.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [
        // Incremental edits, the later one first so the earlier range stays valid.
        { range: { start: { line: 3, character: 7 }, end: { line: 3, character: 12 } }, text: 'relu6' },
        { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } }, text: 'freeze' },
      ],
    });
    const { diagnostics, version } = await c.nextDiagnostics(URI, 2);
    expect(version).toBe(2);
    expect(diagnostics).toEqual([]);
  });

  it('reports warnings as warnings, with related information for a second location', async () => {
    const uri = 'file:///work/example/warnings.mfx';
    c.open(uri, ['seed 1', 'pretrain 1', 'invert relu', 'train 1', 'eval pmnist.*', 'seed 2', ''].join('\n'));
    const { diagnostics } = await c.nextDiagnostics(uri);
    const after = diagnostics.find((d) => d.code === 'MFX2002');
    expect(after?.severity).toBe(1);
    expect(after?.relatedInformation?.[0]).toMatchObject({ message: 'first step here', location: { uri, range: { start: { line: 1, character: 0 } } } });
    const relu = diagnostics.find((d) => d.code === 'MFX2100');
    expect(relu?.severity).toBe(2);
    expect(relu?.range.start).toEqual({ line: 2, character: 7 });
  });

  it('completes statements, activations, selectors and test sets at the cursor', async () => {
    const uri = 'file:///work/example/complete.mfx';
    const text = ['model reference', 'arm a {', '  pretrain 1', '  freeze conv', '  invert ', '  ', '}', 'eval pm', 'baseline ', ''].join('\n');
    c.open(uri, text);
    await c.nextDiagnostics(uri);
    const at = (line: number, character: number) => c.connection.sendRequest<Item[]>('textDocument/completion', { textDocument: { uri }, position: { line, character } });

    const selectors = await at(3, 13);
    expect(labels(selectors)).toEqual(expect.arrayContaining(['conv1', 'conv2', 'conv*', 'fc1', 'fc*', 'conv1.weight', 'fc2.bias']));
    // The edit replaces the word typed so far.
    expect(selectors.find((i) => i.label === 'conv*')?.textEdit?.range).toEqual({ start: { line: 3, character: 9 }, end: { line: 3, character: 13 } });

    expect(labels(await at(4, 9))).toEqual(['relu6', 'sigmoid', 'tanh', 'relu', 'off']);

    const inArm = labels(await at(5, 2));
    expect(inArm).toContain('freeze');
    expect(inArm).not.toContain('dataset');
    expect(inArm).not.toContain('arm');

    expect(labels(await at(7, 7))).toEqual(expect.arrayContaining(['pmnist.*', 'pmnist.hcut', 'pmnist-fill.*']));
    expect(labels(await at(8, 9))).toEqual(['a']);

    const top = labels(await at(0, 0));
    expect(top).toEqual(expect.arrayContaining(['experiment', 'dataset', 'model', 'arm', 'train']));
  });

  it('hovers statement docs, layer shapes, selector matches and test sets', async () => {
    const uri = 'file:///work/example/hover.mfx';
    const text = ['model {', '  conv1: conv 10 5x5', '  pool 2', '  relu', '  flatten', '  fc1: dense 10', '}', 'freeze conv*', 'train 1', 'eval pmnist.hcut', ''].join('\n');
    c.open(uri, text);
    await c.nextDiagnostics(uri);
    const hoverAt = async (line: number, character: number) =>
      (await c.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } }))?.contents.value ?? null;
    expect(await hoverAt(8, 2)).toContain('N epochs with the freezing, inversion and learning rate in force');
    const layer = await hoverAt(1, 3);
    expect(layer).toContain('28×28×1 → 24×24×10');
    expect(layer).toContain('260 parameters');
    expect(await hoverAt(7, 9)).toContain('`conv1.weight` [5, 5, 1, 10]');
    expect(await hoverAt(9, 8)).toContain('top half set to black');
    expect(await hoverAt(9, 8)).toContain('10,000 images');
  });

  it('hovers heads and head selectors, and jumps from `on NAME` to its `head` step', async () => {
    const uri = 'file:///work/example/heads.mfx';
    const text = ['pretrain 1', 'arm s {', '  head missing', '  freeze missing.fc1', '  train 1 on main + missing', '}', 'eval pmnist.hcut', ''].join('\n');
    c.open(uri, text);
    await c.nextDiagnostics(uri);
    const hoverAt = async (line: number, character: number) =>
      (await c.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } }))?.contents.value ?? null;
    expect(await hoverAt(2, 8)).toContain('head `missing`: a fresh copy of the main head (`missing.fc1`, `missing.fc2`), 16,560 parameters');
    expect(await hoverAt(4, 14)).toContain("head `main`: the model's own head");
    expect(await hoverAt(3, 12)).toContain('`missing.fc1.weight` [320, 50]');
    const defs = await c.connection.sendRequest<{ uri: string; range: { start: Pos } }[]>('textDocument/definition', { textDocument: { uri }, position: { line: 4, character: 22 } });
    expect(defs).toEqual([{ uri, range: { start: { line: 2, character: 7 }, end: { line: 2, character: 14 } } }]);
    const fromSelector = await c.connection.sendRequest<unknown[]>('textDocument/definition', { textDocument: { uri }, position: { line: 3, character: 12 } });
    expect(fromSelector).toEqual(defs);
  });

  it('formats with the mfx fmt printer, and leaves a file with syntax errors alone', async () => {
    const uri = 'file:///work/example/format.mfx';
    c.open(uri, 'pretrain   1;freeze conv*,fc1\ntrain 1\n\n\n\neval pmnist.*');
    await c.nextDiagnostics(uri);
    const options = { tabSize: 2, insertSpaces: true };
    const edits = await c.connection.sendRequest<{ newText: string }[]>('textDocument/formatting', { textDocument: { uri }, options });
    expect(edits).toHaveLength(1);
    expect(edits[0].newText).toBe('pretrain 1; freeze conv*, fc1\ntrain 1\n\neval pmnist.*\n');
    expect(await c.connection.sendRequest('textDocument/formatting', { textDocument: { uri: URI }, options })).toEqual([]);
    const broken = 'file:///work/example/broken.mfx';
    c.open(broken, 'train 1 {\n');
    await c.nextDiagnostics(broken);
    expect(await c.connection.sendRequest('textDocument/formatting', { textDocument: { uri: broken }, options })).toEqual([]);
  });

  it('lists settings, arms and steps as document symbols and jumps from baseline to the arm', async () => {
    const uri = 'file:///work/example/symbols.mfx';
    c.open(uri, ['dataset mnist', 'baseline plain', 'arm plain {', '  pretrain 1', '}', 'arm other { train 1 }', 'eval pmnist.*', ''].join('\n'));
    await c.nextDiagnostics(uri);
    const symbols = await c.connection.sendRequest<{ name: string; children?: { name: string }[] }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    expect(symbols.map((s) => s.name)).toEqual(['dataset mnist', 'baseline plain', 'plain', 'other', 'eval pmnist.*']);
    expect(symbols[2].children?.map((s) => s.name)).toEqual(['pretrain 1']);
    const defs = await c.connection.sendRequest<{ uri: string; range: { start: Pos } }[]>('textDocument/definition', { textDocument: { uri }, position: { line: 1, character: 11 } });
    expect(defs).toEqual([{ uri, range: { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } } }]);
  });

  it('answers requests for files that were never opened with empty results', async () => {
    const textDocument = { uri: 'file:///nowhere/never-opened.mfx' };
    const position = { line: 0, character: 0 };
    expect(await c.connection.sendRequest('textDocument/hover', { textDocument, position })).toBeNull();
    expect(await c.connection.sendRequest('textDocument/completion', { textDocument, position })).toEqual([]);
    expect(await c.connection.sendRequest('textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    expect(await c.connection.sendRequest('textDocument/documentSymbol', { textDocument })).toEqual([]);
    expect(await c.connection.sendRequest('textDocument/definition', { textDocument, position })).toEqual([]);
  });

  it('survives invalid UTF-8 in a message and a body that is not JSON', async () => {
    const uri = 'file:///work/example/bytes.mfx';
    const json = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'mfx', version: 1, text: 'train 1\n\u0001' } } }));
    const at = json.indexOf('\\u0001');
    const body = Buffer.concat([json.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]), json.subarray(at + '\\u0001'.length)]);
    c.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    const { diagnostics } = await c.nextDiagnostics(uri);
    expect(diagnostics.map((d) => [d.code, d.range.start])).toEqual([['MFX1001', { line: 1, character: 0 }]]);
    const garbage = Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x80]);
    c.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${garbage.length}\r\n\r\n`), garbage]));
    // Still answering.
    const hover = await c.connection.sendRequest<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    expect(hover.contents.value).toContain('train N');
  });

  it('answers a 5 MB document with one warning instead of analysing it', async () => {
    const uri = 'file:///work/example/huge.mfx';
    c.open(uri, 'train 1\n'.repeat(5 * 1024 * 128));
    const { diagnostics } = await c.nextDiagnostics(uri);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].severity).toBe(2);
    expect(diagnostics[0].message).toContain('too large to check while editing');
    expect(await c.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 0 } })).toEqual([]);
  });

  it('clears the diagnostics of a closed file and forgets it', async () => {
    const uri = 'file:///work/example/closing.mfx';
    c.open(uri, 'frez conv*\n');
    expect((await c.nextDiagnostics(uri)).diagnostics).toHaveLength(1);
    void c.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    expect((await c.nextDiagnostics(uri)).diagnostics).toEqual([]);
    expect(await c.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } })).toBeNull();
  });

  it('exits 0 after shutdown and exit, with nothing on stderr', async () => {
    expect(await stopClient(c)).toBe(0);
    expect(c.stderr()).toBe('');
  });
});

describe('mfx lsp exit codes', () => {
  const started: TestClient[] = [];
  const start = () => {
    const c = startClient();
    started.push(c);
    return c;
  };
  afterAll(() => {
    for (const c of started) if (c.child.exitCode === null) c.child.kill();
  });

  it('exits 1 on exit without shutdown', async () => {
    const c = start();
    await c.initialize();
    await c.connection.sendNotification('exit');
    expect(await c.exited).toBe(1);
    c.connection.dispose();
  });

  it('exits 1 when the client closes its end without shutdown', async () => {
    const c = start();
    await c.initialize();
    c.child.stdin.end();
    expect(await c.exited).toBe(1);
    c.connection.dispose();
  });
});
