import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFixture, writeRunFolder } from './report-fixtures.js';
import { runCli } from './report-helpers.js';

const parent = mkdtempSync(join(tmpdir(), 'mfx-report-cmd-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('mfx report', () => {
  it('writes report.md, report.html and SVG-only charts with --no-png --no-samples', async () => {
    const dir = writeRunFolder(buildFixture(), parent);
    const { code, stdout, stderr } = await runCli(['report', dir, '--no-png', '--no-samples']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`wrote ${join(dir, 'report.md')}`);
    expect(stdout).toContain('3 chart file(s)');
    for (const f of ['report.md', 'report.html', 'charts/accuracy.svg', 'charts/delta.svg', 'charts/loss.svg']) expect(existsSync(join(dir, f))).toBe(true);
    expect(existsSync(join(dir, 'charts/accuracy.png'))).toBe(false);
  });

  it('writes into another folder with --out, leaving the run folder as it was', async () => {
    const dir = writeRunFolder(buildFixture(), parent);
    const out = join(parent, 'published', 'results');
    const { code, stdout } = await runCli(['report', dir, '--out', out, '--no-samples']);
    expect(code).toBe(0);
    expect(stdout).toContain('6 chart file(s)');
    for (const f of ['report.md', 'report.html', 'charts/accuracy.svg', 'charts/accuracy.png']) expect(existsSync(join(out, f))).toBe(true);
    expect(existsSync(join(dir, 'report.md'))).toBe(false);
  });

  it('fails with one paragraph and exit 1 for a missing folder', async () => {
    const { code, stderr } = await runCli(['report', join(parent, 'missing-run')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^mfx: error: run folder `.*missing-run` does not exist\. Pass the folder/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails with a remedy when results.json is missing or broken', async () => {
    const dir = writeRunFolder(buildFixture(), parent);
    rmSync(join(dir, 'results.json'));
    const missing = await runCli(['report', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no results\.json: the run has not written its results/);
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ schema: 'mfx.results', version: 9 }));
    const wrongVersion = await runCli(['report', dir]);
    expect(wrongVersion.code).toBe(1);
    expect(wrongVersion.stderr).toMatch(/it has results version 9, this mfx reads version 1/);
    expect(wrongVersion.stderr).not.toMatch(/\n\s+at /);
  });

  it('is a usage error without a folder', async () => {
    const { code } = await runCli(['report']);
    expect(code).toBe(2);
  });
});
