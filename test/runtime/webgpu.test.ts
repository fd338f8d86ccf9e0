// webgpu parity: a few training steps (all layers; then frozen convolutions, inverted features,
// a reset head and the frozen-feature cache; or a second head trained with the main one on their
// summed logits) and evaluations on webgpu give the cpu backend's
// losses, weights and accuracies within 1e-3 relative (float32 on a GPU sums in another order).
// With no GPU here, Dawn runs on its OpenGL backend over Mesa's software renderer, through the
// test-only MFX_WEBGPU_ALLOW_SOFTWARE=1 (needs libegl1, libgl1-mesa-dri, libegl-mesa0: .ci/run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend/select.js';
import { findAdapter } from '../../runtime/backend/webgpu.js';
import { summary } from '../../runtime/backend/errors.js';
import { addHead, createNetwork, disposeNetwork, forwardCut } from '../../runtime/model/network.js';
import { initialValues } from '../../runtime/model/init.js';
import { Optimizer } from '../../runtime/training/optimizer.js';
import { trainEpoch } from '../../runtime/training/train-epoch.js';
import { evaluate } from '../../runtime/run/evaluate.js';
import { buildFeatureCache } from '../../runtime/reuse/feature-cache.js';
import type { OptimizerSpec } from '../../compiler/plan.js';
import { ALL_PARAMS, FC_PARAMS, syntheticImages, tinyModel } from './helpers/tiny-plan.js';
import { headParams, headStep } from './helpers/heads.js';

process.env.MFX_WEBGPU_ALLOW_SOFTWARE = '1';
const found = await findAdapter(process.env);
const skipReason = found.ok ? '' : ` (skipped: webgpu unavailable here: ${summary(found.problem)})`;
// Visible in the default reporter too, which shows only a count of skipped tests.
if (!found.ok) console.warn(`test/runtime/webgpu.test.ts skipped: webgpu unavailable here: ${summary(found.problem)}; .ci/run installs Mesa's EGL/GL (README, Backends)`);

const RELATIVE = 1e-3;

type Setup = { activation: 'relu6' | 'sigmoid' | 'tanh'; optimizer: OptimizerSpec };

async function scenario(backend: 'cpu' | 'webgpu', setup: Setup) {
  const INVERTED = { kind: 'inverted', activation: setup.activation } as const;
  await initBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const spec = tinyModel();
  const net = createNetwork(spec, 5);
  const optimizer = new Optimizer(setup.optimizer);
  const losses: number[] = [];
  const data = syntheticImages(32, 9);
  const test = syntheticImages(40, 4);
  const onBatch = (_b: number, _n: number, loss: number) => void losses.push(loss);
  // One parameter with its own rate (`lr X for SEL`), as the device update must honour too.
  const common = { net, optimizer, data, batchSize: 8, lr: 0.1, rates: { 'fc2.bias': 0.05 }, seed: 1, onBatch };
  await trainEpoch({ ...common, trainable: ALL_PARAMS, feature: { kind: 'model' }, stepIndex: 0, epoch: 1 });
  const pretrained = await evaluate(net, test, { feature: { kind: 'model' } });
  optimizer.restore(optimizer.save()); // a checkpoint round trip (webgpu: state leaves the device and returns)
  // freeze conv*, invert relu6, reset fc*: train the head on cached inverted features.
  for (const name of FC_PARAMS) {
    const p = spec.params.find((q) => q.name === name)!;
    tf.tidy(() => net.params.get(name)!.assign(tf.tensor(initialValues(p, 5, 'reset'), p.shape, 'float32')));
    optimizer.clear(name);
  }
  const features = await buildFeatureCache(net, data, forwardCut(spec)!);
  for (const epoch of [1, 2]) await trainEpoch({ ...common, trainable: FC_PARAMS, feature: INVERTED, features, stepIndex: 1, epoch });
  const final = await evaluate(net, test, { feature: INVERTED });
  const weights = Object.fromEntries([...net.params].map(([n, v]) => [n, Array.from(v.dataSync())]));
  disposeNetwork(net);
  optimizer.dispose();
  return { losses, weights, pretrained, final };
}

