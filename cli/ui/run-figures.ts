// Progress numbers derived from the state and the clock: fraction of the epoch, ETAs, images.
import { laneTrains, type RunState } from './run-state.js';

export interface RunFigures {
  /** 0..1 of the current epoch, or null when no training step is running. */
  epochFraction: number | null;
  epochElapsedSec: number | null;
  epochEtaSec: number | null;
  runElapsedSec: number | null;
  runEtaSec: number | null;
  imagesDone: number;
  imagesTotal: number;
  /** 0..1 of the run's training images. */
  runFraction: number;
}

/**
 * ETAs assume the current images/s holds for the rest of the run and count training only
 * (evaluations are not in totalTrainImages). Images per epoch is the run-start total spread
 * evenly over the planned epochs: one dataset per experiment, so every epoch sees as many.
 * With several lanes training at once (--jobs), the run advances by every lane's epoch in
 * progress and at the sum of their rates; the epoch figures are the focus lane's.
 */
export function runFigures(state: RunState, nowMs: number): RunFigures {
  const header = state.header;
  const total = header?.totalTrainImages ?? 0;
  const perEpoch = state.plannedEpochs > 0 ? total / state.plannedEpochs : 0;
  const p = state.progress;
  const inEpoch = state.lanes.reduce((sum, lane) => {
    const lp = lane.progress;
    return sum + (lp && !lp.finished && lp.batches > 0 ? lp.batch / lp.batches : 0);
  }, 0);
  const imagesDone = Math.min(total, (state.epochsDone + inEpoch) * perEpoch);
  const started = header ? Date.parse(header.startedAt) : NaN;
  const runElapsedSec = state.end ? state.end.seconds : Number.isFinite(started) ? Math.max(0, (nowMs - started) / 1000) : null;

  let epochEtaSec: number | null = null;
  if (p && p.batch > 0 && p.batches > 0) epochEtaSec = p.finished ? 0 : (p.elapsedSec * (p.batches - p.batch)) / p.batch;
  const rate = state.lanes.reduce((sum, lane) => sum + (laneTrains(lane) && lane.progress ? lane.progress.imagesPerSec : 0), 0);
  const runEtaSec = state.end ? 0 : rate > 0 ? (total - imagesDone) / rate : null;

  return {
    epochFraction: p && p.batches > 0 ? (p.finished ? 1 : p.batch / p.batches) : null,
    epochElapsedSec: p ? p.elapsedSec : null,
    epochEtaSec,
    runElapsedSec,
    runEtaSec,
    imagesDone,
    imagesTotal: total,
    runFraction: total > 0 ? imagesDone / total : 0,
  };
}
