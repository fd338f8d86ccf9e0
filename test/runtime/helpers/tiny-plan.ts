// Hand-built Plans and synthetic images for runtime tests: an 8x8x1 input, a reference-shaped
// net in miniature (conv, pool, relu, conv, dropout2d, relu, flatten, dense, relu, dropout, dense).
import type { ArmSpec, LayerSpec, ModelSpec, ParamSpec, Plan, StepSpec } from '../../../compiler/plan.js';
import type { Images } from '../../../runtime/training/image-batch.js';
import type { LoadRunData } from '../../../runtime/run/run-data.js';
import { createPrng } from '../../../runtime/data/prng.js';
import { resolveTestSet } from '../../../compiler/test-sets.js';

function param(layer: string, role: 'weight' | 'bias', shape: number[], fanIn: number): ParamSpec {
  return { name: `${layer}.${role}`, layer, role, shape, size: shape.reduce((a, b) => a * b, 1), fanIn };
}

export const CLASSES = 3;

/** The miniature reference net; featureActivation is the relu before flatten (index 6). */
export function tinyModel(): ModelSpec {
  const layers: LayerSpec[] = [
    { kind: 'conv', name: 'conv1', filters: 4, kernel: [3, 3], stride: 1, padding: 'valid', inShape: [8, 8, 1], outShape: [6, 6, 4], params: ['conv1.weight', 'conv1.bias'] },
    { kind: 'pool', size: 2, inShape: [6, 6, 4], outShape: [3, 3, 4] },
    { kind: 'activation', activation: 'relu', inShape: [3, 3, 4], outShape: [3, 3, 4] },
    { kind: 'conv', name: 'conv2', filters: 4, kernel: [2, 2], stride: 1, padding: 'valid', inShape: [3, 3, 4], outShape: [2, 2, 4], params: ['conv2.weight', 'conv2.bias'] },
    { kind: 'dropout2d', rate: 0.5, inShape: [2, 2, 4], outShape: [2, 2, 4] },
    { kind: 'pool', size: 1, inShape: [2, 2, 4], outShape: [2, 2, 4] },
    { kind: 'activation', activation: 'relu', inShape: [2, 2, 4], outShape: [2, 2, 4] },
    { kind: 'flatten', inShape: [2, 2, 4], outShape: [16] },
    { kind: 'dense', name: 'fc1', units: 8, inShape: [16], outShape: [8], params: ['fc1.weight', 'fc1.bias'] },
    { kind: 'activation', activation: 'relu', inShape: [8], outShape: [8] },
    { kind: 'dropout', rate: 0.5, inShape: [8], outShape: [8] },
    { kind: 'dense', name: 'fc2', units: CLASSES, inShape: [8], outShape: [CLASSES], params: ['fc2.weight', 'fc2.bias'] },
  ];
  const params = [
    param('conv1', 'weight', [3, 3, 1, 4], 9),
    param('conv1', 'bias', [4], 9),
    param('conv2', 'weight', [2, 2, 4, 4], 16),
    param('conv2', 'bias', [4], 16),
    param('fc1', 'weight', [16, 8], 16),
    param('fc1', 'bias', [8], 16),
    param('fc2', 'weight', [8, CLASSES], 8),
    param('fc2', 'bias', [CLASSES], 8),
  ];
  return { name: 'tiny', inputShape: [8, 8, 1], classes: CLASSES, layers, params, totalParams: params.reduce((a, p) => a + p.size, 0), featureBoundary: 7, featureActivation: 6 };
}

export const ALL_PARAMS = tinyModel().params.map((p) => p.name);
export const CONV_PARAMS = ALL_PARAMS.filter((n) => n.startsWith('conv'));
export const FC_PARAMS = ALL_PARAMS.filter((n) => n.startsWith('fc'));

type Train = Extract<StepSpec, { kind: 'train' }>;

