// A scripted event stream for the UI and reporter tests: three arms on two test sets, a
// shared prefix reused by one arm, and one arm that diverges. Marks name points in the
// stream at which the tests look at the screen.
import type { RunEvent } from '../../runtime/events.js';
import type { Results } from '../../runtime/results.js';

export const START_TIME = '2026-11-28T12:00:00.000Z';
export const START_MS = Date.parse(START_TIME);
const BATCHES = 4;

export interface ScriptedRun {
  events: RunEvent[];
  /** Named positions: events.slice(0, marks.x) is the stream up to that point. */
  marks: Record<'header' | 'midEpoch' | 'baselineDone' | 'hybridTraining' | 'diverged' | 'beforeEnd' | 'end', number>;
}

export const finalResults = (status: Results['status'] = 'done'): Results => ({
  schema: 'mfx.results',
  version: 1,
  title: 'missing features, scripted',
  file: 'examples/scripted.mfx',
  planHash: 'abcdef0123456789',
  backend: 'cpu',
  subset: { train: 256, test: 100 },
  seeds: [1],
  startedAt: START_TIME,
  seconds: 42,
  status,
  evals: [],
  table: {
    testSets: ['pmnist.unmodified', 'pmnist.hcut'],
    columns: [
      {
        arm: 'baseline',
        label: 'final',
        baseline: null,
        status: { '1': 'done' },
        cells: {
          'pmnist.unmodified': { accuracy: stat(0.9), delta: null },
          'pmnist.hcut': { accuracy: stat(0.6), delta: null },
        },
      },
      {
        arm: 'hybrid',
        label: 'final',
        baseline: { arm: 'hybrid', label: 'pretrained', reason: 'snapshot' },
        status: { '1': 'done' },
        cells: {
          'pmnist.unmodified': { accuracy: stat(0.91), delta: stat(0.03) },
          'pmnist.hcut': { accuracy: stat(0.5), delta: stat(-0.05) },
        },
      },
      {
        arm: 'alt',
        label: 'final',
        baseline: { arm: 'baseline', label: 'final', reason: 'baseline-arm' },
        status: { '1': 'diverged at epoch 1 batch 3 (loss NaN)' },
        cells: {},
      },
    ],
  },
});

function stat(x: number) {
  return { mean: x, std: 0, min: x, max: x, n: 1, values: [x] };
}

