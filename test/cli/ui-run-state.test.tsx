import { describe, expect, it } from 'vitest';
import { liveResultsTable } from '../../cli/ui/live-table.js';
import { runFigures } from '../../cli/ui/run-figures.js';
import { focusLane, initialRunState, reduceRunState, type RunState } from '../../cli/ui/run-state.js';
import type { RunEvent } from '../../runtime/events.js';
import { INTERLEAVED_RATES, interleavedRun, scriptedRun, START_MS } from './ui-scripted-run.js';

const fold = (events: RunEvent[]): RunState => events.reduce(reduceRunState, initialRunState);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('reduceRunState', () => {
  const { events, marks } = scriptedRun({ baselines: true });

  it('reads the header, the arms and the planned epochs from run-start', () => {
    const s = fold(events.slice(0, marks.header));
    expect(s.header).toMatchObject({ title: 'missing features, scripted', backend: 'cpu', runDir: 'runs/scripted-20261128-120000' });
    expect(s.arms.map((a) => [a.name, a.status, a.steps.length])).toEqual([
      ['baseline', 'pending', 2],
      ['hybrid', 'pending', 7],
      ['alt', 'pending', 4],
    ]);
    expect(s.plannedEpochs).toBe(7);
  });

  it('tracks the running step, batch progress and recent losses mid-epoch', () => {
    const s = fold(events.slice(0, marks.midEpoch));
    expect(s.current).toMatchObject({ arm: 'baseline', step: 0, frozen: [], inverted: null });
    expect(s.progress).toMatchObject({ epoch: 1, epochs: 2, batch: 2, batches: 4, finished: false });
    expect(s.losses).toEqual([2.3, 1.15]);
    expect(s.arms[0].steps.map((x) => x.status)).toEqual(['running', 'pending']);
  });

  it('computes epoch and run progress from the batch and totalTrainImages', () => {
    const f = runFigures(fold(events.slice(0, marks.midEpoch)), START_MS + 10_000);
    expect(f.epochFraction).toBe(0.5);
    expect(f.imagesDone).toBe(128); // half an epoch of 256 images
    expect(f.imagesTotal).toBe(1792);
    expect(f.epochEtaSec).toBeCloseTo(0.128);
    expect(f.runEtaSec).toBeCloseTo((1792 - 128) / 1000);
    expect(f.runElapsedSec).toBe(10);
  });

  it('counts a reused step as done and marks a diverged step and arm', () => {
    const s = fold(events.slice(0, marks.diverged));
    const alt = s.arms.find((a) => a.name === 'alt')!;
    expect(alt.steps.map((x) => x.status)).toEqual(['reused', 'done', 'diverged', 'pending']);
    expect(alt.status).toBe('diverged');
    expect(s.armOutcomes.alt).toEqual({ '1': 'diverged at epoch 1 batch 3 (loss NaN)' });
    // 2 baseline + 1 hybrid pretrain + 1 hybrid train + 1 reused; alt's diverged epoch never ended.
    expect(s.epochsDone).toBe(5);
    expect(s.current).toBeNull();
  });

  it('keeps the results at run-end', () => {
    const s = fold(events);
    expect(s.end?.status).toBe('done');
    expect(s.end?.results.table.columns.map((c) => c.arm)).toEqual(['baseline', 'hybrid', 'alt']);
  });

  it('never mutates the state it is given', () => {
    let s = deepFreeze(initialRunState);
    for (const e of events) s = deepFreeze(reduceRunState(s, e));
    expect(s.log.length).toBeGreaterThan(10);
  });

  it('resets the step marks when an arm starts its next seed', () => {
    const twoSeeds: RunEvent[] = [
      { ...(events[0] as Extract<RunEvent, { type: 'run-start' }>), seeds: [1, 2] },
      { type: 'arm-start', arm: 'baseline', seed: 1 },
      { type: 'step-start', arm: 'baseline', seed: 1, step: 0, kind: 'train', text: 'train 2', frozen: [], inverted: null, epochs: 2 },
      { type: 'step-end', arm: 'baseline', seed: 1, step: 0, seconds: 1, status: 'done' },
      { type: 'arm-end', arm: 'baseline', seed: 1, status: 'done' },
      { type: 'arm-start', arm: 'baseline', seed: 2 },
    ];
    const s = fold(twoSeeds);
    expect(s.plannedEpochs).toBe(14);
    expect(s.arms[0]).toMatchObject({ status: 'running', seed: 2, seedsEnded: 1 });
    expect(s.arms[0].steps.map((x) => x.status)).toEqual(['pending', 'pending']);
  });
});

