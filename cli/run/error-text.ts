// How `mfx run` words the runtime's errors that are data (a run folder that cannot be used, a
// data subset that cannot be served): what is wrong and which flags fix it.
import type { Subset } from '../../runtime/events.js';
import type { RunFolderProblem } from '../../runtime/store/run-folder-error.js';
import type { SubsetProblem } from '../../runtime/data/errors.js';

function subsetFlags(s: Subset): string {
  const part = (flag: string, v: number | null) => (v === null ? `no ${flag}` : `${flag} ${v}`);
  return `${part('--train-subset', s.train)}, ${part('--test-subset', s.test)}`;
}

const SUBSET_FLAG = { train: '--train-subset', test: '--test-subset' } as const;

export function subsetText(p: SubsetProblem): string {
  const flag = SUBSET_FLAG[p.which];
  if (p.available === null) return `${flag} must be a whole number of images, at least 1; got ${p.requested}.`;
  return (
    `${flag} ${p.requested} asks for more ${p.which === 'train' ? 'training' : 'test'} images than the dataset in ${p.source} has (${p.available}). ` +
    `Use at most ${p.available}, or leave the flag out to use them all.`
  );
}

export function runFolderText(p: RunFolderProblem): string {
  switch (p.kind) {
    case 'holds-a-run':
      return `${p.dir} already holds a run. Continue it with --resume ${p.dir}, or choose another folder with --out.`;
    case 'missing':
      return `Cannot resume: ${p.dir} does not exist. Give the folder a previous \`mfx run\` printed.`;
    case 'not-a-run':
      return `Cannot resume: ${p.dir} is not an mfx run folder (it has no plan.json).`;
    case 'damaged':
      return `Cannot resume: ${p.dir}'s plan.json or run.json is damaged (${p.detail}). Start a new run instead.`;
    case 'other-plan':
      return (
        `Cannot resume ${p.dir}: it was run from a different plan (hash ${p.savedHash.slice(0, 12)}, the file now gives ${p.planHash.slice(0, 12)}). ` +
        'Resume with the unchanged .mfx file (and the same --seed, if you gave one), or start a new run without --resume.'
      );
    case 'other-subset':
      return `Cannot resume ${p.dir} with a different data subset: it was started with ${subsetFlags(p.started)}, this command asks for ${subsetFlags(p.requested)}. Repeat the original flags or leave them out.`;
    case 'damaged-checkpoint':
      return `Cannot resume: the checkpoint ${p.file} ${p.reason}. Delete that file to rerun arm ${p.arm} (seed ${p.seed}) from its start, or start a new run without --resume.`;
    default: {
      const never: never = p;
      return never;
    }
  }
}
