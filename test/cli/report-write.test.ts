import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFolder } from '../../cli/report/read-run-folder.js';
import { writeReport } from '../../cli/report/write-report.js';
import { buildFixture, PMNIST, writeRunFolder } from './report-fixtures.js';
import { checkPng, checkSvg } from './report-helpers.js';

const dirs: string[] = [];
function folder(...args: Parameters<typeof buildFixture>): string {
  const dir = writeRunFolder(buildFixture(...args));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('writeReport on a three-seed, three-arm run', () => {
  let dir: string;
  let md: string;
  let html: string;
  beforeAll(async () => {
    dir = folder();
    await writeReport(dir, { samples: false });
    md = readFileSync(join(dir, 'report.md'), 'utf8');
    html = readFileSync(join(dir, 'report.html'), 'utf8');
  });

  it('names every arm and every test set in report.md and report.html', () => {
    for (const text of [md, html]) {
      for (const arm of ['baseline', 'hybrid', 'hybrid-nr']) expect(text).toContain(arm);
      for (const set of PMNIST) expect(text).toContain(set);
    }
  });

  it('reports mean ± std and the paired Delta with its interval mark, recomputed from the evaluations', () => {
    // The fixture gives hybrid +5 points over its snapshot on every occluded set; the seeds
    // wobble both by different amounts, so the Delta is near 5 and its interval excludes 0.
    // Rows: arms; columns: arm, then the test sets (Delta: arm, against, then the test sets).
    const accuracyRow = md.split('\n').find((l) => l.startsWith('| hybrid | '))!;
    expect(accuracyRow.split('|').map((c) => c.trim())[3]).toMatch(/^\d+\.\d\d ± \d+\.\d\d$/);
    const deltaRow = md.split('\n').find((l) => l.startsWith('| hybrid | own `pretrained` snapshot |'))!;
    expect(deltaRow.split('|').map((c) => c.trim())[4]).toMatch(/^\+[45]\.\d\d ± \d+\.\d\d \*$/);
    // The interval table: hcut is the second test set.
    expect(md).toMatch(/\| hybrid \| \[[-+]\d+\.\d\d, \+\d+\.\d\d\] \| \[\+\d+\.\d\d, \+\d+\.\d\d\] \* \|/);
    expect(md).toContain('Student t-interval');
  });

  it('writes every chart as a valid SVG and a PNG of twice its size', () => {
    for (const name of ['accuracy', 'delta', 'loss']) {
      const svg = checkSvg(join(dir, 'charts', `${name}.svg`));
      const png = checkPng(join(dir, 'charts', `${name}.png`));
      expect(png.width).toBe(Math.round(svg.width * 2));
      expect(png.height).toBe(Math.round(svg.height * 2));
      expect(md).toContain(`(charts/${name}.png)`);
    }
    const accuracy = checkSvg(join(dir, 'charts', 'accuracy.svg')).text;
    for (const label of ['unmodified', 'hcut', 'vcut', 'dcut', 'tcut', 'hybrid-nr']) expect(accuracy).toContain(`>${label}<`);
  });

  it('makes report.html self-contained: inline scripts only, no external links, charts inlined', () => {
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    const outsideScripts = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '');
    expect(outsideScripts).not.toMatch(/<link|src="http|href="http|url\(http/i);
    expect(html.match(/src="data:image\/svg\+xml;base64,/g)?.length).toBe(3);
    // Each chart also travels as a Vega spec for the interactive version.
    expect(html.match(/<script type="application\/json" class="vega-spec">/g)?.length).toBe(3);
  });

  it('lists arms as rows with the arms others are measured against first, and no empty header row', () => {
    expect(html).not.toMatch(/<th[^>]*><\/th>/);
    expect(md).not.toMatch(/^\| +\| +\|$/m);
    const arms = [...html.matchAll(/<table id="accuracy-table">[\s\S]*?<\/table>/g)][0][0].match(/<th scope="row">([^<]+)<\/th>/g);
    expect(arms).toEqual(['baseline', 'hybrid', 'hybrid-nr'].map((a) => `<th scope="row">${a}</th>`));
  });

  it('regenerates byte-identical files from the same run folder', async () => {
    const svg = readFileSync(join(dir, 'charts', 'delta.svg'), 'utf8');
    const png = readFileSync(join(dir, 'charts', 'delta.png'));
    await writeReport(dir, { samples: false });
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe(md);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(html);
    expect(readFileSync(join(dir, 'charts', 'delta.svg'), 'utf8')).toBe(svg);
    expect(readFileSync(join(dir, 'charts', 'delta.png')).equals(png)).toBe(true);
  });

  it('lists every evaluation per seed, including the pretrained snapshots', () => {
    expect(md).toMatch(/\| hybrid \| pretrained \| 2 \|/);
    expect(md).toMatch(/\| baseline \| final \| 3 \|/);
  });
});

describe('writeReport in edge cases', () => {
  it('says there is no interval with one seed', async () => {
    const dir = folder({ seeds: [7] });
    await writeReport(dir, { samples: false, png: false });
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('n/a (one seed)');
    expect(md).toContain('one seed, so there is no interval');
    const row = md.split('\n').find((l) => l.startsWith('| hybrid | own'))!;
    expect(row).not.toContain('±');
    expect(row).not.toContain('*');
  });

  it('with png: false writes SVG only and the markdown points at the SVGs', async () => {
    const dir = folder();
    await writeReport(dir, { samples: false, png: false });
    expect(readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.png'))).toEqual([]);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('(charts/accuracy.svg)');
  });

  it('notes a diverged seed and leaves it out of the statistics', async () => {
    const dir = folder({ diverged: [{ arm: 'hybrid', seed: 2 }] });
    await writeReport(dir, { samples: false, png: false });
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('`hybrid` seed 2: diverged at epoch 1 batch 3 (loss NaN)');
    expect(md).toMatch(/\| hybrid \| \[[^\]]+\] (\* )?\(2 seeds\) \|/);
  });

  it('reports a failed run in which every seed diverged, with dashes and notes instead of numbers', async () => {
    const fixture = buildFixture({ seeds: [1, 2], diverged: ['baseline', 'hybrid', 'hybrid-nr'].flatMap((arm) => [1, 2].map((seed) => ({ arm, seed }))) });
    fixture.results.status = 'failed';
    const dir = writeRunFolder(fixture);
    dirs.push(dir);
    const written = await writeReport(dir, { samples: false, png: false });
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('| baseline | n/a | n/a | n/a | n/a | n/a |');
    expect(md).toContain('The run ended with status `failed`');
    expect(written.notes).toContain("No Delta chart: no arm has a seed evaluated on both its own side and its baseline's.");
    checkSvg(join(dir, 'charts', 'accuracy.svg'));
  });

  it('still reports without events.jsonl and plan.json, and says what is missing', async () => {
    const dir = folder();
    rmSync(join(dir, 'events.jsonl'));
    rmSync(join(dir, 'plan.json'));
    const written = await writeReport(dir, { png: false });
    expect(existsSync(join(dir, 'charts', 'loss.svg'))).toBe(false);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('events.jsonl is missing');
    expect(md).toContain('plan.json is missing');
    expect(written.notes.length).toBeGreaterThanOrEqual(2);
  });

  it('skips a truncated last line of events.jsonl with a note', async () => {
    const dir = folder();
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    writeFileSync(join(dir, 'events.jsonl'), `${events}{"type":"epoch-end","arm":"hy`);
    const written = await writeReport(dir, { samples: false, png: false });
    expect(written.notes.join(' ')).toContain('1 unreadable line(s)');
    expect(existsSync(join(dir, 'charts', 'loss.svg'))).toBe(true);
  });

  it('reads every epoch-end event from an events.jsonl larger than its read chunk', () => {
    const fixture = buildFixture();
    const dir = writeRunFolder(fixture);
    dirs.push(dir);
    // Interleave ~3 MB of batch events so epoch-end lines straddle the 1 MiB chunk boundaries.
    const batch = JSON.stringify({ type: 'batch', arm: 'x', seed: 1, step: 0, epoch: 1, epochs: 1, batch: 1, batches: 1, loss: 1, imagesPerSec: 1, elapsedSec: 1, pad: 'é'.repeat(300) });
    const lines = fixture.events.flatMap((e) => [...Array(60).fill(batch), JSON.stringify(e)]);
    writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
    const folder = readRunFolder(dir);
    expect(folder.epochEnds).toHaveLength(fixture.events.filter((e) => e.type === 'epoch-end').length);
    expect(folder.notes).toEqual([]);
  });

  it('draws a sample grid of each test set from the real MNIST test split', async () => {
    const dir = folder({ arms: [{ name: 'main', steps: [{ train: 1 }, { eval: 'final' }] }], seeds: [1], testSets: ['pmnist.unmodified', 'pmnist.tcut'] });
    await writeReport(dir, { png: true });
    for (const set of ['pmnist.unmodified', 'pmnist.tcut']) {
      const png = checkPng(join(dir, 'charts', `samples-${set}.png`));
      const svg = checkSvg(join(dir, 'charts', `samples-${set}.svg`));
      expect(png.width).toBeGreaterThan(8 * 28);
      expect([svg.width, svg.height]).toEqual([png.width, png.height]);
    }
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('(charts/samples-pmnist.tcut.png)');
    expect(md).toContain('No Delta chart');
  });

  it('degrades with a note when the dataset cannot be loaded', async () => {
    const fixture = buildFixture({ seeds: [1] });
    fixture.plan.dataset = { kind: 'idx', dir: '/nonexistent/mfx-dataset' };
    const dir = writeRunFolder(fixture);
    dirs.push(dir);
    const written = await writeReport(dir, { png: false });
    expect(written.notes.join(' ')).toMatch(/No sample images: the dataset could not be loaded here/);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('No sample images');
  });
});
