import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, print } from '../../grammar/index.js';
import { programText } from './program-arbitrary.js';

function fmt(src: string): string {
  const r = parse(src, 'x.mfx');
  expect(r.diagnostics).toEqual([]);
  return print(r.ast);
}

/** The AST without source positions: what must survive printing and parsing again. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'span').map(([k, v]) => [k, shape(v)]));
  }
  return value;
}

describe('print: canonical layout', () => {
  it('keeps the one-liner on one line, spacing normalised', () => {
    expect(fmt('pretrain 10 ;freeze   conv*;invert relu6; reset fc*; train 20; eval pmnist.*')).toBe(
      'pretrain 10; freeze conv*; invert relu6; reset fc*; train 20; eval pmnist.*\n',
    );
  });

  it('indents multi-line blocks by two spaces and keeps one-line blocks', () => {
    expect(fmt('arm a {\n\t\tpretrain 10\n        train 10 alternate\n}\narm  b  {train 20}')).toBe(
      'arm a {\n  pretrain 10\n  train 10 alternate\n}\narm b { train 20 }\n',
    );
  });

  it('keeps one blank line where there were several, none at the ends', () => {
    expect(fmt('\n\ntrain 1\n\n\n\ntrain 2\n\n')).toBe('train 1\n\ntrain 2\n');
  });

  it('writes lists with `, ` and strings with escapes', () => {
    expect(fmt('experiment "a \\"b\\" \\\\ c"\neval pmnist.hcut,pmnist.vcut   as  x')).toBe('experiment "a \\"b\\" \\\\ c"\neval pmnist.hcut, pmnist.vcut as x\n');
  });

  it('keeps numbers as written', () => {
    expect(fmt('optimizer adam lr 1e-3\nlr 0.0010')).toBe('optimizer adam lr 1e-3\nlr 0.0010\n');
  });

  it('formats sweeps, placeholders and `lr ... for`, keeping values as written', () => {
    expect(fmt('sweep  rate in[0.01,1e-3]\nsweep act in [ relu6 ,tanh ]\narm h-$act-$rate {invert $act;lr $rate for conv$n*,fc2;train 1}')).toBe(
      'sweep rate in [0.01, 1e-3]\nsweep act in [relu6, tanh]\narm h-$act-$rate { invert $act; lr $rate for conv$n*, fc2; train 1 }\n',
    );
  });

  it('formats model blocks one layer per line with `name: kind`', () => {
    expect(fmt('model {\nconv1 :conv 10 5x5 stride 1\n  flatten\nfc: dense 10 }')).toBe('model {\n  conv1: conv 10 5x5 stride 1\n  flatten\n  fc: dense 10\n}\n');
  });
});

describe('print: heads', () => {
  it('writes `on` after the other arguments and ` + ` between heads', () => {
    expect(fmt('head   missing\ninvert relu  on missing\ntrain 10 on main+missing\neval pmnist.* as  s on main  +missing\n')).toBe(
      'head missing\ninvert relu on missing\ntrain 10 on main + missing\neval pmnist.* as s on main + missing\n',
    );
    expect(fmt('arm s { pretrain 1; head m; train 1 alternate on m }')).toBe('arm s { pretrain 1; head m; train 1 alternate on m }\n');
  });
});

describe('print: comments survive', () => {
  it('keeps own-line and trailing comments where they were, aligning trailing ones', () => {
    const src = '# header\n\npretrain 10 # first\nfreeze conv*    # second\n\n# before arms\narm a {\n  # inside\n  train 1 # t\n  # last in block\n}\n# end\n';
    expect(fmt(src)).toBe(
      '# header\n\npretrain 10   # first\nfreeze conv*  # second\n\n# before arms\narm a {\n  # inside\n  train 1  # t\n  # last in block\n}\n# end\n',
    );
  });

  it('expands a one-line block that holds a comment', () => {
    expect(fmt('arm a { train 1 # c\n}')).toBe('arm a {\n  train 1  # c\n}\n');
  });

  it('keeps a comment in an empty block', () => {
    expect(fmt('arm a {\n# nothing yet\n}')).toBe('arm a {\n  # nothing yet\n}\n');
  });
});

describe('print: properties', () => {
  it('parse(print(ast)) equals ast (positions aside) and print is idempotent', () => {
    fc.assert(
      fc.property(programText, (src) => {
        const first = parse(src, 'x.mfx');
        expect(first.diagnostics).toEqual([]);
        const printed = print(first.ast);
        const second = parse(printed, 'x.mfx');
        expect(second.diagnostics).toEqual([]);
        expect(shape(second.ast.statements)).toEqual(shape(first.ast.statements));
        expect(second.ast.comments.map((c) => c.text.trimEnd())).toEqual(first.ast.comments.map((c) => c.text.trimEnd()));
        expect(print(second.ast)).toBe(printed);
      }),
      { numRuns: 200 },
    );
  });
});
