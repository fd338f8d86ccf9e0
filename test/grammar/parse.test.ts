import { describe, expect, it } from 'vitest';
import type { Program, Statement } from '../../grammar/index.js';
import { parse } from '../../grammar/index.js';

function statements(src: string): Statement[] {
  const r = parse(src, 'x.mfx');
  expect(r.diagnostics).toEqual([]);
  return r.ast.statements;
}

function only(src: string): Statement {
  const s = statements(src);
  expect(s).toHaveLength(1);
  return s[0];
}

function errorCodes(src: string): string[] {
  return parse(src, 'x.mfx').diagnostics.map((d) => d.code);
}

describe('parse: the one-liner', () => {
  it('parses the card line verbatim into six steps', () => {
    const s = statements('pretrain 10; freeze conv*; invert relu6; reset fc*; train 20; eval pmnist.*');
    expect(s.map((x) => x.kind)).toEqual(['train', 'freeze', 'invert', 'reset', 'train', 'eval']);
    expect(s[0]).toMatchObject({ kind: 'train', pretrain: true, epochs: { value: 10 } });
    expect(s[1]).toMatchObject({ selectors: [{ text: 'conv*' }] });
    expect(s[2]).toMatchObject({ activation: { text: 'relu6' } });
    expect(s[5]).toMatchObject({ testSets: [{ text: 'pmnist.*' }], label: null });
  });

  it('gives every node a span that points at its text', () => {
    const src = 'pretrain 10; freeze conv*';
    const [pre, freeze] = statements(src);
    expect(src.slice(pre.span.offset, pre.span.offset + pre.span.length)).toBe('pretrain 10');
    expect(freeze.span).toMatchObject({ line: 1, column: 14, endLine: 1 });
    if (freeze.kind !== 'freeze') throw new Error();
    expect(freeze.selectors[0].span).toMatchObject({ offset: 20, length: 5 });
  });
});

describe('parse: separators and comments', () => {
  it('accepts newlines, semicolons, blank lines and CRLF alike', () => {
    expect(statements('train 1\n\n;;train 2;\r\ntrain 3\n')).toHaveLength(3);
  });

  it('keeps comments on a side channel', () => {
    const r = parse('# head\ntrain 1  # tail\n', 'x.mfx');
    expect(r.ast.statements).toHaveLength(1);
    expect(r.ast.comments.map((c) => c.text)).toEqual([' head', ' tail']);
  });

  it('parses an empty file and a comment-only file', () => {
    expect(statements('')).toEqual([]);
    expect(statements('# nothing\n')).toEqual([]);
  });
});

describe('parse: settings', () => {
  it.each([
    ['experiment "a \\"quoted\\" title"', { kind: 'experiment', title: { value: 'a "quoted" title' } }],
    ['dataset mnist', { kind: 'dataset', name: { text: 'mnist' }, dir: null }],
    ['dataset fashion-mnist "/data/f"', { kind: 'dataset', name: { text: 'fashion-mnist' }, dir: { value: '/data/f' } }],
    ['dataset idx "digits"', { kind: 'dataset', name: { text: 'idx' }, dir: { value: 'digits' } }],
    ['model reference', { kind: 'model-ref', name: { text: 'reference' } }],
    ['optimizer sgd lr 0.01 momentum 0.5', { kind: 'optimizer', name: { text: 'sgd' }, options: [{ name: { text: 'lr' }, value: { value: 0.01 } }, { name: { text: 'momentum' }, value: { value: 0.5 } }] }],
    ['optimizer adam lr 1e-3', { kind: 'optimizer', name: { text: 'adam' }, options: [{ value: { value: 0.001, raw: '1e-3' } }] }],
    ['batch 64', { kind: 'batch', value: { value: 64 } }],
    ['seed 7', { kind: 'seed', value: { value: 7 } }],
    ['repeat 5', { kind: 'repeat', value: { value: 5 } }],
    ['baseline normal', { kind: 'baseline', arm: { text: 'normal' } }],
  ])('%s', (src, expected) => {
    expect(only(src)).toMatchObject(expected);
  });
});

describe('parse: steps', () => {
  it.each([
    ['train 20 alternate', { kind: 'train', pretrain: false, alternate: true, epochs: { value: 20 } }],
    ['freeze conv*.weight, fc1.bias', { kind: 'freeze', selectors: [{ text: 'conv*.weight' }, { text: 'fc1.bias' }] }],
    ['unfreeze fc?', { kind: 'unfreeze', selectors: [{ text: 'fc?' }] }],
    ['reset *', { kind: 'reset', selectors: [{ text: '*' }] }],
    ['invert off', { kind: 'invert', activation: { text: 'off' } }],
    ['lr 0.001', { kind: 'lr', value: { value: 0.001 }, selectors: [] }],
    ['lr 0.001 for conv*', { kind: 'lr', selectors: [{ text: 'conv*' }] }],
    ['eval pmnist.*, pmnist-fill.noise as after', { kind: 'eval', testSets: [{ text: 'pmnist.*' }, { text: 'pmnist-fill.noise' }], label: { text: 'after' } }],
    ['save "weights/a.bin"', { kind: 'save', path: { value: 'weights/a.bin' } }],
    ['load "../pre.bin"', { kind: 'load', path: { value: '../pre.bin' } }],
  ])('%s', (src, expected) => {
    expect(only(src)).toMatchObject(expected);
  });
});

