import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend/select.js';
import { executePlan } from '../../runtime/run/execute.js';
import { RunFolderError } from '../../runtime/store/run-folder.js';
import { runFolderText } from '../../cli/run/error-text.js';
import type { RunEvent } from '../../runtime/events.js';
import type { Plan } from '../../compiler/plan.js';
import { FC_PARAMS, arm, evalStep, syntheticData, tinyPlan, train } from './helpers/tiny-plan.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const freshDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'mfx-exec-')), 'run');

function hybridPlan(extra: Partial<Plan> = {}): Plan {
  return tinyPlan(
    [
      arm('baseline', [train(3), evalStep('final')]),
      arm('hybrid', [
        train(2, { pretrain: true }),
        evalStep('pretrained'),
        { kind: 'reset', params: FC_PARAMS, stateKey: '' },
        train(3, { trainable: FC_PARAMS, feature: { kind: 'inverted', activation: 'relu6' } }),
        evalStep('final', undefined, { kind: 'inverted', activation: 'relu6' }),
      ], { arm: 'baseline', label: 'final', reason: 'baseline-arm' }),
    ],
    extra,
  );
}

async function run(plan: Plan, dir = freshDir(), opts: { signal?: AbortSignal; resume?: boolean; onEvent?: (e: RunEvent) => void } = {}) {
  const events: RunEvent[] = [];
  const results = await executePlan(plan, {
    backend: 'cpu',
    runDir: dir,
    loadData: syntheticData(),
    batchEventIntervalMs: 0,
    signal: opts.signal,
    resume: opts.resume,
    onEvent: (e) => {
      events.push(e);
      opts.onEvent?.(e);
    },
  });
  return { results, events, dir };
}

