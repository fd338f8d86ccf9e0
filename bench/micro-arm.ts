// One arm of the talk's experiment on the bench's reference net (bench/reference-net.ts),
// timed phase by phase. Runs on whatever tfjs backend is active (the bench: wasm).
import * as tf from '@tensorflow/tfjs-core';
import type { BenchWork, PhaseSpan } from './figures.js';
import {
  allVariables, countCorrect, createReferenceNet, headVariables, makeTrainer, resetHead,
  type FeatureMode, type ReferenceNet,
} from './reference-net.js';

export interface ArmData {
  trainImages: Float32Array; // N*784, normalised
  trainLabels: Uint8Array;
  testImages: Float32Array; // M*784, normalised
  testLabels: Uint8Array;
}

/** The 5 test sets of torch_reference.py cost the same to evaluate; the bench evaluates the unmodified one 5 times. */
const TEST_SETS = 5;

function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Deterministic permutation (xorshift32 Fisher-Yates). */
function permutation(n: number, seed: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  let s = seed * 2654435761 + 1 >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const j = s % (i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

function trainPhase(net: ReferenceNet, trainable: tf.Variable[], mode: FeatureMode, data: ArmData,
  work: BenchWork, seed: number): number {
  const trainer = makeTrainer(net, trainable, { mode }, work.lr, work.momentum);
  const n = data.trainLabels.length;
  const xBuf = new Float32Array(work.batch * 784);
  const yBuf = new Float32Array(work.batch * 10);
  let loss: tf.Scalar | undefined;
  for (let epoch = 0; epoch < work.epochs; epoch++) {
    const order = permutation(n, seed * 1000 + epoch);
    for (let i = 0; i < n; i += work.batch) {
      const b = Math.min(work.batch, n - i);
      yBuf.fill(0);
      for (let k = 0; k < b; k++) {
        const idx = order[i + k];
        xBuf.set(data.trainImages.subarray(idx * 784, idx * 784 + 784), k * 784);
        yBuf[k * 10 + data.trainLabels[idx]] = 1;
      }
      const x = tf.tensor4d(xBuf.subarray(0, b * 784), [b, 28, 28, 1]);
      const y = tf.tensor2d(yBuf.subarray(0, b * 10), [b, 10]);
      loss?.dispose();
      loss = trainer.step(x, y);
      x.dispose();
      y.dispose();
    }
  }
  // Reading the loss once at the end waits for the last step without a per-step sync.
  loss?.dataSync();
  loss?.dispose();
  trainer.dispose();
  return work.epochs * n;
}

export function runArm(arm: string, data: ArmData, work: BenchWork): { spans: PhaseSpan[]; accuracy: number } {
  const spans: PhaseSpan[] = [];
  const net = createReferenceNet(work.seed);
  const phase = (kind: PhaseSpan['kind'], f: () => number) => {
    const start = now();
    const cpu = process.cpuUsage();
    const images = f();
    const used = process.cpuUsage(cpu);
    spans.push({ kind, images, start, end: now(), cpuSeconds: (used.user + used.system) / 1e6 });
  };
  const firstMode: FeatureMode = arm === 'inverted' ? 'invert' : 'plain';
  phase('baseline', () => trainPhase(net, allVariables(net), firstMode, data, work, work.seed));
  let mode: FeatureMode = firstMode;
  if (arm.startsWith('hybrid')) {
    resetHead(net, work.seed);
    mode = arm === 'hybrid-relu6' ? 'relu6-invert' : 'invert';
    phase('frozen', () => trainPhase(net, headVariables(net), mode, data, work, work.seed + 1));
  }
  let correct = 0;
  phase('eval', () => {
    for (let t = 0; t < TEST_SETS; t++) correct = countCorrect(net, data.testImages, data.testLabels, mode);
    return TEST_SETS * data.testLabels.length;
  });
  tf.dispose(Object.values(net));
  return { spans, accuracy: (100 * correct) / data.testLabels.length };
}
