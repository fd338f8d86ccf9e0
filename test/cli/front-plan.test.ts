import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPlan } from '../../compiler/plan-io.js';
import { mfx, tempFiles } from './front-helpers.js';

describe('mfx plan', () => {
  it('summarises arms, steps, trainable counts, test sets, baselines and shared prefixes', async () => {
    const r = await mfx('plan', 'examples/reference.mfx');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain('classification based on missing features (reference)');
    expect(out).toContain('model      reference: 21,840 parameters in conv1 260, conv2 5,020, fc1 16,050, fc2 510');
    expect(out).toContain('test sets  pmnist.* (5)');
    expect(out).toMatch(/arm baseline {2}10 epochs, reports final, baseline none/);
    expect(out).toMatch(/arm hybrid-nr {2}20 epochs, reports final, baseline baseline\/final/);
    expect(out).toContain('first 4 steps shared with an earlier arm');
    expect(out).toMatch(/train 10 +16,590 trainable \(conv1\.bias, conv2\.bias, fc1, fc2\), frozen conv1\.weight, conv2\.weight; lr 0\.01; inverted relu6/);
    expect(out).toContain('warnings');
  });

  it('shows the pretrained snapshot as the one-liner\'s baseline', async () => {
    const r = await mfx('plan', 'examples/oneliner.mfx');
    expect(r.stdout).toContain('arm main  30 epochs, reports final, baseline main/pretrained (its pretrained snapshot)');
    expect(r.stdout).toMatch(/eval as pretrained +pmnist\.\* \(5\) on own features \(the pretrained snapshot\)/);
  });

  it('prints the Plan as JSON that reads back', async () => {
    const r = await mfx('plan', '--json', 'examples/oneliner.mfx');
    expect(r.code).toBe(0);
    const plan = readPlan(JSON.parse(r.stdout));
    expect(plan.file).toBe('examples/oneliner.mfx');
    expect(plan.model.totalParams).toBe(21840);
  });

  it('prints diagnostics and exits 1 when the file has errors', async () => {
    const f = tempFiles({ 'bad.mfx': 'train 1\nfreeze conv9\n' });
    const r = await mfx('plan', f['bad.mfx']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[MFX2032]');
    expect(r.stderr).toContain('no plan: fix the errors above');
  });

  it('has --help', async () => {
    const r = await mfx('plan', '--help');
    expect(r.stdout).toContain('--json');
    expect(readFileSync('examples/oneliner.mfx', 'utf8')).toContain('pretrain 10');
  });
});
