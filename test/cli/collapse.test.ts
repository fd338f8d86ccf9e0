// A network that predicts one class for (nearly) a whole test set is marked in the table and
// explained in the report (issue 19, point 13): the runtime counts the predictions per class.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collapsedEvalNotes, collapseLegend } from '../../cli/format/collapse-text.js';
import { COLLAPSE_SHARE, dominantClass } from '../../runtime/results/results-table.js';
import { buildFixture } from './report-fixtures.js';
import { runMain as mfx } from './helpers/run-main.js';

describe('collapse detection', () => {
  it('flags one class at 95% of the predictions or more, and nothing below', () => {
    expect(COLLAPSE_SHARE).toBe(0.95);
    expect(dominantClass([95, 5, 0])).toEqual({ predictedClass: 0, share: 0.95 });
    expect(dominantClass([1, 94, 5])).toBeNull();
    expect(dominantClass(undefined)).toBeNull();
    expect(dominantClass([0, 0])).toBeNull();
  });

  it('says nothing for healthy results', () => {
    const { results } = buildFixture();
    expect(collapseLegend(results.table)).toEqual([]);
    expect(collapsedEvalNotes(results.evals)).toEqual([]);
  });

  it('marks the table and explains it in the report after a run whose head collapsed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-collapse-'));
    const file = path.join(dir, 'collapse.mfx');
    // A learning rate far too high kills the ReLUs: the output is the same for every image.
    writeFileSync(file, 'optimizer sgd lr 3\ntrain 2\neval pmnist.unmodified\n');
    const out = path.join(dir, 'run');
    const r = await mfx(['run', file, '--backend', 'wasm', '--train-subset', '256', '--test-subset', '100', '--no-cache', '--reporter', 'plain', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/pmnist\.unmodified +\d+\.\d\d!/);
    expect(r.stdout).toMatch(/collapsed: one class for ≥ 95% of a test set's predictions; likely causes: too little data/);
    expect(r.stdout).toMatch(/main on pmnist\.unmodified: predicts class \d for 100% of the images \(seed 1\)/);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    const predicted: number[] = results.evals[0].predicted;
    expect(predicted).toHaveLength(10);
    expect(predicted.reduce((a, b) => a + b, 0)).toBe(100);
    expect(results.table.columns[0].cells['pmnist.unmodified'].collapse).toMatchObject({ seeds: [1], share: 1 });
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/predicts class \d for 100% of `pmnist\.unmodified` \(seed 1\): the network collapsed onto one class/);
  }, 60_000);
});
