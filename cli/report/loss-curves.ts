// Training loss per epoch per arm, averaged over seeds, from epoch-end events.
// Epochs are numbered through the whole arm (pretrain 10 then train 10 → epochs 1..20).
// A step the runtime reused has no epoch-end events of its own. Its step-end event carries the
// losses of the computation it stands for when the runtime knows them (run-folder.ts turns them
// into epoch records: steps taken from the cross-run cache or from another arm). Otherwise
// they are borrowed from the arm of this run that computed the same stateKey.
import type { Plan } from '../../compiler/plan.js';
import type { EpochEndEvent } from './read-run-folder.js';

export interface LossPoint {
  arm: string;
  epoch: number; // 1-based through the arm
  loss: number; // mean over the seeds that reached this epoch
  seeds: number; // how many seeds contributed
  phase: 'pretrain' | 'train';
}

type SeedEpochLoss = Map<number, Map<number, number>>; // seed -> epoch-in-step -> loss

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function pushPoints(out: LossPoint[], arm: string, offset: number, epochs: number, phase: LossPoint['phase'], bySeed: SeedEpochLoss | undefined): void {
  if (!bySeed) return;
  for (let e = 1; e <= epochs; e++) {
    const losses = [...bySeed.values()].map((m) => m.get(e)).filter((x): x is number => x !== undefined && Number.isFinite(x));
    if (losses.length > 0) out.push({ arm, epoch: offset + e, loss: mean(losses), seeds: losses.length, phase });
  }
}

function record(map: Map<string, SeedEpochLoss>, k: string, e: EpochEndEvent): void {
  let bySeed = map.get(k);
  if (!bySeed) map.set(k, (bySeed = new Map()));
  let byEpoch = bySeed.get(e.seed);
  if (!byEpoch) bySeed.set(e.seed, (byEpoch = new Map()));
  byEpoch.set(e.epoch, e.loss);
}

/** Loss curves in arm order (the plan's, else first appearance in the events). */
export function lossCurves(epochEnds: EpochEndEvent[], plan: Plan | null): LossPoint[] {
  const out: LossPoint[] = [];
  if (plan) {
    const byStateKey = new Map<string, SeedEpochLoss>();
    const byArmStep = new Map<string, SeedEpochLoss>();
    for (const e of epochEnds) {
      const step = plan.arms.find((a) => a.name === e.arm)?.steps[e.step];
      if (step) record(byStateKey, step.stateKey, e);
      record(byArmStep, `${e.arm}\u0000${e.step}`, e);
    }
    for (const arm of plan.arms) {
      let offset = 0;
      arm.steps.forEach((step, i) => {
        if (step.kind !== 'train') return;
        const own = byArmStep.get(`${arm.name}\u0000${i}`);
        pushPoints(out, arm.name, offset, step.epochs, step.pretrain ? 'pretrain' : 'train', own ?? byStateKey.get(step.stateKey));
        offset += step.epochs;
      });
    }
    return out;
  }
  // Without a plan: steps in the order they first appear, per arm.
  const arms: string[] = [];
  const steps = new Map<string, { step: number; epochs: number }[]>();
  const byArmStep = new Map<string, SeedEpochLoss>();
  for (const e of epochEnds) {
    if (!steps.has(e.arm)) {
      arms.push(e.arm);
      steps.set(e.arm, []);
    }
    const list = steps.get(e.arm)!;
    if (!list.some((s) => s.step === e.step)) list.push({ step: e.step, epochs: e.epochs });
    record(byArmStep, `${e.arm}\u0000${e.step}`, e);
  }
  for (const arm of arms) {
    let offset = 0;
    for (const s of steps.get(arm)!.sort((a, b) => a.step - b.step)) {
      pushPoints(out, arm, offset, s.epochs, 'train', byArmStep.get(`${arm}\u0000${s.step}`));
      offset += s.epochs;
    }
  }
  return out;
}