/** Pretraining, then a second head on inverted relu6 features trained with the main head on their summed logits (cached features), evaluated on the sum. */
async function headsScenario(backend: 'cpu' | 'webgpu') {
  await initBackend(backend);
  const spec = tinyModel();
  const net = createNetwork(spec, 6);
  const optimizer = new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.5 });
  const losses: number[] = [];
  const data = syntheticImages(32, 9);
  const common = { net, optimizer, data, batchSize: 8, lr: 0.1, seed: 1, onBatch: (_b: number, _n: number, loss: number) => void losses.push(loss) };
  await trainEpoch({ ...common, trainable: ALL_PARAMS, feature: { kind: 'model' }, stepIndex: 0, epoch: 1 });
  const step = headStep(spec, 'missing');
  addHead(net, step, 6);
  const view = { feature: { kind: 'model' } as const, on: ['main', 'missing'], heads: { main: { kind: 'model' } as const, missing: { kind: 'inverted', activation: 'relu6' } as const } };
  const features = await buildFeatureCache(net, data, forwardCut(spec)!);
  for (const epoch of [1, 2]) await trainEpoch({ ...common, ...view, trainable: [...FC_PARAMS, ...headParams(step)], features, stepIndex: 2, epoch });
  const final = await evaluate(net, syntheticImages(40, 4), view);
  const weights = Object.fromEntries([...net.params].map(([n, v]) => [n, Array.from(v.dataSync())]));
  disposeNetwork(net);
  optimizer.dispose();
  return { losses, weights, final };
}

describe('webgpu backend', () => {
  const SETUPS: Setup[] = [
    { activation: 'relu6', optimizer: { kind: 'sgd', lr: 0.1, momentum: 0.5 } },
    { activation: 'sigmoid', optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } },
  ];
  it.each(SETUPS)(`trains, inverts ($activation), caches features and evaluates like cpu within 1e-3 relative ($optimizer.kind)${skipReason}`, { skip: !found.ok, timeout: 120_000 }, async (setup) => {
    const cpu = await scenario('cpu', setup);
    const gpu = await scenario('webgpu', setup);
    expect(gpu.losses.length).toBe(12);
    gpu.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]), `loss ${i}`).toBeLessThanOrEqual(RELATIVE * Math.abs(cpu.losses[i])));
    for (const name of ALL_PARAMS) {
      const scale = Math.max(...cpu.weights[name].map(Math.abs));
      const diff = Math.max(...gpu.weights[name].map((v, i) => Math.abs(v - cpu.weights[name][i])));
      expect(diff, name).toBeLessThanOrEqual(RELATIVE * scale);
    }
    for (const key of ['pretrained', 'final'] as const) {
      expect(Math.abs(gpu[key].accuracy - cpu[key].accuracy), `${key} accuracy`).toBeLessThanOrEqual(1 / cpu[key].n);
      expect(Math.abs(gpu[key].loss - cpu[key].loss), `${key} loss`).toBeLessThanOrEqual(RELATIVE * cpu[key].loss);
    }
  });

  it(`trains two heads on their summed logits like cpu within 1e-3 relative${skipReason}`, { skip: !found.ok, timeout: 120_000 }, async () => {
    const cpu = await headsScenario('cpu');
    const gpu = await headsScenario('webgpu');
    expect(gpu.losses.length).toBe(12);
    gpu.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]), `loss ${i}`).toBeLessThanOrEqual(RELATIVE * Math.abs(cpu.losses[i])));
    expect(Object.keys(gpu.weights)).toContain('missing.fc1.weight');
    for (const name of Object.keys(cpu.weights)) {
      const scale = Math.max(...cpu.weights[name].map(Math.abs));
      const diff = Math.max(...gpu.weights[name].map((v, i) => Math.abs(v - cpu.weights[name][i])));
      expect(diff, name).toBeLessThanOrEqual(RELATIVE * scale);
    }
    expect(Math.abs(gpu.final.accuracy - cpu.final.accuracy)).toBeLessThanOrEqual(1 / cpu.final.n);
    expect(Math.abs(gpu.final.loss - cpu.final.loss)).toBeLessThanOrEqual(RELATIVE * cpu.final.loss);
  });

  it(`runs \`mfx run --backend webgpu\` to the end and the process exits by itself${skipReason}`, { skip: !found.ok, timeout: 180_000 }, () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mfx-webgpu-')), 'run');
    const args = ['bin/mfx.js', 'run', 'examples/quickstart.mfx', '--backend', 'webgpu', '--train-subset', '32', '--test-subset', '20', '--quiet', '--no-cache', '--no-report', '--out', out];
    // node-webgpu warns that a referenced navigator.gpu can keep the process alive; mfx removes it
    // after constructing the backend. A process that does not exit by itself hits the timeout.
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 150_000, env: { ...process.env, MFX_WEBGPU_ALLOW_SOFTWARE: '1' } });
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).backend).toBe('webgpu');
  });
});

