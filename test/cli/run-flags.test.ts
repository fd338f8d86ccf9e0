// `mfx run --no-reuse` and `--jobs` from the command line, on tiny slices of MNIST (wasm).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMain as mfx } from './helpers/run-main.js';
import { defaultJobs } from '../../cli/run/jobs.js';

const TINY = ['--backend', 'wasm', '--train-subset', '128', '--test-subset', '50', '--quiet', '--no-cache'];


const TEXT = `experiment "flags"
arm baseline {
  pretrain 1
}
arm hybrid {
  pretrain 1
  freeze conv*
  invert relu6
  train 1
}
eval pmnist.unmodified
`;

describe('mfx run flags', () => {
  it('--no-reuse recomputes the shared pretraining and gives the same results', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-run-flags-'));
    const file = path.join(dir, 'flags.mfx');
    writeFileSync(file, TEXT);
    const runs = [];
    for (const flags of [[], ['--no-reuse']]) {
      const out = path.join(dir, `run${runs.length}`);
      const r = await mfx(['run', file, ...TINY, '--out', out, ...flags]);
      expect(r.code, r.stderr).toBe(0);
      const events = readFileSync(path.join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      runs.push({
        evals: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).evals,
        reused: events.filter((e) => e.type === 'step-end' && e.status === 'reused').length,
        epochs: events.filter((e) => e.type === 'epoch-end').length,
      });
    }
    expect(runs[1].evals).toEqual(runs[0].evals);
    expect(runs[0].reused).toBe(2); // the hybrid's pretraining and its snapshot eval
    expect(runs[1].reused).toBe(0);
    expect(runs[1].epochs).toBe(runs[0].epochs + 1);
  });

  it('--jobs needs a whole number above 0; the default is $MFX_JOBS or one per core', async () => {
    const r = await mfx(['run', 'x.mfx', '--jobs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jobs needs a whole number above 0/);
    expect(defaultJobs({ MFX_JOBS: '3' })).toBe(3);
    expect(defaultJobs({})).toBeGreaterThanOrEqual(1);
  });
});
