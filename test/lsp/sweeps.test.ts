// Hover and go to definition for sweeps: `$NAME` in an arm leads to its `sweep` line.
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../cli/lsp/analysis.js';
import { hover } from '../../cli/lsp/hover.js';
import { definition } from '../../cli/lsp/symbols.js';

const TEXT = ['sweep act in [relu6, tanh]', 'sweep rate in [0.01, 0.03]', 'arm hybrid-$act-$rate {', '  pretrain 1; invert $act; lr $rate; train 1', '}', 'eval pmnist.*', ''].join('\n');
const doc = TextDocument.create('file:///s.mfx', 'mfx', 1, TEXT);
const a = analyze(TEXT, '/s.mfx');
const at = (needle: string, delta = 1) => TEXT.indexOf(needle) + delta;
const hoverText = (offset: number) => {
  const h = hover(doc, a, offset);
  return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : null;
};

describe('sweeps in the editor', () => {
  it('the example compiles without diagnostics', () => {
    expect(a.diagnostics).toEqual([]);
  });

  it('hovers a placeholder with its sweep values, in steps and in arm names', () => {
    expect(hoverText(at('$act;', 2))).toContain('sweep `act` over 2 values: `relu6`, `tanh`');
    expect(hoverText(at('$rate {', 0))).toContain('sweep `rate` over 2 values: `0.01`, `0.03`');
    expect(hoverText(at('sweep rate', 7))).toContain('sweep `rate`');
    expect(hoverText(at('sweep act', 1))).toContain('expands arm templates into one arm per value');
  });

  it('goes from `$NAME` to the sweep that defines it', () => {
    expect(definition(doc, a, at('$rate;', 3))).toEqual([{ uri: doc.uri, range: { start: { line: 1, character: 6 }, end: { line: 1, character: 10 } } }]);
    expect(definition(doc, a, at('-$act-', 2))).toEqual([{ uri: doc.uri, range: { start: { line: 0, character: 6 }, end: { line: 0, character: 9 } } }]);
  });

  it('says when a placeholder names no sweep', () => {
    const text = 'arm a { invert $nope; train 1 }\n';
    const d = TextDocument.create('file:///n.mfx', 'mfx', 1, text);
    const h = hover(d, analyze(text, '/n.mfx'), text.indexOf('$nope') + 2);
    expect(h && 'value' in (h.contents as object) ? (h.contents as { value: string }).value : null).toContain('no `sweep nope in [...]`');
  });
});
