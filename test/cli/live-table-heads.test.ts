// The live results table (the Ink UI while a run goes) shows an arm's labelled head evaluations
// beside its reported one, as results.table does at run end: ARM@LABEL columns with their Delta.
import { describe, expect, it } from 'vitest';
import { liveResultsTable } from '../../cli/ui/live-table.js';
import { formatResultsTable } from '../../cli/format/results-table.js';
import { paint } from '../../cli/format/color.js';
import type { EvalRecord } from '../../runtime/results.js';

const record = (arm: string, label: string, accuracy: number): EvalRecord => ({ arm, seed: 1, label, testSet: 'pmnist.hcut', accuracy, loss: 1, n: 100 });

describe('live results table with heads', () => {
  it('adds a labelled column per head evaluation, measured against the arm\'s baseline', () => {
    const table = liveResultsTable({
      arms: ['baseline', 'synergy'],
      testSets: ['pmnist.hcut'],
      seeds: [1],
      evals: [record('baseline', 'final', 0.6), record('synergy', 'missing', 0.7), record('synergy', 'final', 0.65)],
      baselines: { baseline: null, synergy: { arm: 'baseline', label: 'final' } },
      reportLabels: { baseline: 'final', synergy: 'final' },
      headLabels: { synergy: ['missing', 'synergy'] },
      armStatus: {},
    });
    expect(table.columns.map((c) => [c.arm, c.label, c.labelled ?? false])).toEqual([
      ['baseline', 'final', false],
      ['synergy', 'final', false],
      ['synergy', 'missing', true],
      ['synergy', 'synergy', true],
    ]);
    expect(table.columns[2].cells['pmnist.hcut'].delta!.mean).toBeCloseTo(0.1, 12);
    expect(table.columns[3].cells).toEqual({}); // not evaluated yet
    const text = formatResultsTable(table, { width: 200, paint: paint(false) }).join('\n');
    expect(text).toContain('synergy@missing');
    expect(text.match(/synergy → baseline@final/g)).toHaveLength(1); // the Delta legend names the arm once
  });
});
