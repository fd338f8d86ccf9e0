// Per-kernel profile of one training step of the reference net on wasm, plus steady-state
// throughput. Usage: node --import tsx bench/profile.ts [--batch 64] [--steps 60]
//   [--order fast|torch] [--stock] [--phase baseline|frozen]
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { initWasmTraining } from './wasm-backend.js';
import { allVariables, createReferenceNet, headVariables, makeTrainer } from './reference-net.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '60' },
    order: { type: 'string', default: 'fast' },
    phase: { type: 'string', default: 'baseline' },
    stock: { type: 'boolean', default: false },
  },
});
const batch = Number(values.batch);
const steps = Number(values.steps);
await initWasmTraining({ stockKernels: values.stock });

const net = createReferenceNet(1);
const frozen = values.phase === 'frozen';
const trainer = makeTrainer(net, frozen ? headVariables(net) : allVariables(net),
  { mode: frozen ? 'invert' : 'plain', fastOrder: values.order !== 'torch' });
const x = tf.randomNormal([batch, 28, 28, 1]) as tf.Tensor4D;
const y = tf.cast(tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32') as tf.Tensor1D, 10), 'float32') as tf.Tensor2D;

for (let i = 0; i < 10; i++) trainer.step(x, y).dispose();
// Wall-clock and CPU-time rates: on a shared machine the CPU-time one (images per CPU-second
// of this single-threaded process) is the steadier measure of the step's own cost.
const rates: number[] = [];
const cpuRates: number[] = [];
for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let loss: tf.Scalar | undefined;
  for (let i = 0; i < steps; i++) { loss?.dispose(); loss = trainer.step(x, y); }
  loss!.dataSync();
  loss!.dispose();
  const cpu = process.cpuUsage(c0);
  rates.push((steps * batch) / ((performance.now() - t0) / 1000));
  cpuRates.push((steps * batch) / ((cpu.user + cpu.system) / 1e6));
}
rates.sort((a, b) => a - b);
cpuRates.sort((a, b) => a - b);
console.log(`phase ${values.phase}, order ${values.order}, ${values.stock ? 'stock' : 'mfx'} kernels, batch ${batch}: ` +
  `wall ${rates.map((r) => r.toFixed(0)).join(' / ')} img/s, per CPU-second ${cpuRates.map((r) => r.toFixed(0)).join(' / ')} ` +
  `(median ${cpuRates[1].toFixed(0)}, ${(1000 * batch / cpuRates[1]).toFixed(1)} ms CPU per step); ${tf.memory().numTensors} tensors live`);

const profile = await tf.profile(() => { trainer.step(x, y).dispose(); });
const byKernel = new Map<string, { ms: number; n: number; shapes: Set<string> }>();
let total = 0;
for (const k of profile.kernels) {
  const ms = Number(await k.kernelTimeMs);
  total += ms;
  const e = byKernel.get(k.name) ?? { ms: 0, n: 0, shapes: new Set<string>() };
  e.ms += ms; e.n++; e.shapes.add(k.inputShapes.map((s) => `[${s}]`).join(''));
  byKernel.set(k.name, e);
}
console.log(`profiled step: ${profile.kernels.length} kernels, ${total.toFixed(2)} ms in kernels`);
for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 16)) {
  console.log(`  ${name.padEnd(24)} ${e.ms.toFixed(2).padStart(7)} ms  x${e.n}  ${[...e.shapes].slice(0, 3).join(' ')}`);
}