describe('executePlan', () => {
  it('gives the same results for the same seed and different ones for another seed', async () => {
    const a = await run(hybridPlan());
    const b = await run(hybridPlan());
    const c = await run(hybridPlan({ seeds: [2], seed: 2 }));
    expect(b.results.evals).toEqual(a.results.evals);
    expect(b.results.table).toEqual(a.results.table);
    expect(c.results.evals.map((e) => e.loss)).not.toEqual(a.results.evals.map((e) => e.loss));
  });

  it('leaves no tensors behind after a run', async () => {
    await run(hybridPlan()); // warm-up: backend-level constants are created once
    const before = tf.memory().numTensors;
    await run(hybridPlan());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes the run folder: plan, events, results as json/csv/md, weights and checkpoints', async () => {
    const { dir, events } = await run(hybridPlan());
    for (const f of ['plan.json', 'run.json', 'events.jsonl', 'results.json', 'results.csv', 'results.md']) expect(existsSync(path.join(dir, f)), f).toBe(true);
    const lines = readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(events.length);
    expect(JSON.parse(lines.at(-1)!).type).toBe('run-end');
    expect(readdirSync(path.join(dir, 'weights', 'hybrid', 'seed-1')).sort()).toEqual(['step-00-train.mfxw', 'step-02-reset.mfxw', 'step-03-train.mfxw']);
    const md = readFileSync(path.join(dir, 'results.md'), 'utf8');
    expect(md).toMatch(/\| test set \| baseline acc % \| hybrid acc % \| hybrid Δ vs baseline \|/);
    expect(md).toMatch(/\| pmnist\.hcut \|/);
  });

  it('reports mean, std and paired Delta over repeated seeds', async () => {
    const { results } = await run(hybridPlan({ seeds: [1, 2, 3], seed: 1, repeat: 3 }));
    const col = results.table.columns.find((c) => c.arm === 'hybrid')!;
    const cell = col.cells['pmnist.unmodified'];
    expect(cell.accuracy.n).toBe(3);
    const base = results.table.columns.find((c) => c.arm === 'baseline')!.cells['pmnist.unmodified'].accuracy.values;
    expect(cell.delta!.values).toEqual(cell.accuracy.values.map((v, i) => v - base[i]));
    const mean = cell.accuracy.values.reduce((x, y) => x + y, 0) / 3;
    const sd = Math.sqrt(cell.accuracy.values.reduce((x, v) => x + (v - mean) ** 2, 0) / 2);
    expect(cell.accuracy.std).toBeCloseTo(sd, 12);
  });

  it('stops only the arm whose loss diverges, with the epoch and batch', async () => {
    const plan = tinyPlan([arm('baseline', [train(2), evalStep('final')]), arm('wild', [train(2, { lr: 1e30 }), evalStep('final')], { arm: 'baseline', label: 'final', reason: 'baseline-arm' })]);
    const { results, events } = await run(plan);
    const wild = results.table.columns.find((c) => c.arm === 'wild')!;
    expect(wild.status['1']).toMatch(/^diverged at epoch 1 batch \d+ \(loss (NaN|Infinity|-Infinity)\)$/);
    expect(results.table.columns.find((c) => c.arm === 'baseline')!.status['1']).toBe('done');
    expect(results.status).toBe('done');
    expect(events.some((e) => e.type === 'arm-end' && e.arm === 'wild' && e.status === 'diverged')).toBe(true);
  });

  it('resumes an aborted run from its last completed epoch and ends with the uninterrupted results', async () => {
    const plan = hybridPlan({ seeds: [1, 2], seed: 1, repeat: 2 });
    const whole = await run(plan);

    const controller = new AbortController();
    let batches = 0;
    // Abort mid-epoch in the hybrid arm's second training step (after some checkpoints exist).
    const first = await run(plan, freshDir(), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'batch' && e.arm === 'hybrid' && e.step === 3 && e.epoch === 2 && ++batches === 2) controller.abort();
      },
    });
    expect(first.results.status).toBe('stopped');
    const resumed = await run(plan, first.dir, { resume: true });
    expect(resumed.results.status).toBe('done');
    expect(resumed.results.evals).toEqual(whole.results.evals);
    expect(resumed.results.table).toEqual(whole.results.table);
    expect(resumed.events[0].type === 'run-start' && resumed.events[0].resumed).toBe(true);
  });

  it('refuses to resume a folder made from a different plan', async () => {
    const { dir } = await run(tinyPlan([arm('main', [train(1), evalStep('final')])]));
    const other = tinyPlan([arm('main', [train(2), evalStep('final')])], { hash: 'another-hash' });
    await expect(run(other, dir, { resume: true })).rejects.toThrow(/different plan/);
  });

  it('gives a clear error for a damaged checkpoint', async () => {
    const controller = new AbortController();
    const plan = tinyPlan([arm('main', [train(3), evalStep('final')])]);
    const first = await run(plan, freshDir(), {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'epoch-end' && e.epoch === 2) controller.abort();
      },
    });
    const ckpt = path.join(first.dir, 'checkpoints', 'main', 'seed-1.mfxc');
    const bytes = readFileSync(ckpt);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(ckpt, bytes);
    const err = await run(plan, first.dir, { resume: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunFolderError);
    // The runtime says what is wrong as data; the CLI words it with the remedy.
    expect((err as RunFolderError).problem).toMatchObject({ kind: 'damaged-checkpoint', arm: 'main', seed: 1 });
    expect(runFolderText((err as RunFolderError).problem)).toMatch(/seed-1\.mfxc is damaged.*Delete that file/);
  });
});

describe('shared prefixes', () => {
  const prefix = () => [train(2, { pretrain: true }), evalStep('pretrained'), { kind: 'reset' as const, params: FC_PARAMS, stateKey: 'k' }];
  const armA = () => arm('a', [...prefix(), train(1, { trainable: FC_PARAMS }), evalStep('final')]);
  const armB = (sharedPrefix: number) => ({
    ...arm('b', [...prefix(), train(2, { trainable: FC_PARAMS, alternate: true, feature: { kind: 'inverted', activation: 'sigmoid' } }), evalStep('final')]),
    sharedPrefix,
  });

  it('hands the first arm\'s state to a later arm with the same leading steps, with the same results as computing it', async () => {
    const shared = await run(tinyPlan([armA(), armB(3)]));
    const alone = await run(tinyPlan([armB(0)]));
    expect(shared.results.evals.filter((e) => e.arm === 'b')).toEqual(alone.results.evals);
    const reused = shared.events.filter((e) => e.type === 'step-end' && e.arm === 'b' && e.status === 'reused').map((e) => e.type === 'step-end' && e.step);
    expect(reused).toEqual([0, 1, 2]);
    expect(shared.events.some((e) => e.type === 'epoch-end' && e.arm === 'b' && e.step === 0)).toBe(false);
  });
});
