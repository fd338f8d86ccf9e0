// What people see of sweeps and per-parameter rates: `mfx plan` and the results table.
import { describe, expect, it } from 'vitest';
import { describePlan } from '../../cli/commands/plan.js';
import { paint } from '../../cli/format/color.js';
import { formatResultsTable, groupColumns } from '../../cli/format/results-table.js';
import { compile } from '../../compiler/index.js';
import { buildTable } from '../../runtime/results/results-table.js';
import type { EvalRecord } from '../../runtime/results.js';

const STUDY = `sweep act in [relu6, tanh]
sweep rate in [0.01, 0.03]
arm baseline { pretrain 1 }
arm hybrid-$act-$rate { pretrain 1; freeze conv*; invert $act; lr $rate; train 1 }
arm slow-head { pretrain 1; lr 0.001 for fc*; train 1 }
eval pmnist.hcut, pmnist.vcut
`;

const plan = compile(STUDY, 'study.mfx').plan!;

describe('mfx plan', () => {
  it('shows each template before its arms, with the values, and each arm\'s bindings', () => {
    const text = describePlan(plan);
    expect(text).toContain('template hybrid-$act-$rate: 4 arms, $act in [relu6, tanh] × $rate in [0.01, 0.03]');
    expect(text).toContain('arm hybrid-tanh-0.03  $act=tanh $rate=0.03');
    expect(text.match(/^template /gm)).toHaveLength(1);
  });

  it('shows the rate of every trainable group in a train step', () => {
    const text = describePlan(plan);
    expect(text).toMatch(/lr +0\.001 for fc1, fc2/);
    expect(text).toMatch(/train 1 .*; lr 0\.01 \(conv1, conv2\), 0\.001 \(fc1, fc2\); own features/);
  });
});

describe('results table', () => {
  const evals: EvalRecord[] = plan.arms.flatMap((a, i) =>
    plan.testSets.map((testSet) => ({ arm: a.name, seed: 1, label: 'final', testSet, accuracy: 0.5 + i / 100, loss: 1, n: 100 })),
  );
  const status = Object.fromEntries(plan.arms.map((a) => [a.name, { '1': 'done' }]));
  const table = buildTable(plan, evals, status);

  it('carries each expanded arm\'s template and bindings', () => {
    expect(table.columns[1]).toMatchObject({ arm: 'hybrid-relu6-0.01', template: 'hybrid-$act-$rate', bindings: { act: 'relu6', rate: '0.01' } });
    expect(table.columns[0].template).toBeUndefined();
  });

  it('groups expanded arms by template, one block per value of the first variable', () => {
    expect(groupColumns(table.columns).map((g) => [g.heading, g.columns.map((c) => c.arm)])).toEqual([
      [null, ['baseline']],
      ['hybrid-$act-$rate, $act = relu6', ['hybrid-relu6-0.01', 'hybrid-relu6-0.03']],
      ['hybrid-$act-$rate, $act = tanh', ['hybrid-tanh-0.01', 'hybrid-tanh-0.03']],
      [null, ['slow-head']],
    ]);
    const lines = formatResultsTable(table, { width: 200, paint: paint(false) });
    const heading = lines.indexOf('hybrid-$act-$rate, $act = tanh');
    expect(heading).toBeGreaterThan(0);
    expect(lines[heading - 1]).toBe('');
    expect(lines[heading + 1]).toMatch(/^ +hybrid-tanh-0\.01 +hybrid-tanh-0\.03$/);
    expect(lines.join('\n')).toContain('hybrid-relu6-0.01');
  });

  it('leaves a table without templates as it was: one block', () => {
    const plain = compile('arm a { train 1 }\narm b { train 2 }\neval pmnist.hcut', 'p.mfx').plan!;
    const t = buildTable(plain, plain.arms.map((a) => ({ arm: a.name, seed: 1, label: 'final', testSet: 'pmnist.hcut', accuracy: 0.5, loss: 1, n: 10 })), {});
    const lines = formatResultsTable(t, { width: 200, paint: paint(false) });
    expect(lines[0]).toMatch(/^ +a +b$/);
    expect(lines).not.toContain('');
  });
});