export function scriptedRun(options: { baselines?: boolean } = {}): ScriptedRun {
  const events: RunEvent[] = [];
  const marks = {} as ScriptedRun['marks'];
  const push = (e: RunEvent) => events.push(e);

  push({
    type: 'run-start',
    time: START_TIME,
    title: 'missing features, scripted',
    file: 'examples/scripted.mfx',
    planHash: 'abcdef0123456789',
    backend: 'cpu',
    runDir: 'runs/scripted-20261128-120000',
    seeds: [1],
    arms: [
      {
        name: 'baseline',
        steps: [
          { index: 0, kind: 'train', text: 'train 2', epochs: 2 },
          { index: 1, kind: 'eval', text: 'eval pmnist.*', epochs: 0 },
        ],
      },
      {
        name: 'hybrid',
        steps: [
          { index: 0, kind: 'train', text: 'pretrain 1', epochs: 1 },
          { index: 1, kind: 'eval', text: 'eval pmnist.* as pretrained', epochs: 0 },
          { index: 2, kind: 'freeze', text: 'freeze conv*', epochs: 0 },
          { index: 3, kind: 'invert', text: 'invert relu6', epochs: 0 },
          { index: 4, kind: 'reset', text: 'reset fc*', epochs: 0 },
          { index: 5, kind: 'train', text: 'train 1 (fc1, fc2; inverted relu6)', epochs: 1 },
          { index: 6, kind: 'eval', text: 'eval pmnist.*', epochs: 0 },
        ],
      },
      {
        name: 'alt',
        steps: [
          { index: 0, kind: 'train', text: 'pretrain 1', epochs: 1 },
          { index: 1, kind: 'freeze', text: 'freeze conv*', epochs: 0 },
          { index: 2, kind: 'train', text: 'train 2 alternate', epochs: 2 },
          { index: 3, kind: 'eval', text: 'eval pmnist.*', epochs: 0 },
        ],
      },
    ],
    testSets: ['pmnist.unmodified', 'pmnist.hcut'],
    subset: { train: 256, test: 100 },
    totalTrainImages: 7 * 256,
    resumed: false,
    ...(options.baselines
      ? {
          baselines: { baseline: null, hybrid: { arm: 'hybrid', label: 'pretrained' }, alt: { arm: 'baseline', label: 'final' } },
          reportLabels: { baseline: 'final', hybrid: 'final', alt: 'final' },
        }
      : {}),
  });
  marks.header = events.length;

  const train = (arm: string, step: number, epochs: number, losses: (epoch: number, batch: number) => number, stopAt?: { epoch: number; batch: number }) => {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      for (let batch = 1; batch <= BATCHES; batch++) {
        const loss = losses(epoch, batch);
        push({ type: 'batch', arm, seed: 1, step, epoch, epochs, batch, batches: BATCHES, loss, imagesPerSec: 1000, elapsedSec: batch * 0.064 });
        if (arm === 'baseline' && epoch === 1 && batch === 2) marks.midEpoch = events.length;
        if (stopAt && stopAt.epoch === epoch && stopAt.batch === batch) return false;
      }
      push({ type: 'epoch-end', arm, seed: 1, step, epoch, epochs, loss: losses(epoch, 2), seconds: 0.256, imagesPerSec: 1000, inverted: false });
    }
    return true;
  };
  const instant = (arm: string, step: number, kind: string, text: string, frozen: string[] = [], inverted: string | null = null) => {
    push({ type: 'step-start', arm, seed: 1, step, kind, text, frozen, inverted, epochs: 0 });
    push({ type: 'step-end', arm, seed: 1, step, seconds: 0.01, status: 'done' });
  };
  const evaluate = (arm: string, step: number, text: string, label: string, accs: [number, number]) => {
    push({ type: 'step-start', arm, seed: 1, step, kind: 'eval', text, frozen: [], inverted: null, epochs: 0 });
    push({ type: 'eval-result', arm, seed: 1, label, testSet: 'pmnist.unmodified', accuracy: accs[0], loss: 0.3, n: 100 });
    push({ type: 'eval-result', arm, seed: 1, label, testSet: 'pmnist.hcut', accuracy: accs[1], loss: 1.2, n: 100 });
    push({ type: 'step-end', arm, seed: 1, step, seconds: 0.2, status: 'done' });
  };

  // baseline: train 2; eval
  push({ type: 'arm-start', arm: 'baseline', seed: 1 });
  push({ type: 'step-start', arm: 'baseline', seed: 1, step: 0, kind: 'train', text: 'train 2', frozen: [], inverted: null, epochs: 2 });
  train('baseline', 0, 2, (e, b) => 2.3 / (e * b));
  push({ type: 'step-end', arm: 'baseline', seed: 1, step: 0, seconds: 0.6, status: 'done' });
  evaluate('baseline', 1, 'eval pmnist.*', 'final', [0.9, 0.6]);
  push({ type: 'arm-end', arm: 'baseline', seed: 1, status: 'done' });
  marks.baselineDone = events.length;

  // hybrid: pretrain 1; eval as pretrained; freeze; invert; reset; train 1; eval
  push({ type: 'arm-start', arm: 'hybrid', seed: 1 });
  push({ type: 'step-start', arm: 'hybrid', seed: 1, step: 0, kind: 'train', text: 'pretrain 1', frozen: [], inverted: null, epochs: 1 });
  train('hybrid', 0, 1, (_e, b) => 2 / b);
  push({ type: 'step-end', arm: 'hybrid', seed: 1, step: 0, seconds: 0.3, status: 'done' });
  evaluate('hybrid', 1, 'eval pmnist.* as pretrained', 'pretrained', [0.88, 0.55]);
  const frozen = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias'];
  instant('hybrid', 2, 'freeze', 'freeze conv*', frozen);
  instant('hybrid', 3, 'invert', 'invert relu6', frozen, 'relu6');
  instant('hybrid', 4, 'reset', 'reset fc*', frozen, 'relu6');
  push({ type: 'warning', message: 'reset of fc1.weight after freeze: nothing to warn, scripted', arm: 'hybrid', seed: 1 });
  push({ type: 'step-start', arm: 'hybrid', seed: 1, step: 5, kind: 'train', text: 'train 1 (fc1, fc2; inverted relu6)', frozen, inverted: 'relu6', epochs: 1 });
  for (let batch = 1; batch <= 2; batch++) {
    push({ type: 'batch', arm: 'hybrid', seed: 1, step: 5, epoch: 1, epochs: 1, batch, batches: BATCHES, loss: 1 / batch, imagesPerSec: 2000, elapsedSec: batch * 0.032 });
  }
  marks.hybridTraining = events.length;
  for (let batch = 3; batch <= BATCHES; batch++) {
    push({ type: 'batch', arm: 'hybrid', seed: 1, step: 5, epoch: 1, epochs: 1, batch, batches: BATCHES, loss: 1 / batch, imagesPerSec: 2000, elapsedSec: batch * 0.032 });
  }
  push({ type: 'epoch-end', arm: 'hybrid', seed: 1, step: 5, epoch: 1, epochs: 1, loss: 0.5, seconds: 0.128, imagesPerSec: 2000, inverted: true });
  push({ type: 'step-end', arm: 'hybrid', seed: 1, step: 5, seconds: 0.13, status: 'done' });
  evaluate('hybrid', 6, 'eval pmnist.*', 'final', [0.91, 0.5]);
  push({ type: 'arm-end', arm: 'hybrid', seed: 1, status: 'done' });

  // alt: pretrain reused from hybrid; freeze; train 2 alternate diverges
  push({ type: 'arm-start', arm: 'alt', seed: 1 });
  push({ type: 'step-end', arm: 'alt', seed: 1, step: 0, seconds: 0, status: 'reused' });
  instant('alt', 1, 'freeze', 'freeze conv*', frozen);
  push({ type: 'step-start', arm: 'alt', seed: 1, step: 2, kind: 'train', text: 'train 2 alternate', frozen, inverted: 'relu6', epochs: 2 });
  train('alt', 2, 2, (_e, b) => (b >= 3 ? Number.NaN : 5 * b), { epoch: 1, batch: 3 });
  push({ type: 'step-end', arm: 'alt', seed: 1, step: 2, seconds: 0.2, status: 'diverged' });
  push({ type: 'arm-end', arm: 'alt', seed: 1, status: 'diverged', message: 'diverged at epoch 1 batch 3 (loss NaN)' });
  marks.diverged = events.length;
  marks.beforeEnd = events.length;

  push({ type: 'run-end', status: 'done', seconds: 42, results: finalResults() });
  marks.end = events.length;
  return { events, marks };
}

