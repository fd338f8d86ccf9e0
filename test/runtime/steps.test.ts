// Each step kind changes exactly the parameters it should.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend/select.js';
import { createNetwork, disposeNetwork, type Network } from '../../runtime/model/network.js';
import { Optimizer } from '../../runtime/training/optimizer.js';
import { trainEpoch } from '../../runtime/training/train-epoch.js';
import { executePlan, epochFeature, savePathForSeed } from '../../runtime/run/execute.js';
import { decodeTensorFile } from '../../runtime/store/tensor-file.js';
import { WEIGHTS_KIND } from '../../runtime/store/weights-file.js';
import type { RunEvent } from '../../runtime/events.js';
import type { StepSpec } from '../../compiler/plan.js';
import { ALL_PARAMS, CONV_PARAMS, FC_PARAMS, arm, evalStep, syntheticData, syntheticImages, tinyModel, tinyPlan, train } from './helpers/tiny-plan.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function snapshot(net: Network): Record<string, Float32Array> {
  return Object.fromEntries([...net.params].map(([n, v]) => [n, (v.dataSync() as Float32Array).slice()]));
}

async function trainOnce(trainable: string[]): Promise<{ before: Record<string, Float32Array>; after: Record<string, Float32Array> }> {
  const net = createNetwork(tinyModel(), 1);
  const optimizer = new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.5 });
  const before = snapshot(net);
  const out = await trainEpoch({ net, optimizer, data: syntheticImages(24, 4), batchSize: 8, trainable, feature: { kind: 'model' }, lr: 0.1, seed: 1, stepIndex: 0, epoch: 1 });
  expect(out.kind).toBe('done');
  const after = snapshot(net);
  disposeNetwork(net);
  optimizer.dispose();
  return { before, after };
}

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('train', () => {
  it('with conv* frozen updates fc1/fc2 and leaves conv parameters bit-identical', async () => {
    const { before, after } = await trainOnce(FC_PARAMS);
    for (const n of CONV_PARAMS) expect(same(before[n], after[n]), n).toBe(true);
    for (const n of FC_PARAMS) expect(same(before[n], after[n]), n).toBe(false);
  });

  it('with conv*.weight frozen still trains the conv biases (per-parameter freezing)', async () => {
    const trainable = ALL_PARAMS.filter((n) => !(n.startsWith('conv') && n.endsWith('.weight')));
    const { before, after } = await trainOnce(trainable);
    expect(same(before['conv1.weight'], after['conv1.weight'])).toBe(true);
    expect(same(before['conv2.weight'], after['conv2.weight'])).toBe(true);
    expect(same(before['conv1.bias'], after['conv1.bias'])).toBe(false);
    expect(same(before['conv2.bias'], after['conv2.bias'])).toBe(false);
  });

  it('keeps the number of live tensors flat across an epoch', async () => {
    const net = createNetwork(tinyModel(), 1);
    const optimizer = new Optimizer({ kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const req = { net, optimizer, data: syntheticImages(24, 4), batchSize: 8, trainable: ALL_PARAMS, feature: { kind: 'inverted', activation: 'relu6' } as const, lr: 0.01, seed: 1, stepIndex: 0 };
    await trainEpoch({ ...req, epoch: 1 }); // creates the optimiser state
    const before = tf.memory().numTensors;
    await trainEpoch({ ...req, epoch: 2 });
    expect(tf.memory().numTensors).toBe(before);
    disposeNetwork(net);
    optimizer.dispose();
  });
});

describe('train N alternate', () => {
  it('uses the model\'s own features on odd epochs and the inverted ones on even ones (the research code\'s hybrid_alt)', () => {
    const step = train(4, { alternate: true, feature: { kind: 'inverted', activation: 'tanh' } });
    if (step.kind !== 'train') throw new Error('unreachable');
    expect([1, 2, 3, 4].map((e) => epochFeature(step, e))).toEqual([{ kind: 'model' }, { kind: 'inverted', activation: 'tanh' }, { kind: 'model' }, { kind: 'inverted', activation: 'tanh' }]);
  });

  it('so an even count ends on the inversion in force', () => {
    const step = train(10, { alternate: true, feature: { kind: 'inverted', activation: 'relu' } });
    if (step.kind !== 'train') throw new Error('unreachable');
    expect(epochFeature(step, 10)).toEqual(step.feature);
    expect(epochFeature(step, 9)).toEqual({ kind: 'model' });
  });
});

function readWeights(file: string): Record<string, Float32Array> {
  return Object.fromEntries(decodeTensorFile(readFileSync(file), WEIGHTS_KIND, file).tensors.map((t) => [t.name, t.values]));
}

describe('executor steps', () => {
  it('trains with the per-parameter rates a train step carries (`lr X for SEL`)', async () => {
    const run = async (rates?: Record<string, number>) => {
      const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-rates-')), 'run');
      const step = { ...train(1, { lr: 0.05 }), ...(rates ? { rates } : {}) } as StepSpec;
      await executePlan(tinyPlan([arm('main', [step, evalStep('final')])]), { backend: 'cpu', runDir: dir, onEvent: () => undefined, loadData: syntheticData() });
      return readWeights(path.join(dir, 'weights', 'main', 'seed-1', 'step-00-train.mfxw'));
    };
    const init = snapshot(createNetwork(tinyModel(), 1));
    const moved = (w: Record<string, Float32Array>, n: string) => w[n].reduce((a, v, i) => a + Math.abs(v - init[n][i]), 0);
    const plain = await run();
    const sameRate = await run(Object.fromEntries(CONV_PARAMS.map((n) => [n, 0.05])));
    const slow = await run(Object.fromEntries(CONV_PARAMS.map((n) => [n, 0.0005])));
    for (const n of ALL_PARAMS) expect(same(plain[n], sameRate[n]), n).toBe(true);
    for (const n of CONV_PARAMS) expect(moved(slow, n)).toBeLessThan(moved(plain, n) / 10);
  });

  it('reset re-initialises only the selected parameters, within the init bounds; freeze and eval change nothing', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mfx-steps-')), 'run');
    const events: RunEvent[] = [];
    const plan = tinyPlan([
      arm('main', [
        train(1),
        { kind: 'freeze', params: CONV_PARAMS, stateKey: '' },
        evalStep('pretrained'),
        { kind: 'reset', params: FC_PARAMS, stateKey: '' },
        train(2, { trainable: FC_PARAMS, alternate: true, feature: { kind: 'inverted', activation: 'relu6' } }),
        evalStep('final'),
      ]),
    ]);
    await executePlan(plan, { backend: 'cpu', runDir: dir, onEvent: (e) => events.push(e), loadData: syntheticData() });
    const w = (step: number, kind: string) => readWeights(path.join(dir, 'weights', 'main', 'seed-1', `step-0${step}-${kind}.mfxw`));
    const trained = w(0, 'train');
    const reset = w(3, 'reset');
    const final = w(4, 'train');
    for (const n of CONV_PARAMS) {
      expect(same(trained[n], reset[n]), n).toBe(true);
      expect(same(reset[n], final[n]), n).toBe(true);
    }
    for (const p of tinyModel().params.filter((q) => FC_PARAMS.includes(q.name))) {
      expect(same(trained[p.name], reset[p.name]), p.name).toBe(false);
      const bound = 1 / Math.sqrt(p.fanIn);
      for (const v of reset[p.name]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    }
    const epochs = events.filter((e) => e.type === 'epoch-end' && e.step === 4).map((e) => e.type === 'epoch-end' && e.inverted);
    expect(epochs).toEqual([false, true]); // own features first, the inversion last
    expect(events.filter((e) => e.type === 'eval-result').length).toBe(4);
  });
});

describe('save with repeat', () => {
  it('gives every seed its own file', () => {
    expect(savePathForSeed('net.mfxw', 2, 1)).toBe('net.mfxw');
    expect(savePathForSeed('out/net.mfxw', 2, 3)).toBe('out/net-seed2.mfxw');
    expect(savePathForSeed('weights', 4, 3)).toBe('weights-seed4');
    expect(savePathForSeed('dir.v1/weights', 4, 3)).toBe('dir.v1/weights-seed4');
  });
});
