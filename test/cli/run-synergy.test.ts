// examples/synergy.mfx end to end on a tiny slice: two heads on one feature extractor, per-head
// inversion, training on one head and on the sum, and an evaluation per head expression. The
// epoch counts are cut down (10 → 1) in the file itself, so this follows any change to it. On
// 128 images nothing much is learnt; what this checks is that the file runs as written: which
// parameters each train step moved, which head each evaluation read, and the results table.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain as mfx } from './helpers/run-main.js';
import { decodeTensorFile } from '../../runtime/store/tensor-file.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The example with 1 epoch per phase. */
function synergySlice(): string {
  const text = readFileSync(path.join(ROOT, 'examples/synergy.mfx'), 'utf8');
  const cut = text.replace(/\b(pretrain|train) 10\b/g, '$1 1');
  expect(cut).not.toMatch(/train 10|repeat/);
  return cut;
}

interface Eval {
  arm: string;
  label: string;
  testSet: string;
  seed: number;
  accuracy: number;
  loss: number;
  n: number;
}

/** Each tensor of the weights file the arm wrote after the step at index `step` (`step-NN-kind.mfxw`). */
function weights(out: string, arm: string, file: string): Record<string, number[]> {
  const full = path.join(out, 'weights', arm, 'seed-1', file);
  return Object.fromEntries(decodeTensorFile(readFileSync(full), 'mfx.weights', full).tensors.map((t) => [t.name, Array.from(t.values)]));
}

