// The editor shows what `mfx check --json` prints: for every diagnostic fixture and example,
// the same codes, severities, messages and hints, at the same line and column, and every
// "did you mean" hint comes with a quick fix that writes the suggestion over the range.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticsToJson } from '../../cli/diagnostics/json.js';
import { analyze } from '../../cli/lsp/analysis.js';
import { quickFixes } from '../../cli/lsp/code-actions.js';
import { toLspDiagnostic } from '../../cli/lsp/convert.js';
import { compile } from '../../compiler/index.js';
import { MACHINE_FACTS } from '../../cli/machine-facts.js';

const ROOT = resolve(import.meta.dirname, '../..');
const files = [
  ...readdirSync(resolve(ROOT, 'test/fixtures/errors')).filter((f) => f.endsWith('.mfx')).map((f) => `test/fixtures/errors/${f}`),
  ...readdirSync(resolve(ROOT, 'examples')).filter((f) => f.endsWith('.mfx')).map((f) => `examples/${f}`),
].sort();

describe('LSP diagnostics agree with mfx check', () => {
  it.each(files)('%s', (file) => {
    const text = readFileSync(resolve(ROOT, file), 'utf8');
    // As `mfx check` compiles: with the IDX header reader and the check that `load` files exist.
    const expected = diagnosticsToJson(compile(text, file, MACHINE_FACTS).diagnostics, text, file);
    const doc = TextDocument.create(`file:///${file}`, 'mfx', 1, text);
    const got = analyze(text, file).diagnostics.map((d) => toLspDiagnostic(doc, d));
    expect(got.map((d) => ({ code: d.code, severity: d.severity === 1 ? 'error' : 'warning', line: d.range.start.line + 1, column: d.range.start.character + 1 }))).toEqual(
      expected.map((d) => ({ code: d.code, severity: d.severity, line: d.line, column: d.column })),
    );
    got.forEach((d, i) => {
      expect(d.message).toBe(expected[i].hint ? `${expected[i].message}\nhint: ${expected[i].hint}` : expected[i].message);
      expect(doc.offsetAt(d.range.end) - doc.offsetAt(d.range.start)).toBe(Math.min(expected[i].length, text.length - expected[i].offset));
      expect(d.relatedInformation?.length ?? 0).toBe(expected[i].related?.length ?? 0);
    });
    for (const d of got) {
      const fixes = quickFixes(doc.uri, [d]);
      const hinted = /did you mean `([^`]+)`\?/.exec(d.message);
      expect(fixes.map((f) => f.edit?.changes?.[doc.uri][0].newText)).toEqual(hinted ? [hinted[1]] : []);
    }
  });
});

describe('LSP positions', () => {
  it('count lines the same with CRLF and LF, and columns in UTF-16 units', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['experiment "é ✓ 𝔪"', 'frez conv*', 'invert relu7', ''].join(eol);
      const doc = TextDocument.create('file:///crlf.mfx', 'mfx', 1, text);
      const got = analyze(text, '/crlf.mfx').diagnostics.map((d) => toLspDiagnostic(doc, d).range);
      expect(got).toEqual([
        { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } },
        { start: { line: 2, character: 7 }, end: { line: 2, character: 12 } },
      ]);
    }
    const astral = 'experiment "𝔪"; frez conv*';
    const doc = TextDocument.create('file:///u.mfx', 'mfx', 1, astral);
    // `𝔪` is two UTF-16 units, as LSP counts by default.
    expect(toLspDiagnostic(doc, analyze(astral, '/u.mfx').diagnostics[0]).range.start).toEqual({ line: 0, character: 17 });
  });
});
