// The files one unit leaves in a run folder: what a worker sends back with a unit's result (from
// its store's copy of the run folder) and the only paths a coordinator writes into its own, so a
// queued run's folder holds what a local run's does (weights, checkpoints, predictions, `save` files).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan } from '../../compiler/plan.js';
import type { RunFolder } from '../store/run-folder.js';
import { labelsPath, predictionsPath } from '../store/predictions-file.js';
import { savePathForSeed } from '../run/steps.js';
import type { UnitResult } from '../run/runner.js';
import { prefixSources } from '../run/units.js';

/**
 * The unit's files in `folder`, absolute, keyed by their path relative to it ('/'-separated):
 * the weights after each step, the `save` files, the checkpoint, and the predictions of its
 * evaluations with their labels. With `reuse` (a local run's default), the steps of a shared
 * prefix that a local run takes over from an earlier arm are left out: a local run does not
 * compute them for this arm, so it writes no weights for them. Candidates: not all exist.
 */
export function unitFiles(folder: RunFolder, plan: Plan, r: UnitResult, reuse: boolean): Map<string, string> {
  const arm = plan.arms.find((a) => a.name === r.arm);
  const files: string[] = [];
  if (arm) {
    const takenOver = (prefixSources(plan, reuse).get(arm.name) ?? []).length > 0 ? arm.sharedPrefix : 0;
    arm.steps.forEach((step, i) => {
      if (i < takenOver) return;
      files.push(folder.weightsFile(arm.name, r.seed, i, step.kind));
      if (step.kind === 'save') files.push(folder.savePath(savePathForSeed(step.path, r.seed, plan.seeds.length)));
    });
  }
  files.push(folder.checkpointFile(r.arm, r.seed));
  for (const e of r.evals) files.push(predictionsPath(folder.dir, e), labelsPath(folder.dir, e.testSet));
  return new Map(files.map((f) => [path.relative(folder.dir, f).split(path.sep).join('/'), f]));
}

/** The unit's files that exist in `folder`, with their bytes (a worker's side). */
export function readUnitFiles(folder: RunFolder, plan: Plan, r: UnitResult): { path: string; data: Uint8Array }[] {
  return [...unitFiles(folder, plan, r, false)].filter(([, abs]) => existsSync(abs)).map(([rel, abs]) => ({ path: rel, data: readFileSync(abs) }));
}
