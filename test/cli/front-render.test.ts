import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../compiler/index.js';
import { renderDiagnostics, summarizeDiagnostics } from '../../cli/diagnostics/render.js';

const err = (offset: number, length: number, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  severity: 'error',
  code: 'MFX2032',
  message: 'selector `conv3` matches no parameter',
  offset,
  length,
  ...extra,
});

describe('renderDiagnostics', () => {
  it('writes file:line:col, the numbered line, a caret under the span, help and notes', () => {
    const text = 'train 1\nfreeze conv3\n';
    const out = renderDiagnostics([err(15, 5, { hint: 'layers here: conv1', related: [{ message: 'first set here', offset: 0, length: 5 }] })], text, 'a.mfx', { color: false });
    expect(out).toBe(
      'a.mfx:2:8: error[MFX2032]: selector `conv3` matches no parameter\n' +
        '2 | freeze conv3\n' +
        '  |        ^^^^^\n' +
        '  = help: layers here: conv1\n' +
        '  = note: first set here at a.mfx:1:1\n\n',
    );
  });

  it('widens the gutter for long line numbers', () => {
    const text = `${'\n'.repeat(11)}freeze conv3`;
    expect(renderDiagnostics([err(18, 5)], text, 'a.mfx', { color: false })).toContain('12 | freeze conv3\n   |        ^^^^^\n');
  });

  it('handles CRLF, tabs before the span, spans running past the line, and offsets at the end', () => {
    const text = 'train 1\r\n\tfreeze conv3\r\n';
    expect(renderDiagnostics([err(17, 50)], text, 'a.mfx', { color: false })).toContain('2 | \tfreeze conv3\n  | \t       ^^^^^\n');
    expect(renderDiagnostics([err(text.length, 0)], text, 'a.mfx', { color: false })).toContain('a.mfx:3:1:');
    expect(renderDiagnostics([err(0, 0)], '', 'a.mfx', { color: false })).toContain('a.mfx:1:1:');
  });

  it('colours only when asked', () => {
    const out = renderDiagnostics([err(0, 5), { ...err(0, 5), severity: 'warning', code: 'MFX2100' }], 'train', 'a.mfx', { color: true });
    expect(out).toMatch(/\u001b\[31m/); // red error
    expect(out).toMatch(/\u001b\[33m/); // yellow warning
  });

  it('summarises counts', () => {
    expect(summarizeDiagnostics([err(0, 1), err(1, 1), { ...err(0, 1), severity: 'warning' }])).toBe('2 errors, 1 warning');
    expect(summarizeDiagnostics([])).toBe('');
  });
});
