// results.json read back by `report` and `compare` is checked number by number (issue 19,
// point 8): an accuracy of 1e308 or -5 is a clear error, never "Infinity %".
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResultsJson } from '../../cli/report/results-reader.js';
import { buildFixture, writeRunFolder } from './report-fixtures.js';
import { runCli } from './report-helpers.js';

const parent = mkdtempSync(join(tmpdir(), 'mfx-results-check-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

function damaged(edit: (r: Record<string, any>) => void): string {
  const dir = writeRunFolder(buildFixture(), parent);
  const path = join(dir, 'results.json');
  const data = JSON.parse(readFileSync(path, 'utf8'));
  edit(data);
  writeFileSync(path, JSON.stringify(data));
  return dir;
}

describe('results.json is validated when read back', () => {
  it.each([
    ['accuracy 1e308', (r: any) => (r.evals[0].accuracy = 1e308), /evaluation #1 has an accuracy of 1e\+308, but it should be a fraction from 0 to 1/],
    ['accuracy -5', (r: any) => (r.evals[2].accuracy = -5), /evaluation #3 has an accuracy of -5/],
    ['a fractional image count', (r: any) => (r.evals[0].n = 2.5), /evaluation #1 counts 2\.5, but it should be a whole number/],
    ['a negative seed', (r: any) => (r.seeds = [-1]), /a seed of -1/],
    ['a loss that is text', (r: any) => (r.evals[0].loss = 'low'), /a loss of "low"/],
    ['a table cell above 1', (r: any) => (r.table.columns[0].cells = { 'pmnist.unmodified': { accuracy: { mean: 7, std: 0, min: 7, max: 7, n: 1, values: [7] }, delta: null } }), /accuracy mean is 7/],
  ])('rejects %s in report and compare', async (_name, edit, message) => {
    const dir = damaged(edit);
    for (const args of [['report', dir, '--no-png', '--no-samples'], ['compare', dir, writeRunFolder(buildFixture(), parent)]]) {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^mfx: error: cannot read `/);
      expect(r.stdout + r.stderr).not.toContain('Infinity');
    }
  });

  it('accepts what mfx writes', () => {
    const fixture = buildFixture();
    expect(() => parseResultsJson(JSON.stringify(fixture.results))).not.toThrow();
  });
});
