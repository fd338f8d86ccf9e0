// Builds synthetic run folders (plan.json, events.jsonl, results.json) that follow the
// contracts in compiler/plan.ts, runtime/events.ts and runtime/results.ts, so the report and
// compare are tested without training anything. Numbers are deterministic functions of
// (arm, seed, test set), chosen so hybrid beats its pretrained snapshot on occluded sets.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planHash } from '../../compiler/plan-hash.js';
import { resolveTestSet } from '../../compiler/test-sets.js';
import type { ArmSpec, FeatureTransform, LayerSpec, ModelSpec, Plan, StepSpec } from '../../compiler/plan.js';
import type { RunEvent } from '../../runtime/events.js';
import type { ArmColumn, EvalRecord, Results } from '../../runtime/results.js';

export const PMNIST = ['pmnist.unmodified', 'pmnist.hcut', 'pmnist.vcut', 'pmnist.dcut', 'pmnist.tcut'];

const BASE_ACCURACY: Record<string, number> = {
  'pmnist.unmodified': 0.982,
  'pmnist.hcut': 0.62,
  'pmnist.vcut': 0.61,
  'pmnist.dcut': 0.55,
  'pmnist.tcut': 0.34,
};

export function referenceModel(): ModelSpec {
  const p = (layer: string, shape: number[], fanIn: number) => [
    { name: `${layer}.weight`, layer, role: 'weight' as const, shape, size: shape.reduce((a, b) => a * b, 1), fanIn },
    { name: `${layer}.bias`, layer, role: 'bias' as const, shape: [shape[shape.length - 1]], size: shape[shape.length - 1], fanIn },
  ];
  const params = [...p('conv1', [5, 5, 1, 10], 25), ...p('conv2', [5, 5, 10, 20], 250), ...p('fc1', [320, 50], 320), ...p('fc2', [50, 10], 50)];
  const layers: LayerSpec[] = [
    { kind: 'conv', name: 'conv1', filters: 10, kernel: [5, 5], stride: 1, padding: 'valid', inShape: [28, 28, 1], outShape: [24, 24, 10], params: ['conv1.weight', 'conv1.bias'] },
    { kind: 'pool', size: 2, inShape: [24, 24, 10], outShape: [12, 12, 10] },
    { kind: 'activation', activation: 'relu', inShape: [12, 12, 10], outShape: [12, 12, 10] },
    { kind: 'conv', name: 'conv2', filters: 20, kernel: [5, 5], stride: 1, padding: 'valid', inShape: [12, 12, 10], outShape: [8, 8, 20], params: ['conv2.weight', 'conv2.bias'] },
    { kind: 'dropout2d', rate: 0.5, inShape: [8, 8, 20], outShape: [8, 8, 20] },
    { kind: 'pool', size: 2, inShape: [8, 8, 20], outShape: [4, 4, 20] },
    { kind: 'activation', activation: 'relu', inShape: [4, 4, 20], outShape: [4, 4, 20] },
    { kind: 'flatten', inShape: [4, 4, 20], outShape: [320] },
    { kind: 'dense', name: 'fc1', units: 50, inShape: [320], outShape: [50], params: ['fc1.weight', 'fc1.bias'] },
    { kind: 'activation', activation: 'relu', inShape: [50], outShape: [50] },
    { kind: 'dropout', rate: 0.5, inShape: [50], outShape: [50] },
    { kind: 'dense', name: 'fc2', units: 10, inShape: [50], outShape: [10], params: ['fc2.weight', 'fc2.bias'] },
  ];
  return { name: 'reference', inputShape: [28, 28, 1], classes: 10, layers, params, totalParams: 21840, featureBoundary: 7, featureActivation: 6 };
}

const ALL = ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'];
const CONV = ALL.slice(0, 4);
const FC = ALL.slice(4);

