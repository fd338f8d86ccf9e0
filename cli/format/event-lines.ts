// One line of text per run event, shared by the plain reporter and the live UI's log, so a
// run reads the same in a pipe and in a terminal.
import type { RunEvent, Subset } from '../../runtime/events.js';
import type { Paint } from './color.js';
import { formatCount, formatDuration, formatLoss, formatRate } from './numbers.js';
import { percent } from '../../runtime/results/numbers.js';
import { groupParams, subsetNotice } from '../../runtime/results/step-text.js';

type EventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

export interface HeaderInfo {
  title: string;
  file: string;
  backend: string;
  planHash: string;
  runDir: string;
  subset: Subset;
  seeds: number[];
  resumed: boolean;
}

/** The run's identity: title, then file/backend/plan, run folder, and notices. */
export function headerLines(h: HeaderInfo, paint: Paint): string[] {
  const seeds = h.seeds.length > 1 ? ` · ${h.seeds.length} seeds (${h.seeds[0]}..${h.seeds[h.seeds.length - 1]})` : ` · seed ${h.seeds[0] ?? '?'}`;
  const lines = [
    paint.bold(h.title),
    `${h.file} · backend ${paint.cyan(h.backend)} · plan ${h.planHash.slice(0, 8)}${seeds}`,
    `run folder ${h.runDir}`,
  ];
  const subset = subsetNotice(h.subset);
  if (subset) lines.push(paint.yellow(subset));
  if (h.resumed) lines.push(paint.yellow('resumed: completed steps are taken from the run folder'));
  return lines;
}

/** `[hybrid]`, or `[hybrid seed 2]` when the run repeats seeds. */
export function whoTag(arm: string, seed: number, seedCount: number): string {
  return seedCount > 1 ? `[${arm} seed ${seed}]` : `[${arm}]`;
}

/** What a step runs under: `frozen conv1, conv2 · features inverted (relu6)`. */
export function stepConditions(frozen: string[], inverted: string | null): string {
  const parts: string[] = [];
  parts.push(frozen.length > 0 ? `frozen ${groupParams(frozen).join(', ')}` : 'nothing frozen');
  parts.push(inverted ? `features inverted (${inverted})` : 'features not inverted');
  return parts.join(' · ');
}

export function stepStartLine(e: EventOf<'step-start'>, stepsInArm: number | null): string {
  const of = stepsInArm ? `/${stepsInArm}` : '';
  const base = `step ${e.step + 1}${of} ${e.text}`;
  return e.kind === 'train' || e.epochs > 0 ? `${base} · ${stepConditions(e.frozen, e.inverted)}` : base;
}

export function stepEndLine(e: EventOf<'step-end'>, text: string | null, paint: Paint): string {
  const what = text ? `${text} ` : '';
  switch (e.status) {
    case 'done':
      return `${paint.green('done')} ${what}in ${formatDuration(e.seconds)}`;
    case 'reused':
      return `${paint.cyan('reused')} ${what}(same computation as an earlier arm or run)`;
    case 'diverged':
      return `${paint.red('diverged')} ${what}after ${formatDuration(e.seconds)}`;
    default:
      return `${e.status} ${what}after ${formatDuration(e.seconds)}`;
  }
}

export function epochLine(e: EventOf<'epoch-end'>): string {
  const inv = e.inverted ? ' · inverted' : '';
  const val = e.validation !== undefined ? ` · validation ${(e.validation * 100).toFixed(2)}%` : '';
  return `epoch ${e.epoch}/${e.epochs} loss ${formatLoss(e.loss)}${val} · ${formatDuration(e.seconds)} · ${formatRate(e.imagesPerSec)}${inv}`;
}

export function batchLine(e: EventOf<'batch'>): string {
  return `epoch ${e.epoch}/${e.epochs} batch ${e.batch}/${e.batches} · loss ${formatLoss(e.loss)} · ${formatRate(e.imagesPerSec)}`;
}

export function evalLine(e: EventOf<'eval-result'>): string {
  return `eval ${e.label} ${e.testSet} ${percent(e.accuracy)}% (${formatCount(e.n)} images)`;
}

export function armEndLine(e: EventOf<'arm-end'>, paint: Paint): string {
  if (e.status === 'done') return `${paint.green('arm done')}`;
  // Messages usually start with the status already (`diverged at epoch 3 ...`).
  const why = e.message ? (e.message.startsWith(e.status) ? ` ${e.message.slice(e.status.length).trim()}` : `: ${e.message}`) : '';
  return e.status === 'diverged' || e.status === 'failed' ? paint.red(`arm ${e.status}${why}`) : paint.yellow(`arm ${e.status}${why}`);
}

export function warningLine(e: EventOf<'warning'>, paint: Paint, seedCount = 1): string {
  const who = e.arm ? ` ${e.seed !== undefined ? whoTag(e.arm, e.seed, seedCount) : `[${e.arm}]`}` : '';
  return paint.yellow(`warning${who}: ${e.message}`);
}

/** The closing line: how the run ended and how long it took. */
export function runEndLine(e: EventOf<'run-end'>, paint: Paint): string {
  const took = formatDuration(e.seconds);
  if (e.status === 'done') return paint.green(`run done in ${took}`);
  if (e.status === 'stopped') return paint.yellow(`run stopped after ${took}: completed steps are saved, results are partial`);
  return paint.red(`run failed after ${took}: results are partial`);
}
