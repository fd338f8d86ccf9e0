// Work estimate: how many images a Plan makes the runtime process, with and without the two
// optimisations a declarative plan allows (issue 6):
//   - shared-prefix reuse: an arm's first `sharedPrefix` steps (equal stateKey) are computed
//     once per seed, by the earlier arm, and handed over (train steps and evals alike);
//   - frozen-feature cache: during a train step in which every parameter before the model's
//     last deterministic point (the feature cut: before dropout and the feature transform) is
//     frozen, that part cannot change, so the runtime computes its output once per training
//     image at the start of the step and the epochs train only what follows ("head only").
// A pure function of the Plan: nothing here measures, reads data or knows the runtime. The
// cross-run cache (`--cache DIR`) is not counted: what it holds is unknown at compile time.
import type { ArmSpec, LayerSpec, ModelSpec, Plan, Shape, StepSpec } from './plan.js';

/**
 * Cost model, in "conv-equivalent images": one full training image (forward and backward
 * through the whole network) costs 1. Ratios from the wasm profile of the reference net at
 * batch 64 (bench/profile.ts, --phase baseline and --phase frozen, on the 2-core bench machine):
 *   full training step           ~20 ms / 64 images                 -> 1
 *   frozen-conv step             ~6.4 ms / 64, of which the conv forward is ~2.8 ms,
 *                                so the head alone (fwd + bwd) ~3.6 ms -> 3.6 / 20 = 0.18
 *   conv-part forward (cache fill, once per image)            ~2.8 ms -> 2.8 / 20 = 0.14
 *   evaluation (forward of the whole net, no backward) ~2.8 + ~0.6 ms -> 3.4 / 20 = 0.17
 *     (npm run bench agrees: 6,678 eval img/s vs 1,194 training img/s on one job, 0.18)
 * Only the reference net was profiled; for other models the ratios are a rough guide.
 */
export const COST_MODEL = {
  fullTrainingImage: 1,
  headOnlyImage: 0.18,
  convForwardImage: 0.14,
  evalImage: 0.17,
} as const;

/** Images per dataset known at compile time (train, test); `idx` folders are only known when read. */
const DATASET_IMAGES: Record<'mnist' | 'fashion-mnist', { train: number; test: number }> = {
  mnist: { train: 60_000, test: 10_000 },
  'fashion-mnist': { train: 60_000, test: 10_000 },
};

/** The runtime's default bound on the frozen-feature cache (1 GiB); above it the step trains the full network. */
export const FEATURE_CACHE_LIMIT_BYTES = 1024 ** 3;

export interface WorkOptions {
  /** Training images per epoch (e.g. `--train-subset`); capped at the dataset's size when that is known. */
  trainImages?: number;
  /** Images per test set (e.g. `--test-subset`); capped likewise. */
  testImages?: number;
  /** Above this many bytes the feature cache is not used; 0 turns it off (default FEATURE_CACHE_LIMIT_BYTES, as the runtime). */
  cacheLimitBytes?: number;
}

/**
 * Image counts. When the image counts are unknown (an idx dataset without options), training
 * counts are in epochs (passes over the training set) and eval counts in test-set passes.
 */
export interface ImageCounts {
  /** Training images through the whole network (forward + backward). */
  full: number;
  /** Training images through the head only, conv features taken from the cache. */
  headOnly: number;
  /** Conv-part forward passes that fill the feature cache (once per image per cached train step and seed). */
  convForward: number;
  /** Test images evaluated. */
  eval: number;
}

export interface StepWork {
  /** 0-based index in the arm's steps. */
  index: number;
  kind: 'train' | 'eval';
  /** Inside the arm's shared prefix: computed once, by an earlier arm. */
  shared: boolean;
  /** Train step that uses the frozen-feature cache (head only). */
  headOnly: boolean;
  /** Per seed, without any optimisation. */
  images: number;
}

export interface ArmWork {
  arm: string;
  steps: StepWork[];
  /** Summed over all seeds. */
  without: ImageCounts;
  /** Summed over all seeds. */
  with: ImageCounts;
}