/** A compact way to write an arm's schedule in tests. */
export type StepSketch =
  | { pretrain: number }
  | { train: number; alternate?: boolean }
  | { freeze: string[] }
  | { reset: string[] }
  | { invert: 'relu6' | 'relu' | 'off' }
  | { lr: number }
  | { eval: string; snapshot?: boolean };

export interface ArmSketch {
  name: string;
  steps: StepSketch[];
  baseline?: { arm: string; label: string; reason: 'named' | 'baseline-arm' | 'snapshot' };
}

export const DEFAULT_ARMS: ArmSketch[] = [
  { name: 'baseline', steps: [{ train: 4 }, { eval: 'final' }] },
  {
    name: 'hybrid',
    steps: [{ pretrain: 2 }, { eval: 'pretrained', snapshot: true }, { freeze: CONV }, { invert: 'relu6' }, { reset: FC }, { train: 2 }, { eval: 'final' }],
    baseline: { arm: 'hybrid', label: 'pretrained', reason: 'snapshot' },
  },
  {
    name: 'hybrid-nr',
    steps: [{ pretrain: 2 }, { eval: 'pretrained', snapshot: true }, { freeze: CONV }, { invert: 'relu6' }, { train: 2 }, { eval: 'final' }],
    baseline: { arm: 'hybrid-nr', label: 'pretrained', reason: 'snapshot' },
  },
];

function lowerArm(sketch: ArmSketch, testSets: string[], lr0: number): ArmSpec {
  let frozen: string[] = [];
  let feature: FeatureTransform = { kind: 'model' };
  let lr = lr0;
  let stateKey = 'root';
  const steps: StepSpec[] = sketch.steps.map((s, i): StepSpec => {
    stateKey = `${stateKey}>${JSON.stringify(s)}`;
    const source = { line: i + 1, column: 1 };
    if ('pretrain' in s || 'train' in s) {
      const epochs = 'pretrain' in s ? s.pretrain : s.train;
      const trainable = ALL.filter((p) => !frozen.includes(p));
      return {
        kind: 'train', epochs, pretrain: 'pretrain' in s, alternate: 'train' in s && !!s.alternate, feature, trainable, frozen: [...frozen],
        trainableCount: trainable.length * 100, lr, stateKey, source,
      };
    }
    if ('freeze' in s) {
      frozen = [...new Set([...frozen, ...s.freeze])];
      return { kind: 'freeze', params: s.freeze, stateKey, source };
    }
    if ('reset' in s) return { kind: 'reset', params: s.reset, stateKey, source };
    if ('invert' in s) {
      feature = s.invert === 'off' ? { kind: 'model' } : { kind: 'inverted', activation: s.invert };
      return { kind: 'invert', feature, stateKey, source };
    }
    if ('lr' in s) {
      lr = s.lr;
      return { kind: 'lr', lr, stateKey, source };
    }
    return { kind: 'eval', testSets, label: s.eval, snapshot: !!s.snapshot, feature, stateKey, ...(s.snapshot ? {} : { source }) };
  });
  return { name: sketch.name, steps, reportLabel: 'final', baseline: sketch.baseline ?? null, sharedPrefix: 0 };
}

export interface FixtureOptions {
  arms?: ArmSketch[];
  seeds?: number[];
  testSets?: string[];
  lr?: number;
  title?: string;
  /** Per-arm accuracy bonus in points on occluded sets (default: hybrid +5, hybrid-nr +2). */
  bonus?: Record<string, number>;
  /** Seeds of an arm that diverged (no evals, status message). */
  diverged?: { arm: string; seed: number }[];
  /** Sweep template per arm, written as `group` on results.json's table columns. */
  groups?: Record<string, string>;
}

export interface Fixture {
  plan: Plan;
  results: Results;
  events: RunEvent[];
}

