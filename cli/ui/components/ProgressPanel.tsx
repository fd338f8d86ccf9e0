// The training step in progress: a bar for the epoch with batch x/y and images/s, elapsed
// time and ETA for the epoch and the whole run, and a sparkline of recent batch losses. With
// --jobs several lanes (arm, seed) train at once: the bar follows the focus lane (named, so
// it is clear whose bar it is) and every other training lane gets one compact line.
import { Box, Text } from 'ink';
import { formatCount, formatDuration, formatLoss, formatRate } from '../../format/numbers.js';
import type { RunFigures } from '../run-figures.js';
import { focusLane, laneTrains, type EpochProgress, type Lane } from '../run-state.js';
import { sparkline } from '../sparkline.js';

export interface ProgressPanelProps {
  progress: EpochProgress | null;
  figures: RunFigures;
  losses: readonly number[];
  columns: number;
  color: boolean;
  /** Names the focus lane on the bar line, e.g. `baseline` (null: one lane, nothing to tell apart). */
  focusLabel?: string | null;
  /** The other lanes training, one line each (see otherTrainingLanes). */
  others?: readonly Lane[];
  seedCount?: number;
}

/** The lanes that train besides the focus one, in start order. */
export function otherTrainingLanes(lanes: readonly Lane[]): Lane[] {
  const focus = focusLane(lanes);
  return lanes.filter((l) => l !== focus && laneTrains(l));
}

/** `baseline`, or `baseline seed 2` when the run repeats seeds. */
export function laneName(lane: { arm: string; seed: number }, seedCount: number): string {
  return seedCount > 1 ? `${lane.arm} seed ${lane.seed}` : lane.arm;
}

/** Lines the panel takes, for fitting the live part into the terminal's height. */
export function progressPanelHeight(progress: EpochProgress | null, others: readonly Lane[]): number {
  return (progress ? 4 : 1) + others.length;
}

/** `also inverted · epoch 3/10 · 412/938 batches · 4,100 img/s`. */
export function otherLaneLine(lane: Lane, seedCount: number): string {
  const name = `also ${laneName(lane, seedCount)}`;
  const p = lane.progress;
  if (!p) return `${name} · ${lane.current?.text ?? 'training'} · starting`;
  return `${name} · epoch ${p.epoch}/${p.epochs} · ${p.batch}/${p.batches} batches · ${formatRate(p.imagesPerSec)}`;
}

function bar(fraction: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export function ProgressPanel({ progress, figures, losses, columns, color, focusLabel = null, others = [], seedCount = 1 }: ProgressPanelProps) {
  const run = `run ${formatDuration(figures.runElapsedSec)} elapsed · ETA ${formatDuration(figures.runEtaSec)} · ${formatCount(
    figures.imagesDone,
  )}/${formatCount(figures.imagesTotal)} images (${Math.floor(figures.runFraction * 100)}%)`;
  const otherLines = others.map((lane) => (
    <Text key={`${lane.arm}\u0000${lane.seed}`} wrap="truncate-end" dimColor>
      {otherLaneLine(lane, seedCount)}
    </Text>
  ));
  if (!progress) {
    return (
      <Box flexDirection="column">
        <Text wrap="truncate-end">{run}</Text>
        {otherLines}
      </Box>
    );
  }
  const prefix = focusLabel ? `${focusLabel} · ` : '';
  const epochLabel = `epoch ${progress.epoch}/${progress.epochs}`;
  const counts = `${progress.batch}/${progress.batches} batches · ${formatRate(progress.imagesPerSec)}`;
  const barWidth = Math.max(10, Math.min(30, columns - prefix.length - epochLabel.length - counts.length - 4));
  const lastLoss = losses.length > 0 ? losses[losses.length - 1] : progress.loss;
  const diverging = !Number.isFinite(lastLoss);
  const sparkWidth = Math.max(10, Math.min(40, columns - 24));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {prefix ? <Text bold>{prefix}</Text> : null}
        {epochLabel} <Text color={color ? 'cyan' : undefined}>{bar(figures.epochFraction ?? 0, barWidth)}</Text> {counts}
      </Text>
      <Text wrap="truncate-end">
        epoch {formatDuration(figures.epochElapsedSec)} elapsed · ETA {formatDuration(figures.epochEtaSec)}
      </Text>
      <Text wrap="truncate-end">{run}</Text>
      <Text wrap="truncate-end">
        loss <Text color={color ? (diverging ? 'red' : 'magenta') : undefined}>{sparkline(losses, sparkWidth)}</Text> {formatLoss(lastLoss)}
      </Text>
      {otherLines}
    </Box>
  );
}
