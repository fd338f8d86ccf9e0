import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticContents, tempDir, writeIdxFolder } from '../runtime/data/idx-fixture.js';
import { runMfx } from './data-helpers.js';

describe('mfx data list', () => {
  it('lists the datasets and the nine MNIST test sets with sizes', async () => {
    const r = await runMfx(['data', 'list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/mnist\s+60000 train, 10000 test, 28x28x1, 10 classes/);
    expect(r.stdout).toContain('fashion-mnist');
    for (const name of ['pmnist.unmodified', 'pmnist.hcut', 'pmnist.vcut', 'pmnist.dcut', 'pmnist.tcut', 'pmnist-fill.noise', 'pmnist-fill.blur', 'pmnist-fill.digit', 'pmnist-fill.digits3']) {
      expect(r.stdout).toMatch(new RegExp(`${name.replace('.', '\\.')}\\s+10000`));
    }
    expect(r.stdout).toContain('243 of 784');
  });

  it('lists an IDX folder given with --dir', async () => {
    const dir = writeIdxFolder(syntheticContents(30, 20, 16), { gzip: true });
    const r = await runMfx(['data', 'list', '--dataset', 'idx', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`30 train, 20 test, 16x16x1`);
    expect(r.stdout).toMatch(/pidx\.tcut\s+20/);
  });

  it('fails with the install remedy when fashion-mnist is asked for and absent', async () => {
    const dir = path.join(tempDir(), 'none');
    const r = await runMfx(['data', 'list', '--dataset', 'fashion-mnist', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apt-get install dataset-fashion-mnist');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('treats an unknown dataset kind and idx without --dir as usage errors', async () => {
    expect((await runMfx(['data', 'list', '--dataset', 'cifar'])).code).toBe(2);
    const r = await runMfx(['data', 'list', '--dataset', 'idx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dir');
  });
});
