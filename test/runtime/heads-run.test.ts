// Heads through executePlan (issue 15): a run resumed in the middle of a head's training and a
// run served from the cross-run cache after a head step end bit for bit where an uninterrupted,
// uncached run does; the heads' weights travel in checkpoints, weights files and cache entries.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../runtime/backend/select.js';
import { executePlan } from '../../runtime/run/execute.js';
import { RunFolder } from '../../runtime/store/run-folder.js';
import { decodeTensorFile } from '../../runtime/store/tensor-file.js';
import { readCheckpoint } from '../../runtime/store/checkpoint.js';
import { initialValues, resetPurpose } from '../../runtime/model/init.js';
import type { RunEvent } from '../../runtime/events.js';
import type { FeatureTransform, Plan } from '../../compiler/plan.js';
import { FC_PARAMS, arm, evalStep, syntheticData, tinyModel, tinyPlan, train } from './helpers/tiny-plan.js';
import { headParams, headStep, keyed, onHeads } from './helpers/heads.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const INVERTED: FeatureTransform = { kind: 'inverted', activation: 'relu6' };
const HEADS = { main: { kind: 'model' } as FeatureTransform, missing: INVERTED };
const MISSING = headStep(tinyModel(), 'missing');
const MISSING_PARAMS = headParams(MISSING);

/**
 * The design's synergy arm in miniature: pretrain, `head missing`, `invert relu6 on missing`,
 * train the missing head alone, then both heads on their summed logits for `tailEpochs`; eval
 * the missing head and the sum. Every step has a stateKey (the tail's depends on its length).
 */
function synergyPlan(tailEpochs: number): Plan {
  const steps = [
    train(2, { pretrain: true }),
    MISSING,
    onHeads(train(2, { trainable: MISSING_PARAMS }), ['missing'], HEADS),
    onHeads(train(tailEpochs, { trainable: [...FC_PARAMS, ...MISSING_PARAMS] }), ['main', 'missing'], HEADS),
    onHeads(evalStep('missing'), ['missing'], HEADS),
    onHeads(evalStep('final'), ['main', 'missing'], HEADS),
  ];
  return tinyPlan(
    [
      arm('baseline', keyed('baseline', [train(3), evalStep('final')])),
      arm('synergy', keyed('synergy', steps, (i) => (i >= 3 ? `synergy/${i}/${tailEpochs}` : `synergy/${i}`)), { arm: 'baseline', label: 'final', reason: 'baseline-arm' }),
    ],
    { seeds: [1, 2], repeat: 2 },
  );
}

const freshDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'mfx-heads-')), 'run');

async function run(plan: Plan, opts: { dir?: string; signal?: AbortSignal; resume?: boolean; cacheDir?: string; onEvent?: (e: RunEvent) => void } = {}) {
  const events: RunEvent[] = [];
  const dir = opts.dir ?? freshDir();
  const results = await executePlan(plan, {
    backend: 'cpu',
    runDir: dir,
    loadData: syntheticData(),
    batchEventIntervalMs: 0,
    signal: opts.signal,
    resume: opts.resume,
    cacheDir: opts.cacheDir,
    onEvent: (e) => {
      events.push(e);
      opts.onEvent?.(e);
    },
  });
  return { results, events, dir };
}

/** The tensors of the weights file written after step `step` of the synergy arm. */
function weightsAfter(dir: string, seed: number, step: number, kind: string): Record<string, number[]> {
  const file = RunFolder.open(dir, synergyPlan(1)).weightsFile('synergy', seed, step, kind);
  return Object.fromEntries(decodeTensorFile(readFileSync(file), 'mfx.weights', file).tensors.map((t) => [t.name, Array.from(t.values)]));
}

const reusedSteps = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'step-end' && e.status === 'reused' ? [`${e.arm}/${e.seed}/${e.step}`] : []));

