// What the bench measures, the same way for both sides (mfx and PyTorch).

/** Which network and arms: the talk's (`model reference`) or the research code's (`model research`). */
export type BenchNet = 'reference' | 'research';

/** The work both sides do: the talk's (or the research code's) arms on a subset of MNIST. */
export interface BenchWork {
  net: BenchNet;
  arms: string[];
  /** Training images per phase (first N of MNIST's training split). */
  trainSubset: number;
  /** Test images per test set (first M); each arm evaluates 5 test sets. */
  testSubset: number;
  epochs: number;
  batch: number;
  lr: number;
  momentum: number;
  seed: number;
}

export type PhaseKind = 'baseline' | 'frozen' | 'eval';

/** One contiguous stretch of work of one kind, on one thread; times in ms since the epoch. */
export interface PhaseSpan {
  kind: PhaseKind;
  images: number;
  start: number;
  end: number;
  /** Process CPU time (all threads) during the span, s. Meaningful per span only when one thread works at a time. */
  cpuSeconds?: number;
}

export interface SideFigures {
  /** Training images/s while training all layers (phase 1 of every arm). */
  baselineTrainImagesPerSec: number;
  /** Training images/s while training only the head on frozen features (phase 2 of hybrid arms). */
  frozenTrainImagesPerSec: number;
  /** Baseline-phase training images per CPU-second of the process: the step's cost, steady on a busy machine. Single-job runs only (NaN otherwise). */
  baselineTrainImagesPerCpuSecond: number;
  /** Evaluation images/s (batches of 1000, no dropout). */
  evalImagesPerSec: number;
  /** From the start of the first arm to the end of the last one. */
  experimentSeconds: number;
  /** The whole process: start-up, data loading, all arms. */
  processSeconds: number;
  /** Peak resident memory of the process, MiB. */
  peakRssMiB: number;
  /** CPU time (user + system, all threads) of the whole process, s: less sensitive than wall time to a busy machine. */
  cpuSeconds: number;
  /** Images trained and evaluated in all, so images per CPU-second can be derived. */
  images: number;
  /** Accuracy (%) on the unmodified test subset, per arm: a sanity check that training happened. */
  accuracy: Record<string, number>;
}

/** Total length of the union of the spans' [start, end] intervals. */
export function unionSeconds(spans: PhaseSpan[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const s of sorted) {
    if (s.start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s.start;
      curEnd = s.end;
    } else {
      curEnd = Math.max(curEnd, s.end);
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total / 1000;
}

/** Images/s of one kind of work: all its images over the wall time during which any thread did it. */
export function rate(spans: PhaseSpan[], kind: PhaseKind): number {
  const mine = spans.filter((s) => s.kind === kind);
  const images = mine.reduce((n, s) => n + s.images, 0);
  const seconds = unionSeconds(mine);
  return seconds > 0 ? images / seconds : NaN;
}

/** Images per CPU-second of one kind of work; NaN unless every span carries its CPU time. */
export function cpuRate(spans: PhaseSpan[], kind: PhaseKind): number {
  const mine = spans.filter((s) => s.kind === kind);
  if (mine.length === 0 || mine.some((s) => s.cpuSeconds === undefined)) return NaN;
  const cpu = mine.reduce((t, s) => t + s.cpuSeconds!, 0);
  return cpu > 0 ? mine.reduce((n, s) => n + s.images, 0) / cpu : NaN;
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
