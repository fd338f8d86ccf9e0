// The run folder: everything a run leaves behind, written atomically.
//   plan.json        the Plan as executed (its hash guards --resume)
//   run.json         backend, subset and start time (so a resume uses the same data)
//   events.jsonl     every event, one JSON object a line (appended; a resume appends more)
//   results.json     runtime/results.ts; results.csv and results.md: the table as text
//   weights/<arm>/seed-<s>/step-<NN>-<kind>.mfxw   weights after each step that changes them
//   checkpoints/<arm>/seed-<s>.mfxc                progress for --resume (see checkpoint.ts)
//   predictions/<arm>/seed-<s>/<label>/<test set>.mfxp   per-sample classes of each evaluation
//   predictions/labels/<test set>.mfxp             the labels they are scored against (predictions-file.ts)
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan } from '../../compiler/plan.js';
import type { RunEvent, Subset } from '../events.js';
import type { Results } from '../results.js';
import { writeFileAtomic } from './atomic-write.js';
import { RunFolderError } from './run-folder-error.js';
import { safeName } from './folder-names.js';
import { formatResultsCsv, formatResultsMarkdown } from '../results/results-format.js';
import { decodePredictionFile, encodePredictionFile, labelsPath, predictionsPath, sha256Hex } from './predictions-file.js';

export { RunFolderError, type RunFolderProblem } from './run-folder-error.js';

export interface RunInfo {
  backend: string;
  subset: Subset;
  startedAt: string;
}

/** Folder-safe form of a title or arm name. */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s || 'run';
}

/** `runs/<title-slug>-<YYYYMMDD-HHMMSS>` (local time). */
export function defaultRunDir(title: string, now: Date = new Date(), root = 'runs'): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return path.join(root, `${slug(title)}-${stamp}`);
}

export class RunFolder {
  private constructor(
    readonly dir: string,
    readonly info: RunInfo,
  ) {}

  /** Creates a fresh run folder (it must not already hold a run). */
  static create(dir: string, plan: Plan, info: RunInfo): RunFolder {
    if (existsSync(path.join(dir, 'plan.json'))) {
      throw new RunFolderError({ kind: 'holds-a-run', dir });
    }
    mkdirSync(dir, { recursive: true });
    // run.json first: plan.json marks a folder that holds a run, so open() never finds one without the other.
    writeFileAtomic(path.join(dir, 'run.json'), `${JSON.stringify(info, null, 2)}\n`);
    writeFileAtomic(path.join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
    return new RunFolder(dir, info);
  }

  /** Opens an existing run folder for --resume; refuses one made from a different plan. */
  static open(dir: string, plan: Plan): RunFolder {
    const planFile = path.join(dir, 'plan.json');
    if (!existsSync(dir)) throw new RunFolderError({ kind: 'missing', dir });
    if (!existsSync(planFile)) throw new RunFolderError({ kind: 'not-a-run', dir });
    let saved: { hash?: string };
    let info: RunInfo;
    try {
      saved = JSON.parse(readFileSync(planFile, 'utf8'));
      info = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8'));
    } catch (err) {
      throw new RunFolderError({ kind: 'damaged', dir, detail: (err as Error).message.split('\n')[0] });
    }
    if (saved.hash !== plan.hash) {
      throw new RunFolderError({ kind: 'other-plan', dir, savedHash: String(saved.hash), planHash: plan.hash });
    }
    return new RunFolder(dir, info);
  }

  /** Appends one event as a JSON line. */
  appendEvent(event: RunEvent): void {
    appendFileSync(path.join(this.dir, 'events.jsonl'), `${JSON.stringify(event)}\n`);
  }

  /** Writes results.json, results.csv and results.md. */
  writeResults(results: Results): void {
    writeFileAtomic(path.join(this.dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileAtomic(path.join(this.dir, 'results.csv'), formatResultsCsv(results));
    writeFileAtomic(path.join(this.dir, 'results.md'), formatResultsMarkdown(results));
  }

  weightsFile(arm: string, seed: number, step: number, kind: string): string {
    return path.join(this.dir, 'weights', safeName(arm), `seed-${seed}`, `step-${String(step).padStart(2, '0')}-${kind}.mfxw`);
  }

  checkpointFile(arm: string, seed: number): string {
    return path.join(this.dir, 'checkpoints', safeName(arm), `seed-${seed}.mfxc`);
  }

  /**
   * Stores the per-sample predicted classes of one evaluation, and (once per test set) the labels
   * they were scored against; the predictions file names the labels' checksum.
   */
  writePredictions(e: { arm: string; seed: number; label: string; testSet: string }, predicted: Uint8Array, labels: Uint8Array): void {
    const labelsSha256 = sha256Hex(labels);
    const labelsFile = labelsPath(this.dir, e.testSet);
    if (!existsSync(labelsFile)) writeFileAtomic(labelsFile, encodePredictionFile({ kind: 'labels', meta: { testSet: e.testSet, labelsSha256 }, classes: labels }));
    const meta = { testSet: e.testSet, arm: e.arm, seed: e.seed, label: e.label, labelsSha256 };
    writeFileAtomic(predictionsPath(this.dir, e), encodePredictionFile({ kind: 'predictions', meta, classes: predicted }));
  }

  /** An evaluation handed over with a shared prefix: its predictions are the source arm's. */
  copyPredictions(from: { arm: string; seed: number; label: string; testSet: string }, toArm: string): void {
    const source = predictionsPath(this.dir, from);
    if (!existsSync(source)) return; // a run folder from before predictions were kept
    const decoded = decodePredictionFile(readFileSync(source), 'predictions', source);
    const meta = { ...decoded.meta, arm: toArm };
    writeFileAtomic(predictionsPath(this.dir, { ...from, arm: toArm }), encodePredictionFile({ kind: 'predictions', meta, classes: decoded.classes }));
  }

  /** A `save` step's target: relative to the run folder. */
  savePath(relative: string): string {
    return path.resolve(this.dir, relative);
  }
}


/** The seed a run folder's plan was run with (null if unreadable), so --resume can repeat a --seed override. */
export function savedPlanSeed(dir: string): number | null {
  try {
    const saved = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as { seed?: unknown };
    return typeof saved.seed === 'number' ? saved.seed : null;
  } catch {
    return null;
  }
}
