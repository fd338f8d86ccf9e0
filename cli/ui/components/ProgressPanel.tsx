// The training step in progress: a bar for the epoch with batch x/y and images/s, elapsed
// time and ETA for the epoch and the whole run, and a sparkline of recent batch losses.
import { Box, Text } from 'ink';
import { formatCount, formatDuration, formatLoss, formatRate } from '../../format/numbers.js';
import type { RunFigures } from '../run-figures.js';
import type { EpochProgress } from '../run-state.js';
import { sparkline } from '../sparkline.js';

export interface ProgressPanelProps {
  progress: EpochProgress | null;
  figures: RunFigures;
  losses: readonly number[];
  columns: number;
  color: boolean;
}

function bar(fraction: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export function ProgressPanel({ progress, figures, losses, columns, color }: ProgressPanelProps) {
  const run = `run ${formatDuration(figures.runElapsedSec)} elapsed · ETA ${formatDuration(figures.runEtaSec)} · ${formatCount(
    figures.imagesDone,
  )}/${formatCount(figures.imagesTotal)} images (${Math.floor(figures.runFraction * 100)}%)`;
  if (!progress) {
    return (
      <Box flexDirection="column">
        <Text wrap="truncate-end">{run}</Text>
      </Box>
    );
  }
  const epochLabel = `epoch ${progress.epoch}/${progress.epochs}`;
  const counts = `${progress.batch}/${progress.batches} batches · ${formatRate(progress.imagesPerSec)}`;
  const barWidth = Math.max(10, Math.min(30, columns - epochLabel.length - counts.length - 4));
  const lastLoss = losses.length > 0 ? losses[losses.length - 1] : progress.loss;
  const diverging = !Number.isFinite(lastLoss);
  const sparkWidth = Math.max(10, Math.min(40, columns - 24));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        {epochLabel} <Text color={color ? 'cyan' : undefined}>{bar(figures.epochFraction ?? 0, barWidth)}</Text> {counts}
      </Text>
      <Text wrap="truncate-end">
        epoch {formatDuration(figures.epochElapsedSec)} elapsed · ETA {formatDuration(figures.epochEtaSec)}
      </Text>
      <Text wrap="truncate-end">{run}</Text>
      <Text wrap="truncate-end">
        loss <Text color={color ? (diverging ? 'red' : 'magenta') : undefined}>{sparkline(losses, sparkWidth)}</Text> {formatLoss(lastLoss)}
      </Text>
    </Box>
  );
}