describe('reduceRunState on a resumed run', () => {
  const { events } = scriptedRun();
  const start = { ...(events[0] as Extract<RunEvent, { type: 'run-start' }>), resumed: true };

  it('marks an arm finished before the interruption as done, with its epochs counted', () => {
    const s = fold([start, { type: 'arm-start', arm: 'baseline', seed: 1 }, { type: 'arm-end', arm: 'baseline', seed: 1, status: 'done' }]);
    expect(s.arms[0].steps.map((x) => x.status)).toEqual(['done', 'done']);
    expect(s.epochsDone).toBe(2);
  });

  it('counts the steps and epochs completed before a mid-arm resume', () => {
    const s = fold([
      start,
      { type: 'arm-start', arm: 'hybrid', seed: 1 },
      { type: 'step-start', arm: 'hybrid', seed: 1, step: 5, kind: 'train', text: 'train 1', frozen: [], inverted: 'relu6', epochs: 1 },
    ]);
    const hybrid = s.arms.find((a) => a.name === 'hybrid')!;
    expect(hybrid.steps.map((x) => x.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'running', 'pending']);
    expect(s.epochsDone).toBe(1); // the pretrain epoch
    const resumedEpoch: RunEvent[] = [
      start,
      { type: 'arm-start', arm: 'baseline', seed: 1 },
      { type: 'step-start', arm: 'baseline', seed: 1, step: 0, kind: 'train', text: 'train 2', frozen: [], inverted: null, epochs: 2 },
      { type: 'epoch-end', arm: 'baseline', seed: 1, step: 0, epoch: 2, epochs: 2, loss: 0.1, seconds: 1, imagesPerSec: 256, inverted: false },
    ];
    expect(fold(resumedEpoch).epochsDone).toBe(2); // epoch 1 ran before the interruption
  });
});

describe('reduceRunState with two arms training at once (--jobs 2)', () => {
  const { events, marks } = interleavedRun();
  const at = (mark: keyof typeof marks) => fold(events.slice(0, marks[mark]));

  it('keeps one lane per arm and seed, in start order, each with its own step, progress and losses', () => {
    const s = at('bothTraining');
    expect(s.lanes.map((l) => [l.arm, l.seed, l.current?.step, l.progress?.epoch, l.progress?.batch])).toEqual([
      ['baseline', 1, 0, 2, 2],
      ['inverted', 1, 1, 1, 2],
    ]);
    expect(s.lanes[1].losses).toEqual([3, 1.5]);
    expect(s.lanes[1].current).toMatchObject({ inverted: 'relu6', epochs: 3 });
    expect(s.arms.map((a) => [a.name, a.status, a.steps.map((x) => x.status).join(' ')])).toEqual([
      ['baseline', 'running', 'running pending'],
      ['inverted', 'running', 'done running pending'],
    ]);
  });

  it("keeps the focus (current, progress, losses) on the earliest training arm while the other arm sends batches", () => {
    const s = at('bothTraining');
    expect(events[marks.bothTraining - 1]).toMatchObject({ type: 'batch', arm: 'inverted' });
    expect(s.current).toMatchObject({ arm: 'baseline', step: 0 });
    expect(s.progress).toMatchObject({ arm: 'baseline', epoch: 2, batch: 2, imagesPerSec: INTERLEAVED_RATES.baseline });
    expect(s.losses).toEqual([2, 1, 2 / 3, 0.5, 1, 0.5]);
    // Not for a single event between inverted's training start and baseline's last epoch.
    const start = events.findIndex((e) => e.type === 'step-start' && e.arm === 'inverted' && e.step === 1);
    const lastEpoch = events.findIndex((e) => e.type === 'epoch-end' && e.arm === 'baseline' && e.epoch === 3);
    let state = fold(events.slice(0, start));
    for (const e of events.slice(start, lastEpoch + 1)) {
      state = reduceRunState(state, e);
      expect(state.progress?.arm ?? 'baseline', `after ${e.type} of ${'arm' in e ? e.arm : ''}`).toBe('baseline');
      expect(focusLane(state.lanes)?.arm).toBe('baseline');
    }
  });

  it('moves the focus at step boundaries only: to the arm still training while the other evaluates', () => {
    const s = at('baselineEvaluating');
    expect(s.lanes.map((l) => [l.arm, l.current?.kind])).toEqual([
      ['baseline', 'eval'],
      ['inverted', 'train'],
    ]);
    expect(s.current).toMatchObject({ arm: 'inverted', step: 1 });
    expect(s.progress).toMatchObject({ arm: 'inverted', epoch: 3, batch: 1 });
    const done = at('baselineDone');
    expect(done.lanes.map((l) => l.arm)).toEqual(['inverted']);
    expect(done.arms[0]).toMatchObject({ status: 'done', seedsEnded: 1 });
    expect(fold(events).lanes).toEqual([]);
  });

  it("counts each epoch exactly once when the two arms' epoch ends interleave", () => {
    expect(at('afterBaselineEpoch2').epochsDone).toBe(2);
    expect(at('baselineEvaluating').epochsDone).toBe(5);
    expect(at('baselineDone').epochsDone).toBe(5);
    expect(fold(events).epochsDone).toBe(6);
  });

  it("runs the figures on every lane: images done include each lane's epoch in progress, the run ETA the sum of their rates", () => {
    const f = runFigures(at('bothTraining'), START_MS + 10_000);
    // Baseline's first epoch, plus half of baseline's second and half of inverted's first.
    expect(f.imagesDone).toBe(512);
    expect(f.imagesTotal).toBe(1536);
    expect(f.runEtaSec).toBeCloseTo((1536 - 512) / (INTERLEAVED_RATES.baseline + INTERLEAVED_RATES.inverted));
    // The epoch figures stay the focus lane's (baseline, batch 2 of 4 after 0.2s).
    expect(f.epochFraction).toBe(0.5);
    expect(f.epochEtaSec).toBeCloseTo(0.2);
    // While baseline evaluates, only inverted's rate counts.
    const g = runFigures(at('baselineEvaluating'), START_MS + 10_000);
    expect(g.imagesDone).toBe((5 + 0.25) * 256);
    expect(g.runEtaSec).toBeCloseTo((1536 - 5.25 * 256) / INTERLEAVED_RATES.inverted);
  });

  it('never mutates the state it is given', () => {
    let s = deepFreeze(initialRunState);
    for (const e of events) s = deepFreeze(reduceRunState(s, e));
    expect(s.epochsDone).toBe(6);
  });

  it('keeps an arm running, showing its other seed, while two of its seeds run at once', () => {
    const start = { ...(events[0] as Extract<RunEvent, { type: 'run-start' }>), seeds: [1, 2] };
    const train = (seed: number): RunEvent => ({ type: 'step-start', arm: 'baseline', seed, step: 0, kind: 'train', text: 'train 3', frozen: [], inverted: null, epochs: 3 });
    const s = fold([
      start,
      { type: 'arm-start', arm: 'baseline', seed: 1 },
      train(1),
      { type: 'arm-start', arm: 'baseline', seed: 2 },
      { type: 'step-end', arm: 'baseline', seed: 1, step: 0, seconds: 1, status: 'done' },
      train(2),
    ]);
    // Seed 2's start does not reset seed 1's marks: the arm shows the seed that started first.
    expect(s.arms[0]).toMatchObject({ status: 'running', seed: 1 });
    expect(s.arms[0].steps.map((x) => x.status)).toEqual(['done', 'pending']);
    expect(s.lanes.map((l) => [l.seed, l.steps.join(' ')])).toEqual([
      [1, 'done pending'],
      [2, 'running pending'],
    ]);
    const after = reduceRunState(s, { type: 'arm-end', arm: 'baseline', seed: 1, status: 'done' });
    expect(after.arms[0]).toMatchObject({ status: 'running', seed: 2, seedsEnded: 1 });
    expect(after.arms[0].steps.map((x) => x.status)).toEqual(['running', 'pending']);
    expect(after.current).toMatchObject({ arm: 'baseline', seed: 2 });
  });
});