/** A train step: `trainable` defaults to every parameter. */
export function train(epochs: number, opts: Partial<Omit<Train, 'kind' | 'epochs'>> = {}): StepSpec {
  const trainable = opts.trainable ?? ALL_PARAMS;
  return {
    kind: 'train',
    epochs,
    pretrain: opts.pretrain ?? false,
    alternate: opts.alternate ?? false,
    feature: opts.feature ?? { kind: 'model' },
    trainable,
    frozen: ALL_PARAMS.filter((n) => !trainable.includes(n)),
    trainableCount: 0,
    lr: opts.lr ?? 0.05,
    stateKey: '',
  };
}

export function evalStep(label: string, testSets = ['pmnist.unmodified', 'pmnist.hcut'], feature: Train['feature'] = { kind: 'model' }): StepSpec {
  return { kind: 'eval', testSets, label, snapshot: false, feature, stateKey: '' };
}

export function arm(name: string, steps: StepSpec[], baseline: ArmSpec['baseline'] = null): ArmSpec {
  return { name, steps, reportLabel: steps.some((s) => s.kind === 'eval' && s.label === 'final') ? 'final' : null, baseline, sharedPrefix: 0 };
}

export function tinyPlan(arms: ArmSpec[], opts: Partial<Plan> = {}): Plan {
  const seeds = opts.seeds ?? [1];
  const plan: Plan = {
    schema: 'mfx.plan',
    version: 1,
    file: 'tiny.mfx',
    title: 'tiny',
    dataset: { kind: 'mnist' },
    model: tinyModel(),
    optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.5 },
    batch: 8,
    shards: 2,
    seed: seeds[0],
    repeat: seeds.length,
    seeds,
    testSets: ['pmnist.unmodified', 'pmnist.hcut'],
    testSetRefs: [],
    arms,
    warnings: [],
    hash: 'tiny-plan-hash',
    ...opts,
  };
  if (!opts.testSetRefs) plan.testSetRefs = plan.testSets.map((t) => resolveTestSet(t)!);
  return plan;
}

/**
 * Two arms sharing pretraining, its snapshot eval and the head reset (handed over to `b`, which
 * then trains `tailEpochsB` epochs on inverted relu6 features), over two seeds.
 */
export function twoArmsSharingPretraining(tailEpochsB: number): Plan {
  const inverted = { kind: 'inverted', activation: 'relu6' } as const;
  const prefix = () => [train(2, { pretrain: true }), evalStep('pretrained'), { kind: 'reset' as const, params: FC_PARAMS, stateKey: 'k' }];
  return tinyPlan(
    [
      arm('a', [...prefix(), train(1, { trainable: FC_PARAMS }), evalStep('final')]),
      { ...arm('b', [...prefix(), train(tailEpochsB, { trainable: FC_PARAMS, feature: inverted }), evalStep('final', undefined, inverted)]), sharedPrefix: 3 },
    ],
    { seeds: [1, 2], repeat: 2 },
  );
}

/** n synthetic 8x8 images whose class is where a bright blob sits (learnable, deterministic). */
export function syntheticImages(n: number, seed: number, blank: ((r: number, c: number) => boolean) | null = null): Images {
  const prng = createPrng(seed);
  const images = new Float32Array(n * 64);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % CLASSES;
    labels[i] = label;
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) {
        const blob = Math.abs(c - (1 + 3 * label)) <= 1 && r >= 2 && r <= 5 ? 2 : 0;
        images[i * 64 + r * 8 + c] = blank?.(r, c) ? 0 : blob + (prng.float() - 0.5) * 0.5;
      }
    }
  }
  return { images, labels, n, height: 8, width: 8, channels: 1 };
}

/** A LoadRunData for executePlan that serves synthetic images (hcut blanks the top half). */
export function syntheticData(trainN = 48, testN = 30): LoadRunData {
  return async (_spec, subset) => {
    const train = syntheticImages(subset.train ?? trainN, 11);
    const tests = new Map<string, Images>([
      ['pmnist.unmodified', syntheticImages(subset.test ?? testN, 12)],
      ['pmnist.hcut', syntheticImages(subset.test ?? testN, 12, (r) => r < 4)],
    ]);
    return {
      train,
      classes: CLASSES,
      testSet({ name }) {
        const set = tests.get(name);
        if (!set) throw new Error(`no synthetic test set ${name}`);
        return set;
      },
    };
  };
}
