// examples/research-code.mfx end to end on a tiny slice: the research code's net, its five arms and
// its alternation order, with the epoch counts cut down (10 → 1; `train 10 alternate` → 2, one
// normal and one inverted epoch) and one seed. The file itself is what is cut down, so this
// follows any change to it. On 128 images nothing is learnt yet (every arm stays near chance);
// what this checks is that the file runs as written, not what it finds.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain as mfx } from './helpers/run-main.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The example with 1 epoch per phase, 2 alternating epochs and one seed. */
function researchCodeSlice(): string {
  const text = readFileSync(path.join(ROOT, 'examples/research-code.mfx'), 'utf8');
  const cut = text
    .replace(/^repeat 3\n/m, '')
    .replace(/^(\s*)train 10 alternate$/gm, '$1train 2 alternate')
    .replace(/^(\s*)(pre)?train 10$/gm, '$1$2train 1');
  expect(cut).not.toMatch(/train 10|repeat/);
  return cut;
}

describe('examples/research-code.mfx on a slice', () => {
  it('runs all five arms; hybrid_alt trains on own features, then inverted, and is scored inverted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-research-'));
    const file = path.join(dir, 'research-code.mfx');
    writeFileSync(file, researchCodeSlice());
    const out = path.join(dir, 'run');
    const r = await mfx(['run', file, '--backend', 'wasm', '--train-subset', '128', '--test-subset', '50', '--no-cache', '--no-report', '--jobs', '1', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.status).toBe('done');
    expect(results.seeds).toEqual([42]);
    const finals = results.evals.filter((e: { label: string }) => e.label === 'final');
    const arms = ['normal', 'negative_relu', 'hybrid', 'hybrid_nr', 'hybrid_alt'];
    expect([...new Set(finals.map((e: { arm: string }) => e.arm))]).toEqual(arms);
    for (const e of finals) {
      expect(e.n).toBe(50);
      expect(Number.isFinite(e.loss)).toBe(true);
    }
    expect(finals).toHaveLength(arms.length * 5);

    const events = readFileSync(path.join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const epochs = (arm: string) => events.filter((e) => e.type === 'epoch-end' && e.arm === arm).map((e) => e.inverted);
    expect(epochs('normal')).toEqual([false]);
    expect(epochs('negative_relu')).toEqual([true]);
    expect(epochs('hybrid')).toEqual([true]); // its pretraining is shared: computed in normal
    expect(epochs('hybrid_nr')).toEqual([true]);
    expect(epochs('hybrid_alt')).toEqual([false, true]); // odd epoch own features, even inverted
    for (const e of events.filter((ev) => ev.type === 'epoch-end')) expect(Number.isFinite(e.loss)).toBe(true);
  });
});
