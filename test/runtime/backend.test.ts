// Backend choice, and parity: a few training steps from the same seed on cpu and wasm give the
// same losses and weights within 1e-4 (absolute on values of order 1; this guards the wasm kernels).
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/select.js';
import { BackendError } from '../../runtime/backend/errors.js';
import { createNetwork, disposeNetwork } from '../../runtime/model/network.js';
import { Optimizer } from '../../runtime/training/optimizer.js';
import { trainEpoch } from '../../runtime/training/train-epoch.js';
import { ALL_PARAMS, syntheticImages, tinyModel } from './helpers/tiny-plan.js';

const TOLERANCE = 1e-4;

async function trainOn(backend: 'cpu' | 'wasm') {
  await initBackend(backend);
  const net = createNetwork(tinyModel(), 5);
  const optimizer = new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.5 });
  const losses: number[] = [];
  const data = syntheticImages(32, 9);
  for (let epoch = 1; epoch <= 2; epoch++) {
    await trainEpoch({ net, optimizer, data, batchSize: 8, trainable: ALL_PARAMS, feature: { kind: 'inverted', activation: 'sigmoid' }, lr: 0.1, seed: 1, stepIndex: 0, epoch, onBatch: (_b, _n, loss) => void losses.push(loss) });
  }
  const weights = Object.fromEntries([...net.params].map(([n, v]) => [n, Array.from(v.dataSync())]));
  disposeNetwork(net);
  optimizer.dispose();
  return { losses, weights };
}

describe('backends', () => {
  it('says which package is missing when an explicitly requested backend is not installed', async () => {
    const err = await initBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).problem).toEqual({ kind: 'package-missing', packages: ['@tensorflow/tfjs-node'] });
  });

  it('cpu and wasm agree on losses and weights after a few training steps', async () => {
    const cpu = await trainOn('cpu');
    const wasm = await trainOn('wasm');
    expect(wasm.losses.length).toBe(8);
    wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(TOLERANCE));
    for (const name of ALL_PARAMS) {
      const diff = Math.max(...wasm.weights[name].map((v, i) => Math.abs(v - cpu.weights[name][i])));
      expect(diff, name).toBeLessThan(TOLERANCE);
    }
  });
});