/** Deterministic accuracy of (arm, label, seed, test set). */
function accuracyOf(arm: string, label: string, seed: number, testSet: string, bonus: Record<string, number>): number {
  const base = BASE_ACCURACY[testSet] ?? 0.5;
  const wobble = (((seed * 7919 + testSet.length * 104729 + arm.length * 31 + label.length * 613) % 97) / 97 - 0.5) * 0.02;
  const gain = label === 'final' && testSet !== 'pmnist.unmodified' ? (bonus[arm] ?? 0) / 100 : 0;
  return Math.min(1, Math.max(0, base + gain + wobble));
}

export function buildFixture(options: FixtureOptions = {}): Fixture {
  const arms = options.arms ?? DEFAULT_ARMS;
  const seeds = options.seeds ?? [1, 2, 3];
  const testSets = options.testSets ?? PMNIST;
  const bonus = options.bonus ?? { hybrid: 5, 'hybrid-nr': 2 };
  const lr = options.lr ?? 0.01;
  const armSpecs = arms.map((a) => lowerArm(a, testSets, lr));
  const plan: Plan = {
    schema: 'mfx.plan', version: 1, file: 'examples/fixture.mfx', title: options.title ?? 'fixture experiment',
    dataset: { kind: 'mnist' }, model: referenceModel(), optimizer: { kind: 'sgd', lr, momentum: 0.5 }, batch: 64, shards: 1,
    seed: seeds[0], repeat: seeds.length, seeds, testSets, testSetRefs: testSets.map((t) => resolveTestSet(t)!), arms: armSpecs, warnings: [],
    hash: '',
  };
  plan.hash = planHash(plan);
  const diverged = options.diverged ?? [];
  const isDiverged = (arm: string, seed: number) => diverged.some((d) => d.arm === arm && d.seed === seed);
  const events: RunEvent[] = [];
  const evals: EvalRecord[] = [];
  const computed = new Set<string>(); // stateKey|seed: a shared prefix is trained once and reused
  events.push({
    type: 'run-start', time: '2026-11-28T20:00:00.000Z', title: plan.title, file: plan.file, planHash: plan.hash, backend: 'cpu',
    runDir: 'runs/fixture', seeds, arms: [], testSets, subset: { train: 1000, test: 500 }, totalTrainImages: 0, resumed: false,
  });
  for (const arm of armSpecs) {
    for (const seed of seeds) {
      events.push({ type: 'arm-start', arm: arm.name, seed });
      arm.steps.forEach((step, i) => {
        if (step.kind === 'train') {
          const reused = computed.has(`${step.stateKey}|${seed}`);
          computed.add(`${step.stateKey}|${seed}`);
          if (reused) {
            events.push({ type: 'step-end', arm: arm.name, seed, step: i, seconds: 0, status: 'reused' });
            return;
          }
          for (let e = 1; e <= step.epochs; e++) {
            events.push({ type: 'batch', arm: arm.name, seed, step: i, epoch: e, epochs: step.epochs, batch: 1, batches: 10, loss: 1, imagesPerSec: 1000, elapsedSec: 0.1 });
            const loss = (step.pretrain ? 1.2 : 0.9 + arm.name.length * 0.05) / (e + seed * 0.1) + (step.feature.kind === 'inverted' ? 0.3 : 0);
            events.push({ type: 'epoch-end', arm: arm.name, seed, step: i, epoch: e, epochs: step.epochs, loss, seconds: 1, imagesPerSec: 1000, inverted: step.feature.kind === 'inverted' });
          }
        } else if (step.kind === 'eval' && !isDiverged(arm.name, seed)) {
          for (const testSet of step.testSets) {
            const record: EvalRecord = { arm: arm.name, seed, label: step.label, testSet, accuracy: accuracyOf(arm.name, step.label, seed, testSet, bonus), loss: 0.5, n: 500 };
            evals.push(record);
            events.push({ type: 'eval-result', ...record });
          }
        }
      });
      events.push({ type: 'arm-end', arm: arm.name, seed, status: isDiverged(arm.name, seed) ? 'diverged' : 'done' });
    }
  }
  const columns: ArmColumn[] = armSpecs.map((arm) => ({
    arm: arm.name,
    label: 'final',
    baseline: arm.baseline,
    status: Object.fromEntries(seeds.map((s) => [String(s), isDiverged(arm.name, s) ? 'diverged at epoch 1 batch 3 (loss NaN)' : 'done'])),
    cells: {}, // the report recomputes cells from evals; left empty to prove it does
    ...(options.groups?.[arm.name] ? { template: options.groups[arm.name] } : {}),
  }));
  const results: Results = {
    schema: 'mfx.results', version: 1, title: plan.title, file: plan.file, planHash: plan.hash, backend: 'cpu',
    subset: { train: 1000, test: 500 }, seeds, startedAt: '2026-11-28T20:00:00.000Z', seconds: 42.5, status: 'done',
    evals, table: { testSets, columns },
  };
  events.push({ type: 'run-end', status: 'done', seconds: 42.5, results });
  return { plan, results, events };
}