describe('parse: arms and model blocks', () => {
  it('parses arms on one line and over several lines, any word as a name', () => {
    const s = statements('arm baseline { train 20 }\narm hybrid-nr {\n  pretrain 10\n  train 10\n}');
    expect(s).toMatchObject([
      { kind: 'arm', name: { text: 'baseline' }, body: [{ kind: 'train' }] },
      { kind: 'arm', name: { text: 'hybrid-nr' }, body: [{ kind: 'train', pretrain: true }, { kind: 'train' }] },
    ]);
  });

  it('parses every layer form in a model block', () => {
    const m = only(`model {
      conv1: conv 10 5x5
      c2: conv 8 3 stride 2 padding same
      pool 2
      relu; relu6; sigmoid; tanh
      dropout2d 0.5
      flatten
      fc1: dense 50
      dropout 0.25
      fc2: dense 10
    }`);
    if (m.kind !== 'model-block') throw new Error(m.kind);
    expect(m.layers.map((l) => l.kind)).toEqual(['conv', 'conv', 'pool', 'activation', 'activation', 'activation', 'activation', 'dropout2d', 'flatten', 'dense', 'dropout', 'dense']);
    expect(m.layers[0]).toMatchObject({ name: { text: 'conv1' }, filters: { value: 10 }, kernel: { kind: 'size', height: 5, width: 5 } });
    expect(m.layers[1]).toMatchObject({ kernel: { kind: 'number', value: 3 }, stride: { value: 2 }, padding: { text: 'same' } });
  });
});

