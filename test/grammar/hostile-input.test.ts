// Hostile input for the front end (issue 19): numbers that would make the compiler allocate
// without end, nesting that would exhaust the stack, files too large to be programs, control
// characters and byte-order marks. Every case must end in diagnostics, never in an exception.
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../cli/diagnostics/render.js';
import { diagnosticsToJson } from '../../cli/diagnostics/json.js';
import { compile, DIAGNOSTIC_CATALOGUE, parse, print } from '../../compiler/index.js';
import { checkArmCount, estimateMemoryBytes, LIMITS } from '../../compiler/limits.js';
import { MAX_DIAGNOSTICS, MAX_NESTING, MAX_SOURCE_CHARS, MAX_TOKENS } from '../../grammar/index.js';

const codes = (text: string) => compile(text, 'h.mfx').diagnostics.map((d) => d.code);
const C = DIAGNOSTIC_CATALOGUE;

describe('bounds checked by the compiler (points 1 and 7)', () => {
  it('rejects `repeat 1e9` with a diagnostic instead of listing a billion seeds', () => {
    const r = compile('repeat 1e9\ntrain 1\neval pmnist.*\n', 'h.mfx');
    expect(r.plan).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual([C.overLimit.code]);
  });

  it('rejects repeat, epochs, batch and widths above their bounds, and accepts them at the bound', () => {
    expect(codes(`repeat ${LIMITS.repeat + 1}; train 1; eval pmnist.*`)).toContain(C.overLimit.code);
    expect(codes(`train ${LIMITS.epochs + 1}; eval pmnist.*`)).toContain(C.overLimit.code);
    expect(codes(`batch ${LIMITS.batch + 1}; train 1; eval pmnist.*`)).toContain(C.overLimit.code);
    expect(codes(`pretrain 1e300; eval pmnist.*`)).toContain(C.overLimit.code);
    expect(codes(`model {\n c1: conv ${LIMITS.width + 1} 5x5\n relu6\n flatten\n out: dense 10\n}\ntrain 1; eval pmnist.*`)).toContain(C.overLimit.code);
    expect(codes(`repeat ${LIMITS.repeat}; train 1; eval pmnist.*`)).toEqual([]);
    expect(compile(`repeat ${LIMITS.repeat}; train 1; eval pmnist.*`, 'h.mfx').plan?.seeds).toHaveLength(LIMITS.repeat);
  });

  it('rejects a model too large for the memory a backend gives (146M parameters)', () => {
    const text = 'model {\n  c1: conv 60000 5x5\n  pool 2\n  relu6\n  flatten\n  out: dense 10\n}\ntrain 1\neval pmnist.*\n';
    expect(codes(text)).toEqual([C.modelTooLarge.code]);
    // The reference net is nowhere near the bound.
    const ref = compile('train 1; eval pmnist.*', 'h.mfx').plan!;
    expect(estimateMemoryBytes(ref.model, ref.batch)).toBeLessThan(LIMITS.memoryBytes / 20);
  });

  it('offers the arm-count bound as one call for anything that expands arms', () => {
    const diags: Parameters<typeof checkArmCount>[2] = [];
    expect(checkArmCount(LIMITS.arms, null, diags)).toBe(true);
    expect(checkArmCount(LIMITS.arms + 1, { offset: 3, length: 2 }, diags)).toBe(false);
    expect(diags.map((d) => [d.code, d.offset])).toEqual([[C.tooManyArms.code, 3]]);
  });
});

