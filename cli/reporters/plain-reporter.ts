// `--reporter plain` (the default off a terminal): one line per step, epoch, evaluation and
// warning, batch progress at most every few seconds per arm and seed, and the final table.
// Greppable: every line about an arm starts with `[arm]` or `[arm seed N]`.
import type { RunEvent } from '../../runtime/events.js';
import type { Paint } from '../format/color.js';
import {
  armEndLine,
  batchLine,
  epochLine,
  evalLine,
  headerLines,
  stepEndLine,
  stepStartLine,
  warningLine,
  whoTag,
} from '../format/event-lines.js';
import { finalSummaryLines } from '../format/final-summary.js';
import { initialRunState, reduceRunState, type RunState } from '../ui/run-state.js';
import type { Reporter } from './index.js';

export interface PlainReporterOptions {
  out: NodeJS.WritableStream;
  paint: Paint;
  /** Columns for the final table. */
  width: number;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
  /** Least seconds between two progress lines within an epoch. */
  progressEverySec?: number;
}

export function createPlainReporter(options: PlainReporterOptions): Reporter {
  const { out, paint } = options;
  const now = options.now ?? Date.now;
  const every = (options.progressEverySec ?? 5) * 1000;
  let state: RunState = initialRunState;
  // Per (arm, seed): with --jobs the arms' batches interleave, and one shared interval would
  // let whichever arm comes first after it take every progress line.
  const lastProgressAt = new Map<string, number>();
  const lane = (e: { arm: string; seed: number }) => `${e.arm}\u0000${e.seed}`;

  const write = (line: string) => out.write(`${line}\n`);
  const seedCount = () => state.header?.seeds.length ?? 1;
  const stepOf = (arm: string, step: number) => state.arms.find((a) => a.name === arm)?.steps.find((s) => s.index === step) ?? null;

  function lineFor(event: RunEvent): string[] {
    switch (event.type) {
      case 'run-start':
        return headerLines(event, paint);
      case 'arm-start':
        lastProgressAt.set(lane(event), now());
        return [];
      case 'step-start': {
        lastProgressAt.set(lane(event), now());
        const steps = state.arms.find((a) => a.name === event.arm)?.steps.length ?? null;
        return [`${whoTag(event.arm, event.seed, seedCount())} ${stepStartLine(event, steps)}`];
      }
      case 'batch': {
        if (event.batch >= event.batches || now() - (lastProgressAt.get(lane(event)) ?? -Infinity) < every) return [];
        lastProgressAt.set(lane(event), now());
        return [`${whoTag(event.arm, event.seed, seedCount())} ${paint.dim(batchLine(event))}`];
      }
      case 'epoch-end':
        lastProgressAt.set(lane(event), now());
        return [`${whoTag(event.arm, event.seed, seedCount())} ${epochLine(event)}`];
      case 'step-end': {
        const step = stepOf(event.arm, event.step);
        // Instant bookkeeping steps (freeze, reset...) already had their line at step-start.
        if (event.status === 'done' && step && step.epochs === 0 && step.kind !== 'eval') return [];
        return [`${whoTag(event.arm, event.seed, seedCount())} ${stepEndLine(event, step ? step.text : null, paint)}`];
      }
      case 'eval-result':
        return [`${whoTag(event.arm, event.seed, seedCount())} ${evalLine(event)}`];
      case 'warning':
        return [warningLine(event, paint, seedCount())];
      case 'arm-end':
        lastProgressAt.delete(lane(event));
        return [`${whoTag(event.arm, event.seed, seedCount())} ${armEndLine(event, paint)}`];
      case 'run-end':
        return ['', ...finalSummaryLines(event, state.header?.runDir ?? null, { width: options.width, paint })];
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  return {
    onEvent(event) {
      state = reduceRunState(state, event);
      for (const line of lineFor(event)) write(line);
    },
    async close() {},
  };
}