describe('parse: errors', () => {
  it('reports three mistakes as three errors in one pass', () => {
    const r = parse('frez conv*\ntrain\neval pmnist.* as\n', 'x.mfx');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MFX1003', 'MFX1004', 'MFX1004']);
  });

  it('suggests the nearest keyword for an unknown statement', () => {
    const [d] = parse('pretrian 10', 'x.mfx').diagnostics;
    expect(d).toMatchObject({ code: 'MFX1003', offset: 0, length: 8, hint: 'did you mean `pretrain`?' });
  });

  it('says where layers belong when one is written at top level', () => {
    expect(parse('flatten', 'x.mfx').diagnostics[0].hint).toMatch(/model \{/);
  });

  it.each([
    ['train 20 30', 'MFX1005'],
    ['train fast', 'MFX1006'],
    ['experiment "title', 'MFX1002'],
    ['train 1 @', 'MFX1001'],
    ['arm a { train 1', 'MFX1007'],
    ['train 1\n}', 'MFX1008'],
    ['10 train', 'MFX1009'],
    ['train 1 { }', 'MFX1010'],
    ['arm a', 'MFX1011'],
    ['model { conv1: convolution 10 5x5 }', 'MFX1012'],
    ['arm a { arm b { train 1 } }', 'MFX1014'],
  ])('%s → %s', (src, code) => {
    expect(errorCodes(src)).toContain(code);
  });

  it('keeps the good statements around a bad one', () => {
    const r = parse('train 1\nfrez x\ntrain 2', 'x.mfx');
    expect(r.ast.statements).toHaveLength(2);
  });

  it('never throws, and every range lies inside the input', () => {
    for (const src of ['{{{{', '}}}}', '"', 'arm { } }', 'model { conv1: }', ':::', 'eval ,', 'arm a {\n model {', '\u0000\u00ff']) {
      const r: { ast: Program; diagnostics: { offset: number; length: number }[] } = parse(src, 'x.mfx');
      expect(r.diagnostics.length).toBeGreaterThan(0);
      for (const d of r.diagnostics) {
        expect(d.offset).toBeGreaterThanOrEqual(0);
        expect(d.offset + d.length).toBeLessThanOrEqual(src.length);
      }
    }
  });
});

describe('parse: names', () => {
  it.each([
    ['arm hybrid* { train 1 }', 'hybrid*'],
    ['baseline a.b', 'a.b'],
    ['model {\n  conv.1: conv 4 5x5\n}', 'conv.1'],
    ['train 1; eval pmnist.* as fin?', 'fin?'],
  ])('rejects a glob or dotted word where a name belongs: %s', (src, word) => {
    const [d] = parse(src, 'x.mfx').diagnostics;
    expect(d.code).toBe('MFX1006');
    expect(src.slice(d.offset, d.offset + d.length)).toBe(word);
  });

  it('reads sweeps and placeholders, the latter only in arms and arm names', () => {
    const ok = parse('sweep act in [relu6, tanh]\nsweep rate in [0.01, 1e-3]\narm h-$act-$rate { invert $act; lr $rate for conv$n*; train $n; eval pmnist.* as at-$act }', 'x.mfx');
    expect(ok.diagnostics).toEqual([]);
    const [act, rate, arm] = ok.ast.statements;
    expect(act).toMatchObject({ kind: 'sweep', name: { text: 'act' }, values: [{ kind: 'name', text: 'relu6' }, { kind: 'name', text: 'tanh' }] });
    expect(rate).toMatchObject({ kind: 'sweep', values: [{ kind: 'number', value: 0.01 }, { kind: 'number', raw: '1e-3' }] });
    expect(arm).toMatchObject({ kind: 'arm', name: { text: 'h-$act-$rate' } });
    const body = arm.kind === 'arm' ? arm.body : [];
    expect(body[1]).toMatchObject({ kind: 'lr', value: { raw: '$rate' }, selectors: [{ text: 'conv$n*' }] });
    expect(body[2]).toMatchObject({ kind: 'train', epochs: { raw: '$n' } });
    expect(Number.isNaN(body[2].kind === 'train' ? body[2].epochs.value : 0)).toBe(true);
    // outside arms a placeholder is an argument of the wrong kind
    for (const src of ['train $n', 'invert $act', 'freeze conv$n', 'batch $b', 'sweep a in [$b]']) expect(errorCodes(src)).toEqual(['MFX1006']);
    // sweep names have no `-`; the list needs `in`, brackets and at least one value
    expect(errorCodes('sweep a-b in [1]')).toEqual(['MFX1006']);
    expect(errorCodes('sweep a [1]')).toEqual(['MFX1006']);
    expect(errorCodes('sweep a in []')).toEqual(['MFX1006']);
    expect(errorCodes('sweep a in [1, 2')).toEqual(['MFX1004']);
    expect(errorCodes('sweep a in')).toEqual(['MFX1004']);
  });

  it('reserves the planned forms with a not-supported-yet error', () => {
    expect(errorCodes('combine sum')).toEqual(['MFX1015']);
    expect(errorCodes('model {\n  batchnorm\n}')).toEqual(['MFX1015']);
  });
});

describe('parse: heads', () => {
  it('reads `head NAME` and `on` after train, invert and eval', () => {
    const s = statements('head missing; invert relu on missing; train 10 on main + missing; train 2 alternate on main; eval pmnist.* as sum on main+missing; eval pmnist.* on missing');
    expect(s[0]).toMatchObject({ kind: 'head', name: { text: 'missing' } });
    expect(s[1]).toMatchObject({ kind: 'invert', activation: { text: 'relu' }, on: { text: 'missing' } });
    expect(s[2]).toMatchObject({ kind: 'train', alternate: false, on: { kind: 'head-expr', heads: [{ text: 'main' }, { text: 'missing' }] } });
    expect(s[3]).toMatchObject({ kind: 'train', alternate: true, on: { heads: [{ text: 'main' }] } });
    expect(s[4]).toMatchObject({ kind: 'eval', label: { text: 'sum' }, on: { heads: [{ text: 'main' }, { text: 'missing' }] } });
    expect(s[5]).toMatchObject({ kind: 'eval', label: null, on: { heads: [{ text: 'missing' }] } });
  });

  it('leaves `on` null where it is not written (first-wave forms are unchanged)', () => {
    const s = statements('train 1; invert relu6; eval pmnist.* as x; pretrain 2');
    expect(s.map((x) => ('on' in x ? x.on : 'none'))).toEqual([null, null, null, null]);
  });

  it('gives the head expression a span from its first to its last name', () => {
    const src = 'train 1 on main +  missing';
    const [t] = statements(src);
    if (t.kind !== 'train' || !t.on) throw new Error();
    expect(src.slice(t.on.span.offset, t.on.span.offset + t.on.span.length)).toBe('main +  missing');
  });

  it('reads a head parameter selector with two dots as one glob', () => {
    expect(only('freeze missing.fc1.weight, missing.*')).toMatchObject({ selectors: [{ text: 'missing.fc1.weight' }, { text: 'missing.*' }] });
  });

  it('rejects malformed head forms with the usual argument errors', () => {
    expect(errorCodes('head')).toEqual(['MFX1004']);
    expect(errorCodes('head a b')).toEqual(['MFX1005']);
    expect(errorCodes('head missing.fc1')).toEqual(['MFX1006']);
    expect(errorCodes('train 1 on')).toEqual(['MFX1004']);
    expect(errorCodes('train 1 on main +')).toEqual(['MFX1004']);
    expect(errorCodes('train 1 on main missing')).toEqual(['MFX1005']);
    expect(errorCodes('train 1 on main + *')).toEqual(['MFX1006']);
    expect(errorCodes('pretrain 1 on main')).toEqual(['MFX1005']);
    expect(errorCodes('invert relu on main + missing')).toEqual(['MFX1005']);
    expect(errorCodes('eval pmnist.* on main as x')).toEqual(['MFX1005']);
    expect(errorCodes('+ train 1')).toEqual(['MFX1009']);
    expect(errorCodes('head $h')).toEqual(['MFX1006']); // placeholders only in arms
  });
});
