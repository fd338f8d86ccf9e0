// How heads read to people: `mfx plan` (cli/commands/plan.ts), the one-line step texts of plan
// diffs (cli/report/plan-text.ts) and of step-start events (runtime/results/step-text.ts).
import { describe, expect, it } from 'vitest';
import { describePlan } from '../../cli/commands/plan.js';
import { stepText } from '../../cli/report/plan-text.js';
import { compile } from '../../compiler/index.js';
import type { Plan } from '../../compiler/plan.js';
import { describeStep } from '../../runtime/results/step-text.js';

const SRC = `pretrain 1
arm synergy {
  freeze conv*.weight
  head missing
  freeze fc*
  invert relu6 on missing
  train 2 on missing
  invert tanh
  train 1 on main + missing
  eval pmnist.* as sum on main + missing
}
eval pmnist.*
`;
const plan: Plan = compile(SRC, 'heads.mfx').plan!;
const steps = plan.arms[0].steps;

describe('mfx plan with heads', () => {
  const out = describePlan(plan);
  const lines = out.split('\n');
  const line = (start: RegExp) => lines.find((l) => start.test(l.trim().replace(/^\d+\s+/, ''))) ?? '';

  it('names an arm\'s heads in its header', () => {
    expect(out).toContain('arm synergy  4 epochs, heads main, missing, reports final, baseline synergy/pretrained');
  });

  it('lists the head step with its parameters', () => {
    expect(line(/^head missing/)).toMatch(/head missing +missing\.fc1, missing\.fc2: 16,560 parameters, a fresh copy of the main head, on own features$/);
  });

  it('shows which heads an invert sets', () => {
    expect(line(/^invert on missing/)).toMatch(/invert on missing +relu6, complemented$/);
    expect(line(/^invert +tanh/)).toMatch(/invert +tanh, complemented, on every head \(main, missing\)$/);
  });

  it('says what each train step\'s loss reads, with each head\'s features', () => {
    expect(line(/^train 2 on missing/)).toMatch(/16,590 trainable \(conv1\.bias, conv2\.bias, missing\.fc1, missing\.fc2\), frozen conv1\.weight, conv2\.weight, fc1, fc2; lr 0\.01; loss on missing \(inverted relu6\)$/);
    expect(line(/^train 1 on main \+ missing/)).toMatch(/loss on main \(inverted tanh\) \+ missing \(inverted tanh\)$/);
  });

  it('shows the heads an evaluation sums; the eval after the arms reads main', () => {
    expect(line(/^eval as sum/)).toMatch(/pmnist\.\* \(5\) on main \(inverted tanh\) \+ missing \(inverted tanh\)$/);
    expect(line(/^eval as final/)).toMatch(/pmnist\.\* \(5\) on main \(inverted tanh\)$/);
  });

  it('describes a file without heads as before', () => {
    const plain = describePlan(compile('pretrain 1; invert relu6; train 1; eval pmnist.*', 'x.mfx').plan!);
    expect(plain).toMatch(/train 1 +\S+ trainable \(conv1, conv2, fc1, fc2\); lr 0\.01; inverted relu6$/m);
    expect(plain).toMatch(/eval as final +pmnist\.\* \(5\) on inverted relu6$/m);
    expect(plain).not.toMatch(/loss on|on main|head/);
  });
});

describe('step texts', () => {
  it('plan-text writes the steps in the language\'s words', () => {
    expect(steps.map((s) => stepText(s, plan.model))).toEqual([
      'pretrain 1',
      'eval pmnist.* as pretrained',
      'freeze conv1.weight, conv2.weight',
      'head missing',
      'freeze fc1, fc2',
      'invert relu6 on missing',
      'train 2 on missing',
      'invert tanh',
      'train 1 on main + missing',
      'eval pmnist.* as sum on main + missing',
      'eval pmnist.*',
    ]);
  });

  it('plan-text folds a head\'s parameters by layer', () => {
    const p = compile('pretrain 1; head missing; freeze missing.*, fc2.bias; train 1 on main; eval pmnist.hcut', 'x.mfx').plan!;
    expect(stepText(p.arms[0].steps.find((s) => s.kind === 'freeze')!, p.model)).toBe('freeze fc2.bias, missing.fc1, missing.fc2');
  });

  it('step-start texts name the heads and what each reads', () => {
    expect(steps.map((s) => describeStep(s))).toEqual([
      'pretrain 1 (all; own features)',
      'eval pmnist.unmodified, pmnist.hcut, pmnist.vcut, pmnist.dcut, pmnist.tcut as pretrained',
      'freeze conv1.weight, conv2.weight',
      'head missing (missing.fc1, missing.fc2, fresh)',
      'freeze fc1, fc2',
      'invert relu6 on missing',
      'train 2 on missing (conv1.bias, conv2.bias, missing.fc1, missing.fc2; missing: inverted relu6)',
      'invert tanh',
      'train 1 on main + missing (conv1.bias, conv2.bias, missing.fc1, missing.fc2; main: inverted tanh + missing: inverted tanh)',
      'eval pmnist.unmodified, pmnist.hcut, pmnist.vcut, pmnist.dcut, pmnist.tcut as sum on main + missing (main: inverted tanh + missing: inverted tanh)',
      'eval pmnist.unmodified, pmnist.hcut, pmnist.vcut, pmnist.dcut, pmnist.tcut as final (main: inverted tanh)',
    ]);
  });
});
