// Why a run folder cannot be used, as data: cli/ words it for people (with its flag names);
// the message here is a plain fallback that names no flag.
import type { Subset } from '../events.js';

export type RunFolderProblem =
  /** A new run was pointed at a folder that already holds one. */
  | { kind: 'holds-a-run'; dir: string }
  /** A resume was pointed at a folder that does not exist. */
  | { kind: 'missing'; dir: string }
  | { kind: 'not-a-run'; dir: string }
  /** plan.json or run.json cannot be read; `detail` is the first line of the parser's error. */
  | { kind: 'damaged'; dir: string; detail: string }
  | { kind: 'other-plan'; dir: string; savedHash: string; planHash: string }
  | { kind: 'other-subset'; dir: string; started: Subset; requested: Subset }
  /** A checkpoint that cannot be read back (`reason` continues "the file …"). */
  | { kind: 'damaged-checkpoint'; file: string; reason: string; arm: string; seed: number };

const subsetText = (s: Subset) => `train ${s.train ?? 'all'}, test ${s.test ?? 'all'}`;

function fallback(p: RunFolderProblem): string {
  switch (p.kind) {
    case 'holds-a-run':
      return `${p.dir} already holds a run`;
    case 'missing':
      return `${p.dir} does not exist`;
    case 'not-a-run':
      return `${p.dir} is not an mfx run folder (it has no plan.json)`;
    case 'damaged':
      return `${p.dir}'s plan.json or run.json is damaged (${p.detail})`;
    case 'other-plan':
      return `${p.dir} was run from a different plan (hash ${p.savedHash.slice(0, 12)}, now ${p.planHash.slice(0, 12)})`;
    case 'other-subset':
      return `${p.dir} was started with a different data subset (${subsetText(p.started)}; asked: ${subsetText(p.requested)})`;
    case 'damaged-checkpoint':
      return `the checkpoint ${p.file} ${p.reason}`;
    default: {
      const never: never = p;
      return never;
    }
  }
}

/** A run folder that cannot be used (missing, not a run, for another plan, damaged). */
export class RunFolderError extends Error {
  constructor(readonly problem: RunFolderProblem) {
    super(fallback(problem));
    this.name = 'RunFolderError';
  }
}