export interface WorkEstimate {
  /** Training images per epoch, or null when unknown (counts are then in epochs). */
  trainImages: number | null;
  /** Images per test set, or null when unknown (eval counts are then in test-set passes). */
  testImages: number | null;
  seeds: number;
  arms: ArmWork[];
  /** Totals over arms and seeds: every arm computes every step, no cache. */
  without: ImageCounts;
  /** Totals with shared prefixes computed once per seed and the frozen-feature cache. */
  with: ImageCounts;
  featureCache: {
    /** Whether some train step is eligible (everything before the feature cut frozen). */
    eligible: boolean;
    /** Shape of one cached feature map (the tensor at the feature cut); empty when the model has no cut. */
    shape: Shape;
    /** Bytes of one cache (float32, one entry per training image), or null when the image count is unknown. */
    bytes: number | null;
    limitBytes: number;
    /** False when the cache would exceed the limit: the eligible steps then train the full network. */
    used: boolean;
  };
  /** Work in conv-equivalent images (COST_MODEL), without and with the optimisations. */
  cost: { without: number; with: number };
  /** cost.without / cost.with (1 when nothing is saved or there is no work). */
  speedup: number;
  /** What `cost` covers: evals are left out when the image counts are unknown (their ratio to training is unknown). */
  costBasis: 'training and eval' | 'training only';
}

const ZERO: ImageCounts = { full: 0, headOnly: 0, convForward: 0, eval: 0 };

function add(a: ImageCounts, b: Partial<ImageCounts>): ImageCounts {
  return {
    full: a.full + (b.full ?? 0),
    headOnly: a.headOnly + (b.headOnly ?? 0),
    convForward: a.convForward + (b.convForward ?? 0),
    eval: a.eval + (b.eval ?? 0),
  };
}

/** Total training images (full + head only; cache fills are reported separately). */
export function trainingImages(c: ImageCounts): number {
  return c.full + c.headOnly;
}

function cost(c: ImageCounts, withEval: boolean): number {
  return (
    c.full * COST_MODEL.fullTrainingImage +
    c.headOnly * COST_MODEL.headOnlyImage +
    c.convForward * COST_MODEL.convForwardImage +
    (withEval ? c.eval * COST_MODEL.evalImage : 0)
  );
}

/** Where the frozen-feature cache cuts the forward pass: layers before `resumeAt` are cached. */
export interface FeatureCut {
  resumeAt: number;
  /** Per-image shape of the tensor at the cut. */
  shape: Shape;
}

/**
 * The model's last deterministic point, as the runtime computes it (runtime/model/network.ts,
 * forwardCut; mirrored here because the compiler cannot import the runtime): the first dropout
 * with a rate above 0 or the feature transform (the feature activation, else the flatten),
 * whichever comes first. A conv followed by a pool with only dropout2d layers between runs as one
 * fused block whose dropout2d masks act after the pool, so there the cut falls after the pool.
 * Null when the cut would be the input itself (nothing to cache).
 */
export function featureCut(model: ModelSpec): FeatureCut | null {
  const { layers } = model;
  const transformAt = model.featureActivation >= 0 ? model.featureActivation : model.featureBoundary;
  const cut = (resumeAt: number, shape: Shape): FeatureCut | null => (resumeAt > 0 ? { resumeAt, shape } : null);
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (i === transformAt) return cut(i, layer.inShape);
    const poolAt = layer.kind === 'conv' ? poolAfterConv(layers, i, transformAt) : -1;
    if (poolAt >= 0) {
      if (layers.slice(i + 1, poolAt).some((l) => l.kind === 'dropout2d' && l.rate > 0)) return cut(poolAt + 1, layers[poolAt].outShape);
      i = poolAt;
      continue;
    }
    if ((layer.kind === 'dropout' || layer.kind === 'dropout2d') && layer.rate > 0) return cut(i, layer.inShape);
  }
  return cut(layers.length, layers[layers.length - 1].outShape);
}

/** Index of the pool that a conv at `i` fuses with (only dropout2d between), or -1. */
function poolAfterConv(layers: LayerSpec[], i: number, transformAt: number): number {
  for (let j = i + 1; j < layers.length && j !== transformAt; j++) {
    if (layers[j].kind === 'pool') return j;
    if (layers[j].kind !== 'dropout2d') return -1;
  }
  return -1;
}

/** Parameters of the layers before the feature cut: frozen, they make a step head only. */
export function cachedParams(model: ModelSpec, cut: FeatureCut): Set<string> {
  return new Set(model.layers.slice(0, cut.resumeAt).flatMap((l) => (l.kind === 'conv' || l.kind === 'dense' ? l.params : [])));
}

/**
 * Whether a train step can use the frozen-feature cache: nothing before the cut trains.
 * `freeze conv*.weight` does not qualify: the conv biases still train, so the conv output
 * changes every batch.
 */