describe('no recursion depth and no work beyond the input (points 2 and 3)', () => {
  it('reports 300 unclosed `arm a {` levels instead of exhausting the stack', () => {
    const text = 'arm a {\n'.repeat(300);
    const r = compile(text, 'deep.mfx');
    expect(r.diagnostics.map((d) => d.code)).toContain(C.tooDeep.code);
    expect(() => parse('arm a {\n'.repeat(100_000))).not.toThrow();
  });

  it('reports 437 balanced levels, and prints nothing deeper than the bound', () => {
    const text = 'model {\n'.repeat(437) + '}\n'.repeat(437);
    const r = parse(text);
    expect(r.diagnostics.filter((d) => d.code === C.tooDeep.code)).toHaveLength(1);
    expect(r.diagnostics.find((d) => d.code === C.tooDeep.code)!.offset).toBe('model {\n'.length * MAX_NESTING + 'model '.length);
  });

  it('answers a file of 450,000 arms (20 MB) with one diagnostic, without parsing it', () => {
    const text = 'arm a { train 1; eval pmnist.* }\n'.repeat(Math.ceil(MAX_SOURCE_CHARS / 33) + 1);
    expect(text.length).toBeGreaterThan(MAX_SOURCE_CHARS);
    const r = compile(text, 'big.mfx');
    expect(r.diagnostics.map((d) => d.code)).toEqual([C.sourceTooLarge.code]);
  });

  it('answers 260,000 one-line arms (just under the size bound) with one diagnostic, without parsing them', () => {
    const text = 'arm a{}\n'.repeat(260_000);
    expect(text.length).toBeLessThan(MAX_SOURCE_CHARS);
    expect(compile(text, 'tiny-arms.mfx').diagnostics.map((d) => d.code)).toEqual([C.tooManyTokens.code]);
    expect(compile('train 1\n'.repeat(MAX_TOKENS / 3 + 1), 'steps.mfx').diagnostics.map((d) => d.code)).toEqual([C.tooManyTokens.code]);
  });

  it('stops at the arm bound for a file under the size bound with more arms than that', () => {
    const text = `train 1\n${Array.from({ length: LIMITS.arms + 5 }, (_, i) => `arm a${i} {}`).join('\n')}\neval pmnist.*\n`;
    const r = compile(text, 'many.mfx');
    expect(r.diagnostics.map((d) => d.code)).toEqual([C.tooManyArms.code]);
  });

  it('keeps the first 100 diagnostics and counts the rest in one', () => {
    const r = compile('trian 1\n'.repeat(250), 'many.mfx');
    expect(r.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    const last = r.diagnostics[MAX_DIAGNOSTICS];
    expect(last.code).toBe(C.tooManyDiagnostics.code);
    expect(last.message).toContain('150 more');
    expect(last.severity).toBe('error');
  });

  it('gives a 2 KB binary file at most 101 diagnostics', () => {
    let x = 12345;
    const bytes = Array.from({ length: 2048 }, () => ((x = (x * 1103515245 + 12345) & 0x7fffffff), x & 0xff));
    const text = Buffer.from(bytes).toString('utf8');
    const r = compile(text, 'bin.mfx');
    expect(r.diagnostics.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS + 1);
    const out = renderDiagnostics(r.diagnostics, text, 'bin.mfx', { color: false });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});

describe('source text (points 5 and 6)', () => {
  it('accepts a leading byte-order mark, and only there', () => {
    expect(parse('\ufefftrain 1\neval pmnist.*\n').diagnostics).toEqual([]);
    expect(compile('\ufefftrain 1\neval pmnist.*\n', 'bom.mfx').plan).not.toBeNull();
    expect(parse('train 1\n\ufeffeval pmnist.*\n').diagnostics.map((d) => d.code)).toEqual([C.unexpectedCharacter.code]);
  });

  it('escapes control characters in messages, hints, source lines and JSON', () => {
    const text = 'train 1\n\u001b]0;PWNED\u0007\u001b[2J\neval pmnist.*\n';
    const r = compile(text, 'ctl.mfx');
    const rendered = renderDiagnostics(r.diagnostics, text, 'ctl.mfx', { color: false });
    expect(rendered).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(rendered).toContain('unexpected character `\\x1b`');
    expect(rendered).toContain('2 | \\x1b]0;PWNED\\x07\\x1b[2J');
    for (const d of diagnosticsToJson(r.diagnostics, text, 'ctl.mfx')) expect(`${d.message}${d.hint ?? ''}`).not.toMatch(/[\u0000-\u001f]/);
    // A bidi override or a BOM in the middle is escaped too: invisible characters never reach the terminal.
    const bidi = 'train 1 \u202e\n';
    expect(renderDiagnostics(compile(bidi, 'b.mfx').diagnostics, bidi, 'b.mfx', { color: false })).toContain('\\u{202e}');
  });

  it('puts the caret under the escaped character', () => {
    const text = 'train 1\u0007 2\n';
    const out = renderDiagnostics(compile(text, 'c.mfx').diagnostics, text, 'c.mfx', { color: false });
    expect(out).toContain('1 | train 1\\x07 2\n  |        ^^^^\n');
  });
});

describe('empty files and load paths (points 11 and 12)', () => {
  it('warns about an empty file', () => {
    const r = compile('', 'empty.mfx');
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([[C.emptyProgram.code, 'warning']]);
    expect(compile('# only a comment\n', 'empty.mfx').diagnostics.map((d) => d.code)).toEqual([C.emptyProgram.code]);
  });

  it('reports a `load` file that does not exist when told how to look', () => {
    const r = compile('load "missing.weights"\ntrain 1\neval pmnist.*\n', '/x/a.mfx', { fileExists: (p) => p !== '/x/missing.weights' });
    expect(r.diagnostics.map((d) => d.code)).toEqual([C.missingLoadFile.code]);
    expect(compile('load "here.weights"\ntrain 1\neval pmnist.*\n', '/x/a.mfx', { fileExists: () => true }).diagnostics).toEqual([]);
  });
});

describe('formatting keeps what was written (found by the fuzzer)', () => {
  it('prints a kernel size as written, not as 3x4e+40', () => {
    const text = 'model {\n  c1: conv 2 3x39999999999999999999999999999999999999999\n}\n';
    const printed = print(parse(text).ast);
    expect(printed).toBe(text);
  });
});
