// The report's agreement section and `mfx compare --agreement`, on run folders written by a
// real (tiny, synthetic-data) run, so the predictions are the runtime's own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/select.js';
import { executePlan } from '../../runtime/run/execute.js';
import { planHash } from '../../compiler/plan-hash.js';
import { agreementCounts } from '../../runtime/results/agreement.js';
import { mcnemarExact } from '../../runtime/results/stats.js';
import { predictionsPath, readPredictions } from '../../runtime/store/predictions-file.js';
import { writeReport } from '../../cli/report/write-report.js';
import { pText } from '../../cli/report/agreement.js';
import { parseSide } from '../../cli/report/compare-agreement.js';
import { FC_PARAMS, arm, evalStep, syntheticData, tinyPlan, train } from '../runtime/helpers/tiny-plan.js';
import { runCli } from './report-helpers.js';

const parent = mkdtempSync(path.join(tmpdir(), 'mfx-agree-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

beforeAll(async () => {
  await initBackend('cpu');
});

const INVERTED = { kind: 'inverted', activation: 'relu6' } as const;

// `plain` and `inverted` (baseline: plain's final); `seeds` seeds; test sets unmodified and hcut.
async function runFolder(name: string, seeds: number[], testN = 30): Promise<string> {
  const prefix = () => [train(1, { pretrain: true }), evalStep('pretrained')];
  const plan = tinyPlan(
    [
      arm('plain', [...prefix(), train(1, { trainable: FC_PARAMS }), evalStep('final')], { arm: 'plain', label: 'pretrained', reason: 'snapshot' }),
      arm('inverted', [...prefix(), train(1, { trainable: FC_PARAMS, feature: INVERTED }), evalStep('final', undefined, INVERTED)], { arm: 'plain', label: 'final', reason: 'named' }),
    ],
    { seeds, repeat: seeds.length },
  );
  plan.hash = planHash(plan); // plan.json must read back as a valid plan
  const runDir = path.join(parent, name);
  await executePlan(plan, { backend: 'cpu', runDir, loadData: syntheticData(48, testN), batchEventIntervalMs: 0, onEvent: () => {} });
  return runDir;
}

function tableRows(markdown: string): string[][] {
  const start = markdown.indexOf('## Agreement');
  const section = markdown.slice(start, markdown.indexOf('\n## ', start + 1));
  return section
    .split('\n')
    .filter((l) => /^\| (plain|inverted|A:)/.test(l))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

describe('agreement in mfx report', () => {
  it('tabulates each arm against its baseline from the stored predictions, with McNemar per seed', async () => {
    const dir = await runFolder('one-seed', [1]);
    const { files } = await writeReport(dir, { png: false, samples: false });
    const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(md).toContain('## Agreement');
    expect(files.some((f) => f.endsWith('agreement.svg'))).toBe(true);
    const rows = tableRows(md);
    expect(rows.map((r) => `${r[0]}/${r[1]}/${r[2]}`)).toEqual([
      'plain/plain (pretrained)/unmodified', 'plain/plain (pretrained)/hcut', 'inverted/plain (final)/unmodified', 'inverted/plain (final)/hcut',
    ]);
    // The counts are the ones computed independently from the stored files.
    const a = readPredictions(dir, { arm: 'inverted', seed: 1, label: 'final', testSet: 'pmnist.hcut' })!;
    const b = readPredictions(dir, { arm: 'plain', seed: 1, label: 'final', testSet: 'pmnist.hcut' })!;
    const c = agreementCounts(a.predicted, b.predicted, a.labels);
    const p = mcnemarExact(c.onlyA, c.onlyB);
    expect(rows[3].slice(3, 8)).toEqual([String(c.bothRight), String(c.onlyA), String(c.onlyB), String(c.bothWrong), `${pText(p)}${p < 0.05 ? ' *' : ''}`]);
    expect(rows[3][8]).toBe('n/a (one seed)');
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('id="agreement-table"');
    expect(html).toContain('data-chart="agreement"');
  });

  it('combines seeds, and notes (instead of failing) a damaged predictions file', async () => {
    const dir = await runFolder('three-seeds', [1, 2, 3]);
    await writeReport(dir, { png: false, samples: false });
    const rows = tableRows(readFileSync(path.join(dir, 'report.md'), 'utf8'));
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r[7]).toMatch(/^1: [\d.e-]+, 2: [\d.e-]+, 3: [\d.e-]+$/);
      expect(r[8]).toMatch(/^[\d.e-]+( \*)? \(\d+ vs \d+\)$/);
    }
    const file = predictionsPath(dir, { arm: 'inverted', seed: 2, label: 'final', testSet: 'pmnist.hcut' });
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
    const { notes } = await writeReport(dir, { png: false, samples: false });
    expect(notes.some((n) => n.startsWith('No agreement for `inverted` on pmnist.hcut: cannot read') && n.includes('is damaged'))).toBe(true);
    expect(tableRows(readFileSync(path.join(dir, 'report.md'), 'utf8'))).toHaveLength(3);
  });
});

describe('mfx compare --agreement', () => {
  it('compares two evaluations across run folders, seed by seed', async () => {
    const a = await runFolder('cmp-a', [1, 2]);
    const b = await runFolder('cmp-b', [1, 2]);
    const { code, stdout, stderr } = await runCli(['compare', '--agreement', `${a}:inverted`, `${b}:plain@pretrained`]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('# Agreement of A:inverted@final and B:plain@pretrained');
    expect(stdout).toMatch(/\| A:inverted@final \| B:plain@pretrained \| unmodified \| \d+\.\d \| \d+\.\d \| \d+\.\d \| \d+\.\d \| 1: [^|]+, 2: [^|]+ \| [^|]+ \(\d+ vs \d+\) \|/);
    // The same run against itself: nothing discordant, p = 1.
    const self = await runCli(['compare', '--agreement', `${a}:plain`, `${a}:plain@final`]);
    expect(self.stdout).toMatch(/\| unmodified \| [\d.]+ \| 0\.0 \| 0\.0 \| [\d.]+ \| 1: 1\.000, 2: 1\.000 \| 1\.000 \(0 vs 0\) \|/);
  });

  it('refuses what it cannot compare, with a remedy and exit code 2', async () => {
    const a = await runFolder('bad-a', [1]);
    const other = await runFolder('bad-other-subset', [1], 20);
    const cases: [string[], RegExp][] = [
      [[`${a}:nope`, `${a}:plain`], /has no evaluations of an arm `nope`. Its arms: `plain`, `inverted`/],
      [[`${a}:plain@never`, `${a}:plain`], /has no eval labelled `never`. Its labels: `pretrained`, `final`/],
      [[`${a}:plain`], /compares two evaluations, got 1/],
      [[a, `${a}:plain`], /does not name an evaluation/],
      [[`${a}:plain`, `${other}:plain`], /not scored on the same pmnist.unmodified images/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['compare', '--agreement', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('splits RUN_DIR:ARM@LABEL at the last colon', () => {
    expect(parseSide('runs/x:y:inverted@final')).toEqual({ dir: 'runs/x:y', arm: 'inverted', label: 'final' });
    expect(parseSide('runs/x:plain')).toEqual({ dir: 'runs/x', arm: 'plain', label: null });
  });
});
