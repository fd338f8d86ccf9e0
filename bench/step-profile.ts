// Per-kernel profile of the real training step (runtime/training/train-epoch.ts) on the reference
// net: which kernels run per batch, how often, and their summed time, plus images per CPU-second.
// Usage: node --import tsx bench/step-profile.ts [--backend wasm] [--batches 100] [--phase baseline|frozen]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { compile } from '../compiler/index.js';
import { initBackend } from '../runtime/backend/select.js';
import type { BackendChoice } from '../runtime/backend/choices.js';
import { createNetwork } from '../runtime/model/network.js';
import { Optimizer } from '../runtime/training/optimizer.js';
import { trainEpoch } from '../runtime/training/train-epoch.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batches: { type: 'string', default: '100' },
    phase: { type: 'string', default: 'baseline' },
  },
});
await initBackend(values.backend as BackendChoice);
const { plan } = compile('model reference\noptimizer sgd lr 0.01 momentum 0.5\nbatch 64\ntrain 1\n', 'profile.mfx');
if (!plan) throw new Error('profile plan did not compile');
const spec = plan.model;
const net = createNetwork(spec, 1);
const frozen = values.phase === 'frozen';
const trainable = spec.params.map((p) => p.name).filter((n) => !frozen || n.startsWith('fc'));
const batches = Number(values.batches);
const n = batches * 64;
const images = new Float32Array(n * 784);
for (let i = 0; i < images.length; i++) images[i] = ((i * 2654435761) % 1000) / 500 - 1;
const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
const data = { images, labels, n, height: 28, width: 28, channels: 1 };
const optimizer = new Optimizer(plan.optimizer);
const feature = frozen ? ({ kind: 'invert', activation: 'relu6' } as const) : ({ kind: 'model' } as const);
const epoch = (e: number) => trainEpoch({ net, optimizer, data, batchSize: 64, trainable, feature: feature as never, lr: 0.01, seed: 1, stepIndex: 0, epoch: e });
await epoch(1); // warm-up
const rates: number[] = [];
for (let r = 0; r < 3; r++) {
  const c0 = process.cpuUsage();
  await epoch(2 + r);
  const c = process.cpuUsage(c0);
  rates.push(n / ((c.user + c.system) / 1e6));
}
const info = await tf.profile(() => epoch(9));
const byKernel = new Map<string, { count: number; ms: number }>();
for (const k of info.kernels) {
  const big = ['Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul'].includes(k.name);
  const key = big ? `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join('')}` : k.name;
  const e = byKernel.get(key) ?? { count: 0, ms: 0 };
  e.count++;
  e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  byKernel.set(key, e);
}
const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
const total = rows.reduce((s, [, e]) => s + e.ms, 0);
console.log(`backend ${tf.getBackend()}, ${values.phase}, ${batches} batches of 64`);
console.log(`images per CPU-second (3 epochs): ${rates.map((r) => r.toFixed(0)).join(', ')}`);
console.log(`kernels per batch: ${(info.kernels.length / batches).toFixed(1)}; kernel time per batch ${(total / batches).toFixed(2)} ms`);
for (const [name, e] of rows) console.log(`${name.padEnd(56)} ${(e.count / batches).toFixed(1).padStart(6)}/batch ${(e.ms / batches).toFixed(3).padStart(8)} ms/batch`);