describe('heads in a run', () => {
  it('evaluates each labelled head expression and stores the heads in weights files', async () => {
    const { results, dir } = await run(synergyPlan(1));
    expect(results.status).toBe('done');
    const labels = [...new Set(results.evals.filter((e) => e.arm === 'synergy').map((e) => e.label))];
    expect(labels).toEqual(['missing', 'final']);
    const missing = results.evals.find((e) => e.arm === 'synergy' && e.label === 'missing' && e.seed === 1)!;
    const final = results.evals.find((e) => e.arm === 'synergy' && e.label === 'final' && e.seed === 1)!;
    expect(missing.loss).not.toBe(final.loss);
    // The labelled head evaluation gets a column of its own beside the arm's, with its Delta against the arm's baseline.
    expect(results.table.columns.map((c) => [c.arm, c.label, c.labelled ?? false])).toEqual([
      ['baseline', 'final', false],
      ['synergy', 'final', false],
      ['synergy', 'missing', true],
    ]);
    const column = results.table.columns[2];
    const base = (seed: number) => results.evals.find((e) => e.arm === 'baseline' && e.seed === seed && e.testSet === 'pmnist.hcut')!.accuracy;
    const own = (seed: number) => results.evals.find((e) => e.arm === 'synergy' && e.label === 'missing' && e.seed === seed && e.testSet === 'pmnist.hcut')!.accuracy;
    expect(column.cells['pmnist.hcut'].delta!.values).toEqual([own(1) - base(1), own(2) - base(2)]);
    const markdown = readFileSync(path.join(dir, 'results.md'), 'utf8');
    expect(markdown).toContain('| synergy acc % | synergy Δ vs baseline | synergy@missing acc % | synergy@missing Δ vs baseline |');
    const afterHead = weightsAfter(dir, 1, 1, 'head');
    const afterMissing = weightsAfter(dir, 1, 2, 'train');
    expect(Object.keys(afterHead).sort()).toEqual([...FC_PARAMS, ...MISSING_PARAMS, 'conv1.bias', 'conv1.weight', 'conv2.bias', 'conv2.weight'].sort());
    // Training on `missing` alone moves its head and nothing else.
    for (const name of Object.keys(afterHead)) {
      if (MISSING_PARAMS.includes(name)) expect(afterMissing[name]).not.toEqual(afterHead[name]);
      else expect(afterMissing[name]).toEqual(afterHead[name]);
    }
  });

  it('resets a head\'s parameters like any others (`reset missing.*`), leaving the rest as trained', async () => {
    const steps = [train(1), MISSING, onHeads(train(1, { trainable: MISSING_PARAMS }), ['missing'], HEADS), { kind: 'reset' as const, params: MISSING_PARAMS, stateKey: '' }, onHeads(evalStep('final'), ['main', 'missing'], HEADS)];
    const plan = tinyPlan([arm('reset', steps)]);
    const { results, dir } = await run(plan);
    expect(results.status).toBe('done');
    const file = (step: number, kind: string) => {
      const f = RunFolder.open(dir, plan).weightsFile('reset', 1, step, kind);
      return Object.fromEntries(decodeTensorFile(readFileSync(f), 'mfx.weights', f).tensors.map((t) => [t.name, Array.from(t.values)]));
    };
    const trained = file(2, 'train');
    const reset = file(3, 'reset');
    for (const p of MISSING.params) {
      expect(reset[p.name]).toEqual(Array.from(initialValues(p, 1, resetPurpose(3))));
      expect(reset[p.name]).not.toEqual(trained[p.name]);
    }
    for (const name of Object.keys(trained).filter((n) => !MISSING_PARAMS.includes(n))) expect(reset[name]).toEqual(trained[name]);
  });

  it('resumes an arm stopped in the middle of a head\'s training with the uninterrupted results', async () => {
    const plan = synergyPlan(1);
    const whole = await run(plan);
    const controller = new AbortController();
    let batches = 0;
    const first = await run(plan, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'batch' && e.arm === 'synergy' && e.seed === 2 && e.step === 2 && e.epoch === 2 && ++batches === 2) controller.abort();
      },
    });
    expect(first.results.status).toBe('stopped');
    const ckpt = readCheckpoint(RunFolder.open(first.dir, plan).checkpointFile('synergy', 2))!;
    expect(ckpt.meta).toMatchObject({ nextStep: 2, epochsDone: 1, status: 'running' });
    expect(ckpt.params.map((p) => p.name)).toEqual(expect.arrayContaining(MISSING_PARAMS));
    const resumed = await run(plan, { dir: first.dir, resume: true });
    expect(resumed.results.status).toBe('done');
    expect(resumed.results.evals).toEqual(whole.results.evals);
    expect(resumed.results.table).toEqual(whole.results.table);
    expect(weightsAfter(resumed.dir, 2, 3, 'train')).toEqual(weightsAfter(whole.dir, 2, 3, 'train'));
  });

  it('continues from a cached state taken after a head step with the results of a run without the cache', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'mfx-heads-cache-'));
    await run(synergyPlan(1), { cacheDir });
    const fromCache = await run(synergyPlan(2), { cacheDir });
    const computed = await run(synergyPlan(2));
    // The pretraining, the head and the missing head's training come from the cache; the longer tail is computed.
    expect(reusedSteps(fromCache.events)).toEqual(['baseline/1/0', 'synergy/1/0', 'synergy/1/1', 'synergy/1/2', 'baseline/2/0', 'synergy/2/0', 'synergy/2/1', 'synergy/2/2']);
    expect(fromCache.results.evals).toEqual(computed.results.evals);
    expect(fromCache.results.table).toEqual(computed.results.table);
    for (const seed of [1, 2]) expect(weightsAfter(fromCache.dir, seed, 3, 'train')).toEqual(weightsAfter(computed.dir, seed, 3, 'train'));
    // And an identical rerun is served whole (up to its evals) from the cache, with the same numbers.
    const again = await run(synergyPlan(2), { cacheDir });
    expect(again.results.evals).toEqual(computed.results.evals);
    expect(reusedSteps(again.events)).toContain('synergy/1/3');
  });
});
