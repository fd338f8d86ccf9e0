// The tasks of a --jobs run: one per (seed, arm). An arm whose leading steps repeat an earlier
// arm's (shared prefix) waits for that arm to hand its state over (through the main thread),
// then runs on any free thread; arms share nothing else at run time, so tasks run in any order
// on any thread and give the results of a sequential run.
import type { Plan } from '../../compiler/plan.js';
import { armsWaitingFor } from '../reuse/shared-prefix.js';

export interface ArmTask {
  seed: number;
  arm: string;
  /** Arms of the same seed that hand this one its shared prefix (empty: starts from scratch). */
  prefixFrom: string[];
  /** Training epochs this task computes: the longest ready task starts first. */
  epochs: number;
}

/** For each arm, the earlier arms that put its shared prefix (as the sequential executor does). */
export function prefixSources(plan: Plan, reuse: boolean): Map<string, string[]> {
  const sources = new Map<string, string[]>(plan.arms.map((a) => [a.name, []]));
  if (!reuse) return sources;
  for (const a of plan.arms) {
    for (let k = 1; k <= a.steps.length; k++) {
      for (const b of armsWaitingFor(plan, a, k)) sources.get(b.name)!.push(a.name);
    }
  }
  return sources;
}

export function armTasks(plan: Plan, reuse: boolean): ArmTask[] {
  const sources = prefixSources(plan, reuse);
  return plan.seeds.flatMap((seed) =>
    plan.arms.map((arm) => {
      const from = sources.get(arm.name)!;
      const own = arm.steps.slice(from.length > 0 ? arm.sharedPrefix : 0);
      return { seed, arm: arm.name, prefixFrom: from, epochs: own.reduce((s, step) => s + (step.kind === 'train' ? step.epochs : 0), 0) };
    }),
  );
}