export function usesFeatureCache(step: Extract<StepSpec, { kind: 'train' }>, model: ModelSpec): boolean {
  const cut = featureCut(model);
  if (!cut) return false;
  const cached = cachedParams(model, cut);
  return !step.trainable.some((n) => cached.has(n));
}

function imagesFor(known: { train: number; test: number } | null, given: number | undefined, part: 'train' | 'test'): number | null {
  if (given !== undefined) return known ? Math.min(given, known[part]) : given;
  return known ? known[part] : null;
}

/** The estimate for a compiled Plan. */
export function estimateWork(plan: Plan, opts: WorkOptions = {}): WorkEstimate {
  const catalogued = plan.dataset.kind === 'idx' ? null : DATASET_IMAGES[plan.dataset.kind];
  // `validation N` takes the last N images of the training file out of training.
  const validation = plan.validation ?? 0;
  const known = catalogued && { ...catalogued, train: catalogued.train - validation };
  const trainImages = imagesFor(known, opts.trainImages, 'train');
  // The validation split is scored in full, or its first M images with a test subset of M.
  const perValidation = opts.testImages !== undefined ? Math.min(opts.testImages, validation) : validation;
  const testImages = imagesFor(known, opts.testImages, 'test');
  const perEpoch = trainImages ?? 1;
  const perTestSet = testImages ?? 1;
  const shape = featureCut(plan.model)?.shape ?? [];
  const bytes = trainImages === null ? null : trainImages * shape.reduce((a, b) => a * b, 1) * 4;
  const limitBytes = opts.cacheLimitBytes ?? FEATURE_CACHE_LIMIT_BYTES;
  const eligible = plan.arms.some((a) => a.steps.some((s) => s.kind === 'train' && usesFeatureCache(s, plan.model)));
  const used = eligible && limitBytes > 0 && (bytes === null || bytes <= limitBytes);
  const seeds = plan.seeds.length;
  const arms = plan.arms.map((arm) => estimateArm(arm));

  function estimateArm(arm: ArmSpec): ArmWork {
    const steps: StepWork[] = [];
    let without = ZERO;
    let withOpt = ZERO;
    arm.steps.forEach((s, index) => {
      const shared = index < arm.sharedPrefix;
      if (s.kind === 'train') {
        const images = s.epochs * perEpoch;
        const headOnly = used && usesFeatureCache(s, plan.model);
        steps.push({ index, kind: 'train', shared, headOnly, images });
        without = add(without, { full: images * seeds });
        // `select` and `eval ... every epoch`: scoring after every epoch, and the selected epoch once.
        const scored = s.epochs * ((s.select ? perValidation : 0) + (s.everyEpoch?.length ?? 0) * perTestSet) + (s.select?.testSets.length ?? 0) * perTestSet;
        if (scored > 0) {
          without = add(without, { eval: scored * seeds });
          if (!shared) withOpt = add(withOpt, { eval: scored * seeds });
        }
        // A loss on k heads runs the layers after the features k times: k - 1 more head passes.
        const extraHeads = Math.max(0, (s.on?.length ?? 1) - 1) * images * seeds;
        if (extraHeads > 0) without = add(without, { headOnly: extraHeads });
        if (shared) return;
        if (!headOnly) {
          withOpt = add(withOpt, { full: images * seeds, headOnly: extraHeads });
          return;
        }
        // The runtime fills the cache at the start of every such step (not shared across steps or arms).
        withOpt = add(withOpt, { headOnly: images * seeds + extraHeads, convForward: perEpoch * seeds });
      } else if (s.kind === 'eval') {
        const images = s.testSets.length * perTestSet;
        steps.push({ index, kind: 'eval', shared, headOnly: false, images });
        without = add(without, { eval: images * seeds });
        if (!shared) withOpt = add(withOpt, { eval: images * seeds });
      }
    });
    return { arm: arm.name, steps, without, with: withOpt };
  }

  const without = arms.reduce((a, w) => add(a, w.without), ZERO);
  const withOpt = arms.reduce((a, w) => add(a, w.with), ZERO);
  const withEval = trainImages !== null && testImages !== null;
  const costs = { without: cost(without, withEval), with: cost(withOpt, withEval) };
  return {
    trainImages,
    testImages,
    seeds,
    arms,
    without,
    with: withOpt,
    featureCache: { eligible, shape, bytes, limitBytes, used },
    cost: costs,
    speedup: costs.with > 0 ? costs.without / costs.with : 1,
    costBasis: withEval ? 'training and eval' : 'training only',
  };
}
