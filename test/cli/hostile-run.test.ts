// `mfx run` against failing machines and runs that produce nothing (issue 19): exit codes that
// tell the truth, environment errors in words, run-folder locks, temporary files swept.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_NO_RESULTS } from '../../cli/commands/run.js';
import { runMain as mfx } from './helpers/run-main.js';

const TINY = ['--backend', 'wasm', '--train-subset', '256', '--test-subset', '20', '--quiet', '--no-report', '--no-cache'];
const work = () => mkdtempSync(path.join(tmpdir(), 'mfx-hostile-run-'));

describe('mfx run: exit codes that tell the truth', () => {
  it('exits non-zero when every arm diverges (lr 1e308)', async () => {
    const dir = work();
    const file = path.join(dir, 'diverge.mfx');
    writeFileSync(file, 'optimizer sgd lr 1e308\ntrain 2\neval pmnist.unmodified\n');
    const r = await mfx(['run', file, ...TINY, '--out', path.join(dir, 'run')]);
    expect(r.code, r.stderr).toBe(EXIT_NO_RESULTS);
    expect(r.stderr).toMatch(/no arm produced a result \(diverged/);
    expect(JSON.parse(readFileSync(path.join(dir, 'run', 'results.json'), 'utf8')).evals).toEqual([]);
  });
});
