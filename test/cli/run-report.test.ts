// `mfx run` writes the report (report.md, report.html, charts/) at the end of a run, unless --no-report.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMain as mfx } from './helpers/run-main.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TINY = ['--backend', 'wasm', '--train-subset', '128', '--test-subset', '50', '--quiet', '--no-cache', '--jobs', '1'];


describe('mfx run and the report', () => {
  it('writes report.md, report.html and the charts into the run folder by default', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-run-report-')), 'qs');
    const r = await mfx(['run', path.join(ROOT, 'examples/quickstart.mfx'), ...TINY, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`report: ${path.join(out, 'report.html')}`);
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    for (const set of ['pmnist.unmodified', 'pmnist.hcut', 'pmnist.vcut', 'pmnist.dcut', 'pmnist.tcut']) expect(md).toContain(set);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('<html');
    expect(readFileSync(path.join(out, 'charts', 'accuracy.svg'), 'utf8')).toContain('<svg');
    expect(existsSync(path.join(out, 'charts', 'delta.png'))).toBe(true);
  });

  it('leaves the report out with --no-report', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-run-report-')), 'qs');
    const r = await mfx(['run', path.join(ROOT, 'examples/quickstart.mfx'), ...TINY, '--out', out, '--no-report']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(out, 'results.json'))).toBe(true);
    expect(existsSync(path.join(out, 'report.md'))).toBe(false);
    expect(r.stderr).not.toContain('report:');
  });
});