export interface InterleavedRun {
  events: RunEvent[];
  /** Named positions, as in ScriptedRun. */
  marks: Record<'bothTraining' | 'afterBaselineEpoch2' | 'baselineEvaluating' | 'baselineDone' | 'end', number>;
}

export const INTERLEAVED_RATES = { baseline: 1000, inverted: 3000 } as const;

/**
 * Two arms training at once, as `mfx run --jobs 2` interleaves them: `baseline` (train 3; eval)
 * starts first, `inverted` (freeze; train 3 inverted; eval) starts its training step while
 * baseline is in its second epoch, and from then on their batches and epoch ends alternate.
 * Six training epochs in all, 256 images each.
 */
export function interleavedRun(options: { seeds?: number[] } = {}): InterleavedRun {
  const events: RunEvent[] = [];
  const marks = {} as InterleavedRun['marks'];
  const push = (e: RunEvent) => events.push(e);
  const seeds = options.seeds ?? [1];
  const frozen = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias'];
  push({
    type: 'run-start',
    time: START_TIME,
    title: 'two arms at once, scripted',
    file: 'examples/interleaved.mfx',
    planHash: 'fedcba9876543210',
    backend: 'wasm',
    runDir: 'runs/interleaved-20261128-120000',
    seeds,
    arms: [
      {
        name: 'baseline',
        steps: [
          { index: 0, kind: 'train', text: 'train 3', epochs: 3 },
          { index: 1, kind: 'eval', text: 'eval pmnist.*', epochs: 0 },
        ],
      },
      {
        name: 'inverted',
        steps: [
          { index: 0, kind: 'freeze', text: 'freeze conv*', epochs: 0 },
          { index: 1, kind: 'train', text: 'train 3 (fc1, fc2; inverted relu6)', epochs: 3 },
          { index: 2, kind: 'eval', text: 'eval pmnist.*', epochs: 0 },
        ],
      },
    ],
    testSets: ['pmnist.unmodified'],
    subset: { train: 256, test: 100 },
    totalTrainImages: 6 * 256 * seeds.length,
    resumed: false,
  });
  const seed = seeds[0];
  const batch = (arm: 'baseline' | 'inverted', epoch: number, b: number) => {
    const step = arm === 'baseline' ? 0 : 1;
    const loss = (arm === 'baseline' ? 2 : 3) / (epoch * b);
    push({ type: 'batch', arm, seed, step, epoch, epochs: 3, batch: b, batches: BATCHES, loss, imagesPerSec: INTERLEAVED_RATES[arm], elapsedSec: b * 0.1 });
  };
  const epochEnd = (arm: 'baseline' | 'inverted', epoch: number) =>
    push({ type: 'epoch-end', arm, seed, step: arm === 'baseline' ? 0 : 1, epoch, epochs: 3, loss: 1 / epoch, seconds: 0.4, imagesPerSec: INTERLEAVED_RATES[arm], inverted: arm === 'inverted' });
  const evaluate = (arm: string, step: number) => {
    push({ type: 'step-start', arm, seed, step, kind: 'eval', text: 'eval pmnist.*', frozen: [], inverted: null, epochs: 0 });
    push({ type: 'eval-result', arm, seed, label: 'final', testSet: 'pmnist.unmodified', accuracy: arm === 'baseline' ? 0.9 : 0.8, loss: 0.3, n: 100 });
    push({ type: 'step-end', arm, seed, step, seconds: 0.2, status: 'done' });
  };

  push({ type: 'arm-start', arm: 'baseline', seed });
  push({ type: 'step-start', arm: 'baseline', seed, step: 0, kind: 'train', text: 'train 3', frozen: [], inverted: null, epochs: 3 });
  for (let b = 1; b <= BATCHES; b++) batch('baseline', 1, b);
  epochEnd('baseline', 1);
  push({ type: 'arm-start', arm: 'inverted', seed });
  push({ type: 'step-start', arm: 'inverted', seed, step: 0, kind: 'freeze', text: 'freeze conv*', frozen, inverted: null, epochs: 0 });
  push({ type: 'step-end', arm: 'inverted', seed, step: 0, seconds: 0.01, status: 'done' });
  push({ type: 'step-start', arm: 'inverted', seed, step: 1, kind: 'train', text: 'train 3 (fc1, fc2; inverted relu6)', frozen, inverted: 'relu6', epochs: 3 });
  // From here on the two arms alternate batch by batch; inverted always sends last.
  for (let b = 1; b <= BATCHES; b++) {
    batch('baseline', 2, b);
    batch('inverted', 1, b);
    if (b === 2) marks.bothTraining = events.length;
  }
  epochEnd('baseline', 2);
  marks.afterBaselineEpoch2 = events.length;
  epochEnd('inverted', 1);
  for (let b = 1; b <= BATCHES; b++) {
    batch('inverted', 2, b);
    batch('baseline', 3, b);
  }
  epochEnd('inverted', 2);
  epochEnd('baseline', 3);
  push({ type: 'step-end', arm: 'baseline', seed, step: 0, seconds: 1.2, status: 'done' });
  push({ type: 'step-start', arm: 'baseline', seed, step: 1, kind: 'eval', text: 'eval pmnist.*', frozen: [], inverted: null, epochs: 0 });
  batch('inverted', 3, 1);
  marks.baselineEvaluating = events.length;
  push({ type: 'eval-result', arm: 'baseline', seed, label: 'final', testSet: 'pmnist.unmodified', accuracy: 0.9, loss: 0.3, n: 100 });
  push({ type: 'step-end', arm: 'baseline', seed, step: 1, seconds: 0.2, status: 'done' });
  push({ type: 'arm-end', arm: 'baseline', seed, status: 'done' });
  marks.baselineDone = events.length;
  for (let b = 2; b <= BATCHES; b++) batch('inverted', 3, b);
  epochEnd('inverted', 3);
  push({ type: 'step-end', arm: 'inverted', seed, step: 1, seconds: 1.2, status: 'done' });
  evaluate('inverted', 2);
  push({ type: 'arm-end', arm: 'inverted', seed, status: 'done' });
  push({
    type: 'run-end',
    status: 'done',
    seconds: 3,
    results: { ...finalResults(), title: 'two arms at once, scripted', seeds, table: { testSets: ['pmnist.unmodified'], columns: [] } },
  });
  marks.end = events.length;
  return { events, marks };
}
