// What separates two runs, in words: a structural diff of their Plans (settings, model,
// test sets, arms and their steps), plus the run conditions that are not in the Plan
// (backend, data subset). Each difference is one short sentence, old value → new value.
import type { ArmSpec, Plan } from '../../compiler/plan.js';
import type { Results } from '../../runtime/results.js';
import { subsetText } from '../../runtime/results/step-text.js';
import { diffSequences, type SequenceChange } from './sequence-diff.js';
import { datasetText, layerText, optimizerText, stepText, testSetsText } from './plan-text.js';

export interface ComparedRun {
  plan: Plan;
  results: Results;
}

function seedsText(seeds: number[]): string {
  if (seeds.length === 1) return `seed ${seeds[0]}`;
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1] + 1);
  return consecutive ? `seeds ${seeds[0]}..${seeds[seeds.length - 1]} (repeat ${seeds.length})` : `seeds ${seeds.join(', ')}`;
}

function changeText(c: SequenceChange, what: string): string {
  switch (c.kind) {
    case 'removed':
      return `${what} ${c.index} \`${c.text}\` removed`;
    case 'added':
      return `${what} ${c.index} \`${c.text}\` added`;
    case 'changed':
      return c.oldIndex === c.newIndex
        ? `${what} ${c.oldIndex} \`${c.from}\` → \`${c.to}\``
        : `${what} ${c.oldIndex} \`${c.from}\` → ${what} ${c.newIndex} \`${c.to}\``;
  }
}

/** The steps a user wrote (the compiler's inserted snapshot evals are left out: they follow from `pretrain`). */
function writtenSteps(arm: ArmSpec, plan: Plan): string[] {
  return arm.steps.filter((s) => !(s.kind === 'eval' && s.snapshot)).map((s) => stepText(s, plan.model));
}

function optimizerDiffs(a: Plan, b: Plan): string[] {
  const oa = a.optimizer;
  const ob = b.optimizer;
  if (oa.kind !== ob.kind) return [`optimizer ${optimizerText(oa)} → ${optimizerText(ob)}`];
  const out: string[] = [];
  for (const field of Object.keys(oa) as (keyof typeof oa)[]) {
    if (field === 'kind') continue;
    const va = oa[field];
    const vb = (ob as typeof oa)[field];
    if (va !== vb) out.push(`optimizer ${String(field)} ${String(va)} → ${String(vb)}`);
  }
  return out;
}

function modelDiffs(a: Plan, b: Plan): string[] {
  const out: string[] = [];
  if (a.model.name !== b.model.name) out.push(`model ${a.model.name} → ${b.model.name}`);
  const layers = diffSequences(a.model.layers.map(layerText), b.model.layers.map(layerText));
  out.push(...layers.map((c) => `model: ${changeText(c, 'layer')}`));
  if (a.model.totalParams !== b.model.totalParams) {
    out.push(`model parameters ${a.model.totalParams.toLocaleString('en-US')} → ${b.model.totalParams.toLocaleString('en-US')}`);
  }
  return out;
}

function baselineText(arm: ArmSpec): string {
  return arm.baseline ? `${arm.baseline.arm}/${arm.baseline.label}` : 'none';
}

function armDiffs(a: Plan, b: Plan): string[] {
  const out: string[] = [];
  const namesA = a.arms.map((x) => x.name);
  const namesB = b.arms.map((x) => x.name);
  for (const name of namesA.filter((n) => !namesB.includes(n))) out.push(`arm \`${name}\` removed`);
  for (const name of namesB.filter((n) => !namesA.includes(n))) {
    const arm = b.arms.find((x) => x.name === name)!;
    out.push(`arm \`${name}\` added: \`${writtenSteps(arm, b).join('; ')}\``);
  }
  for (const armA of a.arms) {
    const armB = b.arms.find((x) => x.name === armA.name);
    if (!armB) continue;
    for (const c of diffSequences(writtenSteps(armA, a), writtenSteps(armB, b))) out.push(`arm \`${armA.name}\`: ${changeText(c, 'step')}`);
    if (baselineText(armA) !== baselineText(armB)) out.push(`arm \`${armA.name}\`: baseline ${baselineText(armA)} → ${baselineText(armB)}`);
    if (armA.reportLabel !== armB.reportLabel) out.push(`arm \`${armA.name}\`: reported eval ${armA.reportLabel ?? 'none'} → ${armB.reportLabel ?? 'none'}`);
  }
  return out;
}

/** Sentences saying how run B's plan and conditions differ from run A's; empty when nothing does. */
export function describeDifferences(a: ComparedRun, b: ComparedRun): string[] {
  const pa = a.plan;
  const pb = b.plan;
  const out: string[] = [];
  if (pa.hash !== pb.hash) {
    if (pa.title !== pb.title) out.push(`title "${pa.title}" → "${pb.title}"`);
    if (datasetText(pa.dataset) !== datasetText(pb.dataset)) out.push(`dataset ${datasetText(pa.dataset)} → ${datasetText(pb.dataset)}`);
    out.push(...modelDiffs(pa, pb));
    out.push(...optimizerDiffs(pa, pb));
    if (pa.batch !== pb.batch) out.push(`batch ${pa.batch} → ${pb.batch}`);
    if (pa.shards !== pb.shards) out.push(`shards ${pa.shards} → ${pb.shards}`);
    if (seedsText(pa.seeds) !== seedsText(pb.seeds)) out.push(`${seedsText(pa.seeds)} → ${seedsText(pb.seeds)}`);
    const setsA = testSetsText(pa.testSets);
    const setsB = testSetsText(pb.testSets);
    if (setsA !== setsB) out.push(`test sets ${setsA} → ${setsB}`);
    out.push(...armDiffs(pa, pb));
    if (out.length === 0) out.push(`plans differ (hash ${pa.hash.slice(0, 12)} → ${pb.hash.slice(0, 12)}) in details not described here`);
  }
  // Conditions chosen on the command line, not in the Plan, still separate results.
  if (a.results.backend !== b.results.backend) out.push(`backend ${a.results.backend} → ${b.results.backend} (not in the plan)`);
  const subA = subsetText(a.results.subset);
  const subB = subsetText(b.results.subset);
  if (subA !== subB) out.push(`data ${subA} → ${subB} (not in the plan)`);
  return out;
}
