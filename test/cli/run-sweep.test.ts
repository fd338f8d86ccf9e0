// A sweep with per-parameter rates through `mfx run`, in process, on tiny slices of MNIST.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMain as mfx } from './helpers/run-main.js';

const TINY = ['--backend', 'wasm', '--train-subset', '128', '--test-subset', '50', '--no-cache'];

describe('mfx run with sweeps and lr ... for', () => {
  it('runs every expanded arm, groups them in the table and keeps their template in results.json', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-run-sweep-'));
    const file = path.join(dir, 'sweep.mfx');
    writeFileSync(
      file,
      'sweep act in [relu6, tanh]\nsweep slow in [0.001, 0.0001]\npretrain 1\narm frozen { freeze conv*; train 1 }\narm gentle-$act-$slow { invert $act; lr $slow for conv*; train 1 }\neval pmnist.hcut\n',
    );
    const out = path.join(dir, 'run');
    const r = await mfx(['run', file, ...TINY, '--out', out, '--reporter', 'plain']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('gentle-$act-$slow, $act = relu6');
    expect(r.stdout).toContain('gentle-$act-$slow, $act = tanh');
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.status).toBe('done');
    const columns = results.table.columns as { arm: string; template?: string; bindings?: Record<string, string> }[];
    expect(columns.map((c) => c.arm)).toEqual(['frozen', 'gentle-relu6-0.001', 'gentle-relu6-0.0001', 'gentle-tanh-0.001', 'gentle-tanh-0.0001']);
    expect(columns[4]).toMatchObject({ template: 'gentle-$act-$slow', bindings: { act: 'tanh', slow: '0.0001' } });
    const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    const train = plan.arms[1].steps.find((s: { kind: string; pretrain?: boolean }) => s.kind === 'train' && !s.pretrain);
    expect(train.rates).toMatchObject({ 'conv1.weight': 0.001, 'conv2.bias': 0.001 });
    // the two conv rates gave two different networks (the run folder writes `.` in arm names as `_`)
    const weights = (arm: string) => readFileSync(path.join(out, 'weights', arm, 'seed-1', 'step-04-train.mfxw'));
    expect(weights('gentle-relu6-0_001').equals(weights('gentle-relu6-0_0001'))).toBe(false);
  });
});
