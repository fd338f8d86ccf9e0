// Independent units of work for --jobs: one seed and a group of arms that hand state to each
// other (shared prefixes). Arms in different units share nothing at run time, so units can run
// on different threads in any order and give the results of a sequential run.
import type { Plan } from '../../compiler/plan.js';
import { armsWaitingFor } from '../shared-prefix.js';

export interface WorkUnit {
  seed: number;
  /** Arm names, in plan order (an arm that hands its prefix over runs before the ones taking it). */
  arms: string[];
  /** Training epochs this unit computes: used only to start the longest units first. */
  epochs: number;
}

/** Groups of arm indices linked by shared prefixes (every arm alone when reuse is off). */
export function prefixGroups(plan: Plan, reuse: boolean): number[][] {
  const parent = plan.arms.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  if (reuse) {
    plan.arms.forEach((a, i) => {
      for (let k = 1; k <= a.steps.length; k++) {
        for (const b of armsWaitingFor(plan, a, k)) parent[find(plan.arms.indexOf(b))] = find(i);
      }
    });
  }
  const groups = new Map<number, number[]>();
  plan.arms.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  return [...groups.values()];
}

/** Every (seed, group) unit, longest first (ties in plan order, so the schedule is deterministic). */
export function workUnits(plan: Plan, reuse: boolean): WorkUnit[] {
  const units: WorkUnit[] = [];
  for (const seed of plan.seeds) {
    for (const group of prefixGroups(plan, reuse)) {
      const epochs = group.reduce((sum, i) => {
        const arm = plan.arms[i];
        const own = arm.steps.slice(reuse ? arm.sharedPrefix : 0);
        return sum + own.reduce((s, step) => s + (step.kind === 'train' ? step.epochs : 0), 0);
      }, 0);
      units.push({ seed, arms: group.map((i) => plan.arms[i].name), epochs });
    }
  }
  return units.map((u, order) => ({ u, order })).sort((a, b) => b.u.epochs - a.u.epochs || a.order - b.order).map((x) => x.u);
}
