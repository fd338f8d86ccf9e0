// Every report.html passes html-validate's recommended rules (HTML5 content models, unique ids,
// accessible tables and images, no deprecated markup): the writer's output is checked as a
// browser-independent document, next to the Chromium tests in report-browser.test.ts. Also:
// the committed docs/results report is what the current code writes from its results.json.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HtmlValidate } from 'html-validate';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../cli/report/write-report.js';
import { buildFixture, sweepFixture, writeRunFolder, type Fixture } from './report-fixtures.js';

const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function problems(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} at ${m.line}:${m.column}: ${m.message}`));
}

async function reportOf(fixture: Fixture): Promise<string> {
  const dir = writeRunFolder(fixture);
  dirs.push(dir);
  await writeReport(dir, { samples: false, png: false });
  return readFileSync(join(dir, 'report.html'), 'utf8');
}

describe('report.html is valid HTML', () => {
  it('catches invalid markup (the validator is live)', async () => {
    expect(await problems('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><div><p>a</div></body></html>')).not.toEqual([]);
  });

  it.each([
    ['three arms, three seeds', () => buildFixture()],
    ['one seed, a diverged seed', () => buildFixture({ seeds: [1, 2], diverged: [{ arm: 'hybrid', seed: 2 }] })],
    ['a 40-arm sweep', () => sweepFixture(40)],
  ])('for %s', async (_name, make) => {
    expect(await problems(await reportOf(make()))).toEqual([]);
  });

  it('for the committed docs/results/report.html', async () => {
    expect(await problems(readFileSync('docs/results/report.html', 'utf8'))).toEqual([]);
  });
});

describe('the committed docs/results report', () => {
  it('is what `mfx report docs/results` writes with this code (regenerate it after changing the report)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mfx-docs-report-'));
    dirs.push(out);
    await writeReport('docs/results', { outDir: out });
    for (const file of ['report.md', 'report.html']) {
      expect(readFileSync(join(out, file), 'utf8') === readFileSync(join('docs/results', file), 'utf8'), `docs/results/${file} is stale: run \`npx mfx report docs/results\``).toBe(true);
    }
  });
});
