import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDifferences } from '../../cli/report/plan-diff.js';
import { diffSequences } from '../../cli/report/sequence-diff.js';
import { buildFixture, DEFAULT_ARMS, type ArmSketch, writeRunFolder } from './report-fixtures.js';
import { runCli } from './report-helpers.js';

const parent = mkdtempSync(join(tmpdir(), 'mfx-compare-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

function arms(edit: (a: ArmSketch[]) => void): ArmSketch[] {
  const copy = structuredClone(DEFAULT_ARMS);
  edit(copy);
  return copy;
}

describe('mfx compare', () => {
  it('prints one table across runs and the plan differences in words', async () => {
    const a = writeRunFolder(buildFixture(), parent);
    const b = writeRunFolder(
      buildFixture({ lr: 0.05, arms: arms((x) => x[1].steps.splice(4, 1)), bonus: { hybrid: 1, 'hybrid-nr': 2 } }),
      parent,
    );
    const { code, stdout, stderr } = await runCli(['compare', a, b]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const run of ['A', 'B']) for (const arm of ['baseline', 'hybrid', 'hybrid-nr']) expect(stdout).toMatch(new RegExp(`\\| ${run} \\| ${arm} \\| \\d`));
    expect(stdout).toContain('`pmnist.tcut`');
    expect(stdout).toContain('- optimizer lr 0.01 → 0.05');
    expect(stdout).toContain('- arm `hybrid`: step 4 `reset fc1, fc2` removed');
    // A's hybrid gains ~5 points on hcut, B's ~1: the table shows both.
    expect(stdout).toMatch(/\| A \| hybrid \| hybrid\/pretrained \| [^|]+ \| \+[45]\./);
    expect(stdout).toMatch(/\| B \| hybrid \| hybrid\/pretrained \| [^|]+ \| \+[01]\./);
  });

  it('says so when two runs have the same plan and conditions', async () => {
    const a = writeRunFolder(buildFixture(), parent);
    const b = writeRunFolder(buildFixture(), parent);
    const { code, stdout } = await runCli(['compare', a, b]);
    expect(code).toBe(0);
    expect(stdout).toContain('same plan and conditions');
  });

  it('marks test sets that not every run has', async () => {
    const a = writeRunFolder(buildFixture(), parent);
    const b = writeRunFolder(buildFixture({ testSets: ['pmnist.unmodified', 'pmnist.hcut'] }), parent);
    const { stdout } = await runCli(['compare', a, b]);
    expect(stdout).toContain('Not every run evaluated `pmnist.vcut`, `pmnist.dcut`, `pmnist.tcut`');
    expect(stdout).toContain('test sets pmnist.* → pmnist.unmodified, pmnist.hcut');
  });

  it('writes HTML with --out x.html', async () => {
    const a = writeRunFolder(buildFixture(), parent);
    const b = writeRunFolder(buildFixture({ seeds: [1] }), parent);
    const out = join(parent, 'cmp.html');
    const { code } = await runCli(['compare', a, b, '--out', out]);
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('seeds 1..3 (repeat 3) → seed 1');
  });
});

describe('mfx compare errors', () => {
  const good = () => writeRunFolder(buildFixture(), parent);

  async function expectError(args: string[], code: number, message: RegExp) {
    const r = await runCli(['compare', ...args]);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr.trim().split('\n')).toHaveLength(1); // one paragraph
  }

  it('rejects a missing folder', async () => {
    await expectError([good(), join(parent, 'nope')], 1, /run folder `.*nope` does not exist/);
  });

  it('rejects a folder without results.json', async () => {
    const dir = good();
    rmSync(join(dir, 'results.json'));
    await expectError([good(), dir], 1, /has no results\.json/);
  });

  it('rejects an invalid results.json', async () => {
    const dir = good();
    writeFileSync(join(dir, 'results.json'), '{"schema": "mfx.results", "version": 1, "evals": [');
    await expectError([good(), dir], 1, /cannot read `.*results\.json`: it is not valid JSON/);
  });

  it('rejects a results.json of another kind', async () => {
    const dir = good();
    writeFileSync(join(dir, 'results.json'), '{"hello": 1}');
    await expectError([good(), dir], 1, /it is not an mfx results file/);
  });

  it('rejects a folder without plan.json (nothing to diff)', async () => {
    const dir = good();
    rmSync(join(dir, 'plan.json'));
    await expectError([good(), dir], 1, /has no plan\.json/);
  });

  it('rejects a plan.json edited by hand (its hash no longer matches)', async () => {
    const dir = good();
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    plan.batch = 32;
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    await expectError([good(), dir], 1, /cannot read `.*plan\.json`: invalid plan: hash: does not match the plan contents/);
  });

  it('rejects a file given as a folder', async () => {
    const file = join(parent, 'afile.txt');
    writeFileSync(file, 'x');
    await expectError([good(), file], 1, /is a file, not a run folder/);
  });

  it('needs two runs (usage error)', async () => {
    await expectError([good()], 2, /needs at least two run folders/);
  });
});

describe('plan differences', () => {
  it('pairs an edited step and reports added and removed ones with positions', () => {
    expect(diffSequences(['train 1', 'freeze fc1', 'eval'], ['train 1', 'freeze fc2', 'eval', 'save "w"'])).toEqual([
      { kind: 'changed', oldIndex: 2, newIndex: 2, from: 'freeze fc1', to: 'freeze fc2' },
      { kind: 'added', index: 4, text: 'save "w"' },
    ]);
    expect(diffSequences(['a', 'b'], ['b'])).toEqual([{ kind: 'removed', index: 1, text: 'a' }]);
    expect(diffSequences(['a'], ['a'])).toEqual([]);
    // Pairs by kind: the reset was removed and the train edited, not "reset → train".
    expect(diffSequences(['invert relu6', 'reset fc1', 'train 2', 'eval'], ['invert relu6', 'train 3', 'eval'])).toEqual([
      { kind: 'removed', index: 2, text: 'reset fc1' },
      { kind: 'changed', oldIndex: 3, newIndex: 2, from: 'train 2', to: 'train 3' },
    ]);
  });

  it('describes model, batch, baseline, arms and conditions outside the plan', () => {
    const a = buildFixture();
    const b = buildFixture({ arms: arms((x) => x.pop()) });
    b.plan.hash = 'other';
    b.plan.batch = 128;
    b.plan.shards = 2;
    const fc1 = b.plan.model.layers[8];
    if (fc1.kind === 'dense') fc1.units = 100;
    b.plan.model.totalParams = 38_000;
    b.plan.arms[1].baseline = { arm: 'baseline', label: 'final', reason: 'named' };
    b.results.backend = 'wasm';
    b.results.subset = { train: null, test: null };
    const diffs = describeDifferences(a, b);
    expect(diffs).toEqual([
      'model: layer 9 `fc1: dense 50` → `fc1: dense 100`',
      'model parameters 21,840 → 38,000',
      'batch 64 → 128',
      'shards 1 → 2',
      'arm `hybrid-nr` removed',
      'arm `hybrid`: baseline hybrid/pretrained → baseline/final',
      'backend cpu → wasm (not in the plan)',
      'data first 1000 training images, first 500 test images per set → all training images, all test images (not in the plan)',
    ]);
  });

  it('folds parameters to layers and test sets to globs, and shows an added arm in full', () => {
    const a = buildFixture({ arms: [DEFAULT_ARMS[0]] });
    const b = buildFixture({ arms: [DEFAULT_ARMS[0], { name: 'wonly', steps: [{ pretrain: 1 }, { freeze: ['conv1.weight', 'conv2.weight'] }, { invert: 'relu' }, { train: 1 }, { eval: 'final' }] }] });
    expect(describeDifferences(a, b)).toContain('arm `wonly` added: `pretrain 1; freeze conv1.weight, conv2.weight; invert relu; train 1; eval pmnist.*`');
  });
});

