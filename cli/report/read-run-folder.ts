// A finished (or stopped) run folder as the report and compare see it: results.json is
// required; plan.json and events.jsonl are read when present and their absence is noted.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import type { Plan } from '../../compiler/plan.js';
import type { RunEvent } from '../../runtime/events.js';
import type { Results } from '../../runtime/results.js';
import { UserError } from '../context.js';
import { parsePlanJson, PlanFileError } from './plan-reader.js';
import { parseResultsJson, ResultsFileError } from './results-reader.js';

export type EpochEndEvent = Extract<RunEvent, { type: 'epoch-end' }>;

export interface RunFolder {
  dir: string;
  results: Results;
  plan: Plan | null;
  /** Every epoch-end event in file order; empty when events.jsonl is missing. */
  epochEnds: EpochEndEvent[];
  /** What was missing or skipped, for the report's notes. */
  notes: string[];
}

export const RUN_FILES = { plan: 'plan.json', events: 'events.jsonl', results: 'results.json' } as const;

function checkFolder(dir: string): void {
  if (!existsSync(dir)) {
    throw new UserError(`run folder \`${dir}\` does not exist. Pass the folder that \`mfx run\` printed (by default under runs/).`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new UserError(`\`${dir}\` is a file, not a run folder. Pass the folder that holds plan.json and results.json.`);
  }
}

function readResults(dir: string): Results {
  const path = join(dir, RUN_FILES.results);
  if (!existsSync(path)) {
    throw new UserError(
      `\`${dir}\` has no ${RUN_FILES.results}: the run has not written its results (still running, or it stopped before ` +
        'finishing). Pass the folder of a finished run, or continue this one with `mfx run --resume`.',
    );
  }
  try {
    return parseResultsJson(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof ResultsFileError) {
      throw new UserError(`cannot read \`${path}\`: ${err.message}. It should be the file \`mfx run\` wrote; rerun the experiment to recreate it.`);
    }
    throw err;
  }
}

function readPlan(dir: string, required: boolean, notes: string[]): Plan | null {
  const path = join(dir, RUN_FILES.plan);
  if (!existsSync(path)) {
    if (required) {
      throw new UserError(`\`${dir}\` has no ${RUN_FILES.plan}, so its plan cannot be compared. Pass a folder written by \`mfx run\`.`);
    }
    notes.push(`${RUN_FILES.plan} is missing: training-loss epochs are placed in event order.`);
    return null;
  }
  try {
    return parsePlanJson(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof PlanFileError) {
      throw new UserError(`cannot read \`${path}\`: ${err.message}. It should be the file \`mfx run\` wrote; rerun the experiment to recreate it.`);
    }
    throw err;
  }
}

/** The lines of a file read in chunks, so a long run's event log never becomes one huge string. */
function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const lines = (rest + decoder.write(chunk.subarray(0, n))).split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
    rest += decoder.end();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

/**
 * A reused train step's losses (from the computation it stands for, e.g. in an earlier run that
 * filled the cross-run cache) as the epoch-end records that step would have written.
 */
function reusedEpochs(e: Extract<RunEvent, { type: 'step-end' }>): EpochEndEvent[] {
  const losses = (e.losses ?? []).filter((l) => typeof l === 'number');
  return losses.map((loss, k) => ({
    type: 'epoch-end',
    arm: e.arm,
    seed: e.seed,
    step: e.step,
    epoch: k + 1,
    epochs: losses.length,
    loss,
    seconds: 0,
    imagesPerSec: 0,
    inverted: false,
  }));
}

function readEpochEnds(dir: string, notes: string[]): EpochEndEvent[] {
  const path = join(dir, RUN_FILES.events);
  if (!existsSync(path)) {
    notes.push(`${RUN_FILES.events} is missing: no training-loss chart.`);
    return [];
  }
  const out: EpochEndEvent[] = [];
  let unreadable = 0;
  for (const line of fileLines(path)) {
    // Only epoch-end lines (and reused steps that carry their losses) matter here; skipping the
    // rest unparsed keeps large logs cheap.
    if (!line.includes('epoch-end') && !line.includes('"losses"')) continue;
    try {
      const e = JSON.parse(line) as RunEvent;
      if (e.type === 'epoch-end' && typeof e.loss === 'number') out.push(e);
      else if (e.type === 'step-end' && e.status === 'reused' && Array.isArray(e.losses)) out.push(...reusedEpochs(e));
    } catch {
      unreadable++; // a run killed mid-write leaves a truncated last line
    }
  }
  if (unreadable > 0) notes.push(`${unreadable} unreadable line(s) in ${RUN_FILES.events} were skipped.`);
  return out;
}

/** Reads a run folder; throws UserError (one paragraph, with a remedy) when it cannot be used. */
export function readRunFolder(dir: string, options: { requirePlan?: boolean; events?: boolean } = {}): RunFolder {
  checkFolder(dir);
  const notes: string[] = [];
  const results = readResults(dir);
  const plan = readPlan(dir, options.requirePlan ?? false, notes);
  const epochEnds = options.events === false ? [] : readEpochEnds(dir, notes);
  return { dir, results, plan, epochEnds, notes };
}
