// Units of work: the Plan as a list of plain-data items that a UnitRunner (runner.ts) executes.
// Today a unit is one arm for one seed. An arm whose leading steps repeat an earlier arm's
// (shared prefix) waits for that arm to hand its state over; units share nothing else at run
// time, so they run in any order, on any thread or machine, and give the results of a
// sequential run. Units are structured-clone safe: they cross threads (and later, queues).
import type { Plan } from '../../compiler/plan.js';
import { armsWaitingFor } from '../reuse/shared-prefix.js';

export interface ArmUnit {
  kind: 'arm';
  seed: number;
  arm: string;
  /** Arms of the same seed that hand this one its shared prefix (empty: starts from scratch). */
  prefixFrom: string[];
  /** Training epochs this unit computes: schedulers start the longest ready unit first. */
  epochs: number;
}

/** One unit of work. New kinds (e.g. a segment of an arm's steps) are added to this union. */
export type Unit = ArmUnit;

/** Key of a (seed, arm) pair, for maps of units, prefixes and results. */
export const unitKey = (seed: number, arm: string): string => `${seed}\u0000${arm}`;

/** For each arm, the earlier arms that put its shared prefix (as a sequential run does). */
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

/** The plan's units in plan order (seed by seed, arm by arm): the order of a sequential run. */
export function planUnits(plan: Plan, reuse: boolean): Unit[] {
  const sources = prefixSources(plan, reuse);
  return plan.seeds.flatMap((seed) =>
    plan.arms.map((arm) => {
      const from = sources.get(arm.name)!;
      const own = arm.steps.slice(from.length > 0 ? arm.sharedPrefix : 0);
      return { kind: 'arm' as const, seed, arm: arm.name, prefixFrom: from, epochs: own.reduce((s, step) => s + (step.kind === 'train' ? step.epochs : 0), 0) };
    }),
  );
}