/** Writes a fixture into a fresh temporary run folder and returns its path. */
export function writeRunFolder(fixture: Fixture = buildFixture(), parent?: string): string {
  const dir = parent ? join(parent, `run-${Math.random().toString(36).slice(2, 8)}`) : mkdtempSync(join(tmpdir(), 'mfx-run-'));
  mkdirSync(dir, { recursive: true });
  // Tests edit fixtures after building them; keep the hash valid as `mfx run` would write it.
  fixture.plan.hash = planHash(fixture.plan);
  fixture.results.planHash = fixture.plan.hash;
  writeFileSync(join(dir, 'plan.json'), `${JSON.stringify(fixture.plan, null, 2)}\n`);
  writeFileSync(join(dir, 'events.jsonl'), fixture.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(fixture.results, null, 2)}\n`);
  return dir;
}

/**
 * A sweep of `arms` arms (default 40): `baseline`, then arms expanded from four templates
 * (`hybrid-<activation>-lr<rate>` and the like), every one measured against `baseline`, each
 * template's arms carrying its name as their group. Bonuses differ per arm so bars differ.
 */
export function sweepFixture(arms = 40, seeds = [1, 2, 3]): Fixture {
  const templates: { group: string; steps: (act: 'relu' | 'relu6') => StepSketch[] }[] = [
    { group: 'hybrid', steps: (act) => [{ pretrain: 2 }, { freeze: CONV }, { invert: act }, { reset: FC }, { train: 2 }, { eval: 'final' }] },
    { group: 'hybrid-nr', steps: (act) => [{ pretrain: 2 }, { freeze: CONV }, { invert: act }, { train: 2 }, { eval: 'final' }] },
    { group: 'inverted', steps: (act) => [{ invert: act }, { train: 4 }, { eval: 'final' }] },
    { group: 'alternate', steps: (act) => [{ invert: act }, { train: 4, alternate: true }, { eval: 'final' }] },
  ];
  const sketches: ArmSketch[] = [{ name: 'baseline', steps: [{ train: 4 }, { eval: 'final' }] }];
  const groups: Record<string, string> = {};
  const bonus: Record<string, number> = {};
  const rates = [0.005, 0.01, 0.02, 0.05, 0.1];
  outer: for (const t of templates) {
    for (const act of ['relu', 'relu6'] as const) {
      for (const lr of rates) {
        if (sketches.length >= arms) break outer;
        const name = `${t.group}-${act}-lr${lr}`;
        sketches.push({ name, steps: [{ lr }, ...t.steps(act)], baseline: { arm: 'baseline', label: 'final', reason: 'named' } });
        groups[name] = t.group;
        bonus[name] = ((sketches.length * 37) % 13) - 4;
      }
    }
  }
  return buildFixture({ arms: sketches, seeds, groups, bonus, title: `sweep of ${sketches.length} arms` });
}
