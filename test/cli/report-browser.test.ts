// report.html as a reader sees it: opened in Chromium at 1,280 and 800 px wide. Checks that the
// page never scrolls sideways, that every image and chart is drawn, that nothing is logged as
// an error, that charts answer hover with a tooltip and legend clicks by hiding, and that the
// numbers in the tables are the ones results.json gives.
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../cli/report/write-report.js';
import type { Results } from '../../runtime/results.js';
import { launchChromium } from './helpers/browser.js';
import { buildFixture, sweepFixture, writeRunFolder } from './report-fixtures.js';

// The callbacks given to page.evaluate / $eval run in the browser. The project compiles without
// the DOM library (nothing else runs in a browser), so the browser globals they use are declared
// here, for this module only, loosely typed.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
declare function getComputedStyle(el: unknown): any;

const { browser, reason } = await launchChromium();
if (reason) console.warn(`report-browser.test.ts skipped: ${reason}`);

const WIDTHS = [1280, 800];
const dirs: string[] = [];

interface Report {
  name: string;
  html: string;
  results: Results;
}

const reports: Report[] = [];

beforeAll(async () => {
  if (!browser) return;
  for (const [name, fixture] of [['three arms', buildFixture()], ['40-arm sweep', sweepFixture(40)]] as const) {
    const dir = writeRunFolder(fixture);
    dirs.push(dir);
    await writeReport(dir, { samples: false, png: false });
    reports.push({ name, html: join(dir, 'report.html'), results: fixture.results });
  }
  const docs = resolve('docs/results');
  reports.push({ name: 'docs/results', html: join(docs, 'report.html'), results: JSON.parse(readFileSync(join(docs, 'results.json'), 'utf8')) as Results });
});

afterAll(async () => {
  await browser?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface OpenPage {
  page: Page;
  problems: string[];
}

/** Opens a report and waits until every chart is live; collects console errors/warnings and page errors. */
async function open(html: string, width: number): Promise<OpenPage> {
  const page = await browser!.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url().slice(0, 80)}`));
  await page.setViewport({ width, height: 900 });
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelectorAll('figure.live').length === document.querySelectorAll('figure[data-chart]').length, { timeout: 30_000 });
  return { page, problems };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function std(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/** `98.21 ± 0.08 *` → [98.21, 0.08]; `−1.13` → [-1.13]; `—` → []. */
function numbersIn(cell: string): number[] {
  return [...cell.replace(/−/g, '-').matchAll(/[-+]?\d+\.\d+/g)].map((m) => Number(m[0]));
}

/** A table's body rows keyed by the row header (arm): its data cells' text. */
async function tableRows(page: Page, id: string): Promise<Map<string, string[]>> {
  const rows = await page.$$eval(`#${id} tbody tr`, (trs) =>
    trs
      .filter((tr) => tr.querySelector('th[scope="row"]'))
      .map((tr) => [tr.querySelector('th')!.textContent!.trim(), [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())] as const),
  );
  return new Map(rows.map(([arm, cells]) => [arm, [...cells]]));
}