describe('liveResultsTable', () => {
  const base = { arms: ['baseline', 'hybrid'], testSets: ['t'], seeds: [1, 2, 3], armStatus: {} };
  const ev = (arm: string, label: string, seed: number, accuracy: number) => ({ arm, label, seed, accuracy, testSet: 't', loss: 0, n: 10 });

  it('reports mean ± sample std over seeds and pairs Delta by seed', () => {
    const table = liveResultsTable({
      ...base,
      evals: [ev('baseline', 'final', 1, 0.5), ev('baseline', 'final', 2, 0.6), ev('hybrid', 'final', 1, 0.7), ev('hybrid', 'final', 2, 0.7)],
      baselines: { baseline: null, hybrid: { arm: 'baseline', label: 'final' } },
    });
    const hybrid = table.columns[1].cells.t;
    expect(hybrid.accuracy).toMatchObject({ mean: 0.7, std: 0, n: 2 });
    expect(hybrid.delta!.mean).toBeCloseTo(0.15);
    expect(hybrid.delta!.std).toBeCloseTo(Math.sqrt(((0.2 - 0.15) ** 2 + (0.1 - 0.15) ** 2) / 1));
    expect(table.columns[0].cells.t.delta).toBeNull();
  });

  it('shows no Delta without baselines, and prefers the final eval over earlier labels', () => {
    const table = liveResultsTable({ ...base, evals: [ev('hybrid', 'pretrained', 1, 0.4), ev('hybrid', 'final', 1, 0.8)] });
    expect(table.columns.map((c) => c.arm)).toEqual(['hybrid']);
    expect(table.columns[0]).toMatchObject({ label: 'final', baseline: null });
    expect(table.columns[0].cells.t).toMatchObject({ accuracy: { mean: 0.8, n: 1 }, delta: null });
  });
});
