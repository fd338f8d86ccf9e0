// The Plan: the compiler's output and the runtime's only input.
// Plain JSON data (no classes, no functions), schema-versioned, validated when read back
// (see plan-io.ts), hashed without source layout or comments (see plan-hash.ts).
import type { TestSetRef } from './test-sets.js';

export const PLAN_SCHEMA = 'mfx.plan';
export const PLAN_VERSION = 1;

/** A tensor shape without the batch dimension: [H, W, C] for images and feature maps, [N] after flatten. */
export type Shape = number[];

/** A source position carried into the Plan so runtime messages can point at the line. */
export interface SourceRef {
  line: number; // 1-based
  column: number; // 1-based
}

/** One learnable tensor of the model, e.g. `conv1.weight`. */
export interface ParamSpec {
  name: string; // `<layer>.weight` | `<layer>.bias`
  layer: string;
  role: 'weight' | 'bias';
  /** NHWC / tfjs layout: conv weight [kh, kw, inC, outC]; dense weight [in, out]; bias [out]. */
  shape: number[];
  size: number; // product of shape
  /** PyTorch default init: uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias alike. */
  fanIn: number;
}

export type { Activation } from '../grammar/keywords.js';
import type { Activation } from '../grammar/keywords.js';

/** A layer with its inferred shapes. Named layers (conv, dense) own parameters. */
export type LayerSpec =
  | { kind: 'conv'; name: string; filters: number; kernel: [number, number]; stride: number; padding: 'valid' | 'same'; inShape: Shape; outShape: Shape; params: string[] }
  | { kind: 'dense'; name: string; units: number; inShape: Shape; outShape: Shape; params: string[] }
  | { kind: 'pool'; size: number; inShape: Shape; outShape: Shape } // max-pool, window = stride = size
  | { kind: 'activation'; activation: Activation; inShape: Shape; outShape: Shape }
  | { kind: 'dropout'; rate: number; inShape: Shape; outShape: Shape }
  | { kind: 'dropout2d'; rate: number; inShape: Shape; outShape: Shape } // drops whole channels
  | { kind: 'flatten'; inShape: Shape; outShape: Shape };

export interface ModelSpec {
  /** `reference` or a user name / `custom` for a `model { }` block. */
  name: string;
  inputShape: Shape; // e.g. [28, 28, 1]
  classes: number; // output units of the last layer
  layers: LayerSpec[];
  params: ParamSpec[]; // in layer order, weight before bias
  totalParams: number; // reference net: 21,840
  /** Index in `layers` of the flatten layer: the feature boundary. */
  featureBoundary: number;
  /**
   * Index in `layers` of the model's own feature activation (the last activation before the
   * feature boundary, with only shape-preserving layers between), or -1 when there is none.
   * `invert ACT` replaces this activation by ACT and complements it; z is its input.
   */
  featureActivation: number;
}

export type DatasetSpec =
  | { kind: 'mnist' }
  | { kind: 'fashion-mnist'; dir: string }
  | { kind: 'idx'; dir: string };

export type OptimizerSpec =
  | { kind: 'sgd'; lr: number; momentum: number }
  | { kind: 'adam'; lr: number; beta1: number; beta2: number; epsilon: number };

/** What sits at the feature boundary during a train step or an eval. */
export type FeatureTransform =
  | { kind: 'model' } // the model's own activation, not complemented
  | { kind: 'inverted'; activation: Activation }; // relu6: 6 - min(max(z,0),6); sigmoid: 1 - sigmoid(z); tanh: -tanh(z); relu: 1 - max(z,0)

/**
 * A head expression: the heads whose logits are summed, in the order written
 * (`main + missing` is `['main', 'missing']`). `main` is the model's own head: the layers after
 * the feature boundary. Absent on a step means `['main']`.
 */
export type HeadExpr = string[];

/**
 * The feature transform in force for each head, head name → transform, `main` included.
 * Present on train and eval steps only once an arm has a head besides `main`; absent means
 * only `main` exists and the step's `feature` is main's.
 */
export type HeadFeatures = Record<string, FeatureTransform>;

/**
 * One step of an arm's schedule, with selectors already resolved to parameter names.
 * State-changing steps (freeze, unfreeze, reset, invert, lr, load) are executed in order;
 * `train` additionally carries the resolved state it runs under, so the runtime and
 * `mfx plan` need no bookkeeping of their own.
 */
