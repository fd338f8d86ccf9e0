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
    expect(out).toMatch(/train 10 +16,590 trainable \(conv1\.bias, conv2\.bias, fc1, fc2\), frozen conv1\.weight, conv2\.weight; lr 0\.01; inverted relu$/m);
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
    expect(r.stdout).not.toContain('headOnly');
  });

  it('ends with a work section: shared steps, head-only steps, images with and without reuse and caching', async () => {
    const r = await mfx('plan', 'examples/reference.mfx');
    const out = r.stdout;
    const work = out.slice(out.indexOf('\nwork  '));
    expect(out.indexOf('\nwork  ')).toBeGreaterThan(out.indexOf('arm alternate'));
    expect(out.indexOf('\nwork  ')).toBeLessThan(out.indexOf('\nwarnings'));
    expect(work).toContain('work  60,000 training images per epoch, 10,000 per test set, 1 seed');
    expect(work).toMatch(/arm baseline +every step computed in full/);
    expect(work).toMatch(/arm hybrid-relu6 +steps 1-4 computed once and shared; step 6 \(train 10\) head only: conv features computed once/);
    expect(work).toMatch(/arm hybrid-nr +steps 1-2 computed once and shared\n/);
    expect(work).toContain(
      'training images  6,000,000 without reuse/caching → 3,600,000 with (1,800,000 full network, 1,800,000 head only; conv features computed for 180,000)',
    );
    expect(work).toContain('eval images      550,000 without reuse → 350,000 with');
    expect(work).toContain('feature cache    [4, 4, 20] floats per image, 73 MiB (limit 1,024 MiB, MFX_FEATURE_CACHE_MB)');
    expect(work).toContain('estimated 2.8x less work (6,093,500 → 2,208,700 conv-equivalent images)');
  });

  it('estimates the work for a subset and multiplies it by repeat', async () => {
    const r = await mfx('plan', '--train-subset', '3000', '--test-subset', '1000', 'examples/repeat.mfx');
    expect(r.code).toBe(0);
    // frozen: pretrain 2 + head 2; inverted: pretrain shared, head 2; each head step fills its cache; 3 seeds.
    expect(r.stdout).toContain('work  3,000 training images per epoch, 1,000 per test set, 3 seeds');
    expect(r.stdout).toContain('training images  72,000 without reuse/caching → 54,000 with (18,000 full network, 36,000 head only; conv features computed for 18,000)');
    expect(r.stdout).toContain('eval images      60,000 without reuse → 45,000 with');
  });

  it('prints the work estimate as JSON with --work-json, and refuses it together with --json', async () => {
    const r = await mfx('plan', '--work-json', 'examples/oneliner.mfx');
    expect(r.code).toBe(0);
    const w = JSON.parse(r.stdout);
    expect(w.with).toEqual({ full: 600_000, headOnly: 1_200_000, convForward: 60_000, eval: 100_000 });
    const both = await mfx('plan', '--json', '--work-json', 'examples/oneliner.mfx');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one of them');
    const bad = await mfx('plan', '--train-subset', '0', 'examples/oneliner.mfx');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--train-subset needs a whole number above 0');
  });

  it('applies the feature-cache bound that mfx run reads from MFX_FEATURE_CACHE_MB', async () => {
    process.env.MFX_FEATURE_CACHE_MB = '50';
    try {
      const r = await mfx('plan', 'examples/oneliner.mfx');
      expect(r.stdout).toContain('feature cache    [4, 4, 20] floats per image, 73 MiB: over the 50 MiB limit (MFX_FEATURE_CACHE_MB), so the frozen steps train the full network');
      expect(r.stdout).toMatch(/arm main +every step computed in full/);
    } finally {
      delete process.env.MFX_FEATURE_CACHE_MB;
    }
  });

  it('counts epochs for an idx folder until --train-subset gives the images', async () => {
    const f = tempFiles({ 'idx.mfx': 'dataset idx "/data/letters"\npretrain 1\nfreeze conv*\ntrain 3\neval pidx.*\n' });
    const r = await mfx('plan', f['idx.mfx']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('training images per epoch unknown (give --train-subset N)');
    expect(r.stdout).toContain('training         4 epochs without reuse/caching → 4 epochs with (1 epoch full network, 3 epochs head only; conv features computed for 1 epoch)');
    expect(r.stdout).toContain('estimated 2.4x less work (training only, 4.00 → 1.68 conv-equivalent epochs)');
    const given = await mfx('plan', '--train-subset', '500', f['idx.mfx']);
    expect(given.stdout).toContain('training images  2,000 without reuse/caching → 2,000 with (500 full network, 1,500 head only; conv features computed for 500)');
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
    expect(r.stdout).toContain('--work-json');
    expect(r.stdout).toContain('--train-subset');
    expect(readFileSync('examples/oneliner.mfx', 'utf8')).toContain('pretrain 10');
  });
});
