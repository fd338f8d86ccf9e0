// The report's agreement section as HTML: valid markup (html-validate), and in Chromium the
// agreement chart turns live (its spec parses with the legend's `hidden` signal) without errors.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/select.js';
import { executePlan } from '../../runtime/run/execute.js';
import { planHash } from '../../compiler/plan-hash.js';
import { writeReport } from '../../cli/report/write-report.js';
import { FC_PARAMS, arm, evalStep, syntheticData, tinyPlan, train } from '../runtime/helpers/tiny-plan.js';
import { launchChromium } from './helpers/browser.js';

// Page-side code below runs in Chromium; the test's tsconfig has no DOM types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const parent = mkdtempSync(path.join(tmpdir(), 'mfx-agree-html-'));
const { browser, reason } = await launchChromium();
let html = '';

beforeAll(async () => {
  await initBackend('cpu');
  const plan = tinyPlan(
    [
      arm('plain', [train(1, { pretrain: true }), evalStep('pretrained'), train(1, { trainable: FC_PARAMS }), evalStep('final')], { arm: 'plain', label: 'pretrained', reason: 'snapshot' }),
    ],
    { seeds: [1, 2], repeat: 2 },
  );
  plan.hash = planHash(plan);
  const dir = path.join(parent, 'run');
  await executePlan(plan, { backend: 'cpu', runDir: dir, loadData: syntheticData(), batchEventIntervalMs: 0, onEvent: () => {} });
  await writeReport(dir, { png: false, samples: false });
  html = path.join(dir, 'report.html');
});

afterAll(async () => {
  await browser?.close();
  rmSync(parent, { recursive: true, force: true });
});

describe('the agreement section in report.html', () => {
  it('is valid HTML', async () => {
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('id="agreement-table"');
    const report = await new HtmlValidate({ extends: ['html-validate:recommended'] }).validateString(text);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} at ${m.line}:${m.column}: ${m.message}`))).toEqual([]);
  });

  it.skipIf(!browser)(`draws the agreement chart live in Chromium without console errors${reason ? ` (skipped: ${reason})` : ''}`, async () => {
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelectorAll('figure.live').length === document.querySelectorAll('figure[data-chart]').length, { timeout: 30_000 });
    const bars = await page.evaluate(() => document.querySelectorAll('figure[data-chart="agreement"] .chart svg path, figure[data-chart="agreement"] .chart svg rect').length);
    expect(bars).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