describe.skipIf(!browser)(`report.html in Chromium${reason ? ` (skipped: ${reason})` : ''}`, () => {
  for (const width of WIDTHS) {
    it(`at ${width} px: no sideways page scroll, every image and chart drawn, no console errors`, async () => {
      for (const report of reports) {
        const { page, problems } = await open(report.html, width);
        const layout = await page.evaluate(() => {
          const doc = document.documentElement;
          const visible = (el: unknown) => !(el as any).hidden && getComputedStyle(el).display !== 'none';
          const sizes = [...document.querySelectorAll('img')].filter(visible).map((img) => {
            const r = img.getBoundingClientRect();
            return { what: `img ${img.alt}`, w: r.width, h: r.height, natural: (img as any).naturalWidth };
          });
          const charts = [...document.querySelectorAll('figure[data-chart] .chart svg')].map((svg) => {
            const r = svg.getBoundingClientRect();
            return { what: `chart ${svg.closest('figure')!.getAttribute('data-chart')}`, w: r.width, h: r.height, natural: 1 };
          });
          const tables = [...document.querySelectorAll('.table-scroll')].map((box) => ({ id: box.querySelector('table')!.id, fits: box.scrollWidth <= box.clientWidth }));
          return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, sizes, charts, tables, figures: document.querySelectorAll('figure[data-chart]').length };
        });
        expect(layout.scrollWidth, `${report.name}: page width`).toBeLessThanOrEqual(layout.clientWidth);
        expect(layout.figures, `${report.name}: charts`).toBeGreaterThanOrEqual(2);
        expect(layout.charts).toHaveLength(layout.figures);
        for (const s of [...layout.sizes, ...layout.charts]) {
          expect(s.w > 0 && s.h > 0 && s.natural > 0, `${report.name} at ${width}: ${s.what} is ${s.w}×${s.h}`).toBe(true);
        }
        if (width === 1280) {
          // The results tables fit without scrolling at 1,280 px, for 40 arms too.
          for (const t of layout.tables.filter((t) => ['accuracy-table', 'delta-table'].includes(t.id))) expect(t.fits, `${report.name}: #${t.id} fits`).toBe(true);
        }
        expect(problems, report.name).toEqual([]);
        await page.close();
      }
    });
  }

  it('shows the numbers of results.json in the accuracy and Delta tables', async () => {
    for (const report of reports) {
      const { page } = await open(report.html, 1280);
      const accuracy = await tableRows(page, 'accuracy-table');
      const delta = await tableRows(page, 'delta-table');
      const { evals, seeds, table } = report.results;
      const acc = (arm: string, label: string, testSet: string, seed: number) =>
        evals.find((e) => e.arm === arm && e.label === label && e.testSet === testSet && e.seed === seed)?.accuracy;
      expect([...accuracy.keys()].sort()).toEqual(table.columns.map((c) => c.arm).sort());
      let checked = 0;
      for (const col of table.columns) {
        table.testSets.forEach((testSet, i) => {
          const own = seeds.map((s) => acc(col.arm, col.label, testSet, s)).filter((v): v is number => v !== undefined);
          const shown = numbersIn(accuracy.get(col.arm)![i]);
          if (own.length === 0) return expect(shown).toEqual([]);
          expect(shown[0], `${report.name} ${col.arm} ${testSet} accuracy`).toBeCloseTo(mean(own) * 100, 2);
          if (own.length > 1) expect(shown[1]).toBeCloseTo(std(own) * 100, 2);
          checked++;
          if (!col.baseline) return;
          const diffs = seeds
            .map((s) => [acc(col.arm, col.label, testSet, s), acc(col.baseline!.arm, col.baseline!.label, testSet, s)])
            .filter((p): p is [number, number] => p[0] !== undefined && p[1] !== undefined)
            .map(([a, b]) => a - b);
          const d = numbersIn(delta.get(col.arm)![i + 1]); // after the `against` column
          expect(d[0], `${report.name} ${col.arm} ${testSet} Delta`).toBeCloseTo(mean(diffs) * 100, 2);
          if (diffs.length > 1) expect(d[1]).toBeCloseTo(std(diffs) * 100, 2);
        });
      }
      expect(checked).toBeGreaterThan(0);
      await page.close();
    }
  });

  it('answers hover on a bar with a tooltip giving the per-seed values and the interval', async () => {
    for (const report of reports) {
      const { page, problems } = await open(report.html, 1280);
      for (const [chart, expected] of [['accuracy', /per seed \(seed: %\)1: \d+\.\d\d, 2: /], ['delta', /95% CI\[[-+]\d+\.\d\d, [-+]\d+\.\d\d\]/]] as const) {
        // The largest bar: a Delta near 0 draws a bar too thin to point at.
        const bars = await page.$$(`figure[data-chart="${chart}"] .chart svg g.mark-rect.role-mark path`);
        const areas = await Promise.all(bars.map(async (b) => ((await b.boundingBox()) ?? { width: 0, height: 0 })));
        const largest = areas.reduce((best, a, i) => (a.width * a.height > areas[best].width * areas[best].height ? i : best), 0);
        expect(bars.length, `${report.name}: bars in ${chart}`).toBeGreaterThan(0);
        await bars[largest].hover();
        await page.waitForFunction(() => !document.querySelector('.chart-tooltip').hidden, { timeout: 5_000 });
        const text = await page.$eval('.chart-tooltip', (el: any) => el.textContent ?? '');
        expect(text, `${report.name} ${chart} tooltip`).toMatch(expected);
        await page.mouse.move(0, 0);
      }
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('hides an arm (or a sweep template) when its legend entry is clicked, and shows it again on a second click', async () => {
    for (const report of reports) {
      const { page } = await open(report.html, 1280);
      const bars = 'figure[data-chart="delta"] .chart svg g.mark-rect.role-mark path';
      const hiddenBars = () => page.$$eval(bars, (ps) => ps.filter((p) => p.getAttribute('opacity') === '0').length);
      expect(await hiddenBars()).toBe(0);
      const entry = await page.$('figure[data-chart="delta"] .chart svg g.role-legend-symbol path');
      await entry!.click();
      await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((p) => p.getAttribute('opacity') === '0'), { timeout: 5_000 }, bars);
      const hidden = await hiddenBars();
      const total = await page.$$eval(bars, (ps) => ps.length);
      expect(hidden, report.name).toBeGreaterThan(0);
      expect(hidden).toBeLessThan(total);
      await entry!.click();
      await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].every((p) => p.getAttribute('opacity') !== '0'), { timeout: 5_000 }, bars);
      await page.close();
    }
  });

  it('shows the static SVG charts when scripts are off', async () => {
    const page = await browser!.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setViewport({ width: 800, height: 900 });
    await page.goto(pathToFileURL(reports[0].html).href, { waitUntil: 'load' });
    const images = await page.$$eval('figure[data-chart] img', (imgs) => imgs.map((i) => [(i as any).naturalWidth, i.getBoundingClientRect().width]));
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const [natural, shown] of images) expect(natural > 0 && shown > 0).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.close();
  });
});