describe('examples/synergy.mfx on a slice', () => {
  it('trains the missing head alone and both heads on their sum, and evaluates each head expression', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-synergy-'));
    const file = path.join(dir, 'synergy.mfx');
    writeFileSync(file, synergySlice());
    const out = path.join(dir, 'run');
    const cache = path.join(dir, 'cache');
    const r = await mfx(['run', file, '--backend', 'wasm', '--train-subset', '128', '--test-subset', '50', '--cache', cache, '--no-report', '--jobs', '1', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.status).toBe('done');
    const evals: Eval[] = results.evals;
    const labels = (arm: string) => [...new Set(evals.filter((e) => e.arm === arm).map((e) => e.label))];
    expect(labels('synergy')).toEqual(['pretrained', 'normal', 'missing', 'synergy', 'final']);
    expect(labels('joint')).toEqual(['pretrained', 'synergy', 'final']);
    for (const e of evals) {
      expect(e.n).toBe(50);
      expect(Number.isFinite(e.loss)).toBe(true);
    }
    // `as normal on main` and the closing `final` (main) read the same head of the same network.
    const of = (arm: string, label: string) => evals.filter((e) => e.arm === arm && e.label === label).map((e) => [e.testSet, e.accuracy, e.loss]);
    expect(of('synergy', 'normal')).toEqual(of('synergy', 'final'));
    expect(of('synergy', 'missing')).not.toEqual(of('synergy', 'final'));
    expect(of('synergy', 'synergy')).not.toEqual(of('synergy', 'missing'));

    // The table: each arm's `final`, and each labelled head evaluation beside it, with a Delta against the baseline.
    const columns = results.table.columns.map((c: { arm: string; label: string; labelled?: boolean; baseline: { arm: string } | null }) => [c.arm, c.label, c.labelled ?? false, c.baseline?.arm ?? null]);
    expect(columns).toEqual([
      ['baseline', 'final', false, null],
      ['synergy', 'final', false, 'baseline'],
      ['synergy', 'normal', true, 'baseline'],
      ['synergy', 'missing', true, 'baseline'],
      ['synergy', 'synergy', true, 'baseline'],
      ['joint', 'final', false, 'baseline'],
      ['joint', 'synergy', true, 'baseline'],
    ]);

    // What each train step moved: the missing head (and the conv biases, left trainable as in the
    // research code) for `train on missing`; both heads, not the convolutions, for `joint`.
    const files = (arm: string) => readdirSync(path.join(out, 'weights', arm, 'seed-1')).sort();
    const head = (arm: string) => files(arm).find((f) => f.endsWith('-head.mfxw'))!;
    const lastTrain = (arm: string) => files(arm).filter((f) => f.endsWith('-train.mfxw')).at(-1)!;
    const moved = (arm: string) => {
      const before = weights(out, arm, head(arm));
      const after = weights(out, arm, lastTrain(arm));
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      return Object.keys(before).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name])).sort();
    };
    const missing = ['missing.fc1.bias', 'missing.fc1.weight', 'missing.fc2.bias', 'missing.fc2.weight'];
    expect(moved('synergy')).toEqual(['conv1.bias', 'conv2.bias', ...missing].sort());
    expect(moved('joint')).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight', ...missing].sort());

    // The missing head reads inverted features, so its training epochs are marked inverted.
    const events = readFileSync(path.join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const epochs = (arm: string) => events.filter((e) => e.type === 'epoch-end' && e.arm === arm).map((e) => e.inverted);
    expect(epochs('synergy')).toEqual([true]); // its pretraining is shared: computed in baseline
    expect(epochs('joint')).toEqual([true]);
    // run-start names the labelled head evaluations, so the live table shows their columns while the run goes.
    expect(events[0]).toMatchObject({ type: 'run-start', headLabels: { synergy: ['normal', 'missing', 'synergy'], joint: ['synergy'] } });

    // The report names each labelled head evaluation ARM@LABEL in the Delta table and the agreement section.
    const report = await mfx(['report', out, '--no-png', '--no-samples']);
    expect(report.code, report.stderr).toBe(0);
    const markdown = readFileSync(path.join(out, 'report.md'), 'utf8');
    for (const name of ['synergy@missing', 'synergy@synergy', 'joint@synergy']) {
      expect(markdown).toMatch(new RegExp(`^\\| ${name} \\| \`baseline\` \\(final\\) \\|`, 'm')); // Delta row
      expect(markdown).toMatch(new RegExp(`^\\| ${name} \\| baseline \\(final\\) \\| unmodified \\|`, 'm')); // agreement row
    }
    // Each sum of heads against each of its heads alone, on the same network (main alone counted once).
    const headRows = markdown.split('\n').filter((l) => /^\| \w+@synergy \| \w+(@\w+)? \| unmodified \|/.test(l)).map((l) => l.split(' | ').slice(0, 2).join(' | '));
    expect(headRows).toEqual(['| synergy@synergy | synergy@normal', '| synergy@synergy | synergy@missing', '| joint@synergy | joint']);

    // Worker threads give the same numbers: head initialisation and training do not depend on where they run.
    const threaded = path.join(dir, 'run-jobs');
    const r2 = await mfx(['run', file, '--backend', 'wasm', '--train-subset', '128', '--test-subset', '50', '--no-cache', '--no-report', '--jobs', '2', '--out', threaded, '--quiet']);
    expect(r2.code, r2.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(threaded, 'results.json'), 'utf8')).evals).toEqual(evals);

    // A rerun served from the cross-run cache (states after every train step, heads included) gives the same numbers.
    const again = path.join(dir, 'run-cached');
    const r3 = await mfx(['run', file, '--backend', 'wasm', '--train-subset', '128', '--test-subset', '50', '--cache', cache, '--no-report', '--jobs', '1', '--out', again, '--quiet']);
    expect(r3.code, r3.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(again, 'results.json'), 'utf8')).evals).toEqual(evals);
    const cachedEvents = readFileSync(path.join(again, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const reused = cachedEvents.filter((e) => e.type === 'step-end' && e.status === 'reused').map((e) => `${e.arm}/${e.step}`);
    expect(reused).toEqual(expect.arrayContaining(['synergy/3', 'synergy/6', 'joint/3', 'joint/5'])); // the head steps and the head trainings
    // Only the baseline's second training is computed: it follows an evaluation, which the cache does not skip.
    expect([...new Set(cachedEvents.filter((e) => e.type === 'epoch-end').map((e) => `${e.arm}/${e.step}`))]).toEqual(['baseline/2']);
  });
});
