// A/B of the direct-convolution kernels (runtime/backend/wasm-kernels/direct-conv.ts) against the
// XNNPACK-based ones they replace, at the reference net's shapes: interleaved rounds (A then B,
// then B then A), process CPU time (process.cpuUsage: on a shared machine wall time also counts
// other processes), the median over rounds of each side's ms per call, and the ratio.
// With --experimental-wasm-relaxed-simd (Node 20) a third column times the fused multiply-add
// module (MFX_WASM_RELAXED=on in the product).
// Usage: node [--experimental-wasm-relaxed-simd] --import tsx bench/direct-conv.ts [--batch 64] [--rounds 9] [--reps 20]
//   [--shapes 28x28x1:5x5x10,12x12x10:5x5x20]   (input HxWxC : filter FHxFWxO, valid padding)
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initWasmTraining } from './wasm-backend.js';
import { simdKernels } from '../runtime/backend/wasm-kernels/simd/simd-kernels.js';
import { conv2dDirect, convInputGradDirect, filterGradDirect } from '../runtime/backend/wasm-kernels/direct-conv.js';
import { stockKernel } from '../runtime/backend/wasm-kernels/wasm-calls.js';
import { convInputGradByGemm } from '../runtime/backend/wasm-kernels/col2im.js';
import { conv2dBackpropFilterXnn } from '../runtime/backend/wasm-kernels/conv2d-backprop-filter.js';

const { values } = parseArgs({
  options: { shapes: { type: 'string', default: '28x28x1:5x5x10,12x12x10:5x5x20' }, batch: { type: 'string', default: '64' }, rounds: { type: 'string', default: '9' }, reps: { type: 'string', default: '20' } },
});
const batch = Number(values.batch);
const rounds = Number(values.rounds);
const reps = Number(values.reps);
await initWasmTraining();
const backend = tf.backend() as BackendWasm;
const simd = simdKernels(backend, 'plain');
if (!simd) throw new Error('no WebAssembly SIMD here');
const relaxedKernels = simdKernels(backend, 'relaxed');
const relaxed = relaxedKernels !== simd ? relaxedKernels : null;
if (!relaxed) console.log('relaxed SIMD unavailable (run node with --experimental-wasm-relaxed-simd to time it)');

type Run = () => tf.TensorInfo | null;
type Pair = { label: string; a: Run; b: Run; c: Run | null };
const pairs: Pair[] = [];
const shapes = values.shapes.split(',').map((spec, i) => {
  const [h, w, c, fh, fw, o] = spec.split(/[x:]/).map(Number);
  return [`conv${i + 1}`, [batch, h, w, c], [fh, fw, c, o]] as const;
});
for (const [name, x, filter] of shapes) {
  const info = tf.backend_util.computeConv2DInfo(x as unknown as [number, number, number, number], filter as unknown as [number, number, number, number], 1, 1, 'valid');
  const xs = tf.randomNormal([...x]);
  const w = tf.randomNormal([...filter]);
  const dy = tf.randomNormal(info.outShape);
  const conv = { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
  pairs.push({
    label: `${name} forward`,
    a: () => stockKernel('Conv2D')({ inputs: { x: xs, filter: w }, backend, attrs: conv }) as tf.TensorInfo,
    b: () => conv2dDirect(backend, simd, xs, w, info),
    c: relaxed && (() => conv2dDirect(backend, relaxed, xs, w, info)),
  });
  pairs.push({
    label: `${name} filter gradient`,
    a: () => conv2dBackpropFilterXnn(backend, simd, xs, dy, info),
    b: () => filterGradDirect(backend, simd, xs, dy, info),
    c: relaxed && (() => filterGradDirect(backend, relaxed, xs, dy, info)),
  });
  pairs.push({
    label: `${name} input gradient`,
    a: () => convInputGradByGemm(backend, dy, w, {
      batch, inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels, outHeight: info.outHeight,
      outWidth: info.outWidth, outChannels: info.outChannels, filterHeight: filter[0], filterWidth: filter[1], strideHeight: 1,
      strideWidth: 1, padTop: 0, padLeft: 0 }),
    b: () => convInputGradDirect(backend, simd, dy, w, info),
    c: relaxed && (() => convInputGradDirect(backend, relaxed, dy, w, info)),
  });
}

function cpuMs(f: () => tf.TensorInfo | null): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) {
    const out = f();
    if (out) backend.disposeData(out.dataId);
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / reps;
}
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

for (const p of pairs) for (const f of [p.a, p.b, p.c]) if (f) cpuMs(f); // warm-up
const samples = pairs.map(() => ({ a: [] as number[], b: [] as number[], c: [] as number[] }));
for (let r = 0; r < rounds; r++) {
  pairs.forEach((p, i) => {
    const order = (['a', 'b', 'c'] as const).filter((k) => p[k] !== null);
    if (r % 2 === 1) order.reverse();
    for (const k of order) samples[i][k].push(cpuMs(p[k]!));
  });
}
console.log(`batch ${batch}, ${rounds} interleaved rounds x ${reps} calls, median CPU ms per call (process.cpuUsage)`);
console.log(`${'kernel'.padEnd(24)} ${'current'.padStart(8)} ${'direct'.padStart(8)} ${'ratio'.padStart(6)}${relaxed ? ` ${'relaxed'.padStart(8)} ${'ratio'.padStart(6)}` : ''}`);
pairs.forEach((p, i) => {
  const [a, b, c] = (['a', 'b', 'c'] as const).map((k) => median(samples[i][k]));
  const tail = relaxed ? ` ${c.toFixed(3).padStart(8)} ${(c / a).toFixed(2).padStart(6)}` : '';
  console.log(`${p.label.padEnd(24)} ${a.toFixed(3).padStart(8)} ${b.toFixed(3).padStart(8)} ${(b / a).toFixed(2).padStart(6)}${tail}`);
});