export type StepSpec = (
  | {
      kind: 'train';
      epochs: number;
      /** `pretrain N`: normal training that ends in the pretrained snapshot. */
      pretrain: boolean;
      /** `train N alternate`: the model's own features on odd epochs (1st, 3rd, ...), inverted on even (the research code's order). */
      alternate: boolean;
      /** The inversion in force (for alternate: the one used on inverted epochs). */
      feature: FeatureTransform;
      trainable: string[];
      frozen: string[];
      trainableCount: number; // number of scalar parameters updated
      /** The learning rate of every trainable parameter without a rate of its own. */
      lr: number;
      /**
       * Trainable parameters whose rate differs from `lr` (set by `lr X for SEL`), name → rate;
       * absent when every trainable parameter trains at `lr`.
       */
      rates?: Record<string, number>;
      /** `train N on EXPR`: the heads whose summed logits the loss reads; absent means `['main']`. */
      on?: HeadExpr;
      /** Each head's transform when the arm has heads besides `main` (then `feature` is main's). */
      heads?: HeadFeatures;
      /**
       * `train N select`: after every epoch the validation split is scored; the epoch with the
       * best validation accuracy (the first on ties) is kept, and at the end of the step the
       * network of that epoch is scored on `testSets` (every test set of the evals after this
       * step, before the next train step) under `feature`. Training itself is unchanged.
       * Absent without `select`.
       */
      select?: { testSets: string[] };
      /**
       * Test sets scored after every epoch under `feature` (`eval ... every epoch` after this step,
       * before the next train step): the talk's "best accuracy reached", selected on the test set
       * itself. Absent when no such eval follows.
       */
      everyEpoch?: string[];
    }
  /**
   * `head NAME`: adds a head, a fresh copy of the main head's layers (the layers after the
   * feature boundary) named `NAME.LAYER` (`missing.fc1`), initialised from the seed like any
   * layer. `layers` are the copies with their shapes; `params` their parameters, in layer
   * order, weight before bias, named `NAME.LAYER.weight` / `NAME.LAYER.bias`. A new head
   * reads the model's own features (not inverted) until an `invert ... on NAME`.
   */
  | { kind: 'head'; name: string; layers: LayerSpec[]; params: ParamSpec[] }
  | { kind: 'freeze'; params: string[] }
  | { kind: 'unfreeze'; params: string[] }
  | { kind: 'reset'; params: string[] }
  /**
   * `invert ACT` / `invert off`, optionally `on HEAD`: `heads` lists the heads it sets; absent
   * means every head that exists at that point (for a file without heads: `main`).
   */
  | { kind: 'invert'; feature: FeatureTransform; heads?: string[] }
  /** `lr X` sets every parameter's rate; `lr X for SEL` (with `params`) only the matched ones'. */
  | { kind: 'lr'; lr: number; params?: string[] }
  | {
      kind: 'eval';
      testSets: string[]; // concrete names, e.g. pmnist.hcut
      /** Unique within the arm: the `as` label, `pretrained` for the snapshot, `final` for the last eval. */
      label: string;
      /** Inserted by the compiler right after the last `pretrain` to evaluate the pretrained snapshot. */
      snapshot: boolean;
      feature: FeatureTransform;
      /** `eval ... on EXPR`: the heads whose summed logits are evaluated; absent means `['main']`. */
      on?: HeadExpr;
      /** Each head's transform when the arm has heads besides `main` (then `feature` is main's). */
      heads?: HeadFeatures;
      /** `eval ... every epoch`: its test sets are also scored after every epoch of the train step before it (see that step's `everyEpoch`). */
      everyEpoch?: true;
    }
  | { kind: 'save'; path: string } // relative to the run folder
  | { kind: 'load'; path: string } // absolute (resolved against the .mfx file's folder)
) & {
  /** Where this step was written; absent for compiler-inserted steps. */
  source?: SourceRef;
  /**
   * Hash of everything that determines the network state after this step (dataset, model,
   * optimiser, batch, and all steps up to here), excluding the seed. Equal keys across arms
   * mean identical computations (shared prefixes), so the runtime may reuse or cache them.
   */
  stateKey: string;
};

/** Which result an arm's Delta columns compare against. */
export interface BaselineRef {
  arm: string;
  label: string; // eval label within that arm, e.g. `final` or `pretrained`
  /** Why this baseline: `named` by `baseline NAME`, the arm called `baseline`, or the arm's own `snapshot`. */
  reason: 'named' | 'baseline-arm' | 'snapshot';
}

export interface ArmSpec {
  name: string; // `main` for a file without arms
  steps: StepSpec[];
  /** The eval label that the results table reports for this arm (normally `final`); null if the arm never evaluates. */
  reportLabel: string | null;
  /** Null when nothing to compare against (e.g. the baseline arm itself). */
  baseline: BaselineRef | null;
  /** Number of leading steps identical (same stateKey) to an earlier arm's: computed once. */
  sharedPrefix: number;
  source?: SourceRef;
  /**
   * For an arm expanded from a sweep template (`arm hybrid-$act { ... }`): the template's name
   * as written. Expanded arms of one template are consecutive; reports group them by it.
   */
  template?: string;
  /** With `template`: each variable's value as written, in sweep order (`{ act: 'relu6' }`). */
  bindings?: Record<string, string>;
}

export interface Plan {
  schema: typeof PLAN_SCHEMA;
  version: typeof PLAN_VERSION;
  /** Path of the .mfx file as given (not hashed). */
  file: string;
  title: string;
  dataset: DatasetSpec;
  model: ModelSpec;
  optimizer: OptimizerSpec;
  batch: number;
  /**
   * `validation N`: the last N images of the training file are the validation split, never
   * trained on (training uses the images before them); absent without the setting.
   */
  validation?: number;
  /**
   * Pieces each training batch is cut into (`shards N`): shard gradients are summed in shard
   * order, so results depend on this number and never on the threads that compute the shards.
   * Plans written before it existed computed one shard (plan-io fills 1 in); hashed only when not 1.
   */
  shards: number;
  seed: number;
  repeat: number;
  /** The seeds every arm runs with: seed .. seed+repeat-1. */
  seeds: number[];
  /** Every concrete test set evaluated anywhere, in catalogue order. */
  testSets: string[];
  /** What each of `testSets` is, in the same order: derived from the names, so not hashed (see plan-hash.ts). */
  testSetRefs: TestSetRef[];
  arms: ArmSpec[];
  warnings: string[];
  /** sha256 (hex) of the canonical JSON of everything above except `file`, `warnings` and `hash`, and without `source` fields. */
  hash: string;
}
