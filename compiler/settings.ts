// Phase 1, settings: reads the top-level settings, applies defaults, and rejects duplicates,
// settings after the first step, and unknown datasets/optimizers. Guarantees to later phases
// a complete Settings record (possibly with defaults standing in for rejected values).
import { basename, dirname, extname, resolve } from 'node:path';
import type { Diagnostic, ModelBlockSetting, ModelRefSetting, Name, Setting, Span, Statement, SweepSetting } from '../grammar/index.js';
import { didYouMean, makeDiagnostic } from '../grammar/index.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import { LIMITS, LIMITS_HINT } from './limits.js';
import { checkNumber } from './numbers.js';
import type { DatasetSpec, OptimizerSpec } from './plan.js';

export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const DEFAULT_SGD = { lr: 0.01, momentum: 0.5 } as const;
/**
 * Shards per training batch when a file does not say: 2, so one arm can use two cores (the
 * machines mfx runs on have at least two), at the cost of a second, smaller pass when the
 * shards run on one thread. A property of the plan, never of the machine (results depend on it).
 */
export const DEFAULT_SHARDS = 2;
export const DEFAULT_ADAM = { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

export interface Settings {
  title: string;
  dataset: DatasetSpec;
  model: ModelRefSetting | ModelBlockSetting | null;
  optimizer: OptimizerSpec;
  batch: number;
  /** `shards N`: pieces each training batch is cut into (runtime/training/shards.ts). */
  shards: number;
  /** Where `shards` was set (null: the default), for diagnostics that need the batch too. */
  shardsSpan: Span | null;
  seed: number;
  repeat: number;
  /** `validation N`: images held out at the end of the training file (null: none). */
  validation: number | null;
  /** Where the `validation` line's number is, for diagnostics about it. */
  validationSpan: Span | null;
  baseline: Name | null;
  /** The `sweep` lines, in the order written (names unique). */
  sweeps: SweepSetting[];
  /** The `dataset` line was rejected (the default stands in). */
  datasetRejected: boolean;
  /** Where the `dataset` line is (null when the default stands); data diagnostics point at it. */
  datasetSpan: Span | null;
}

const SETTING_KINDS = new Set(['experiment', 'dataset', 'model-ref', 'model-block', 'optimizer', 'batch', 'shards', 'seed', 'repeat', 'validation', 'baseline', 'sweep']);

export function isSetting(s: Statement): s is Setting {
  return SETTING_KINDS.has(s.kind);
}

/** The keyword a setting is written with (`model` for both model forms). */
export function settingKeyword(s: Setting): string {
  return s.kind === 'model-ref' || s.kind === 'model-block' ? 'model' : s.kind;
}

export function headSpan(s: { span: Span }, keyword: string): Span {
  return { ...s.span, length: Math.min(keyword.length, s.span.length), endLine: s.span.line };
}

export function collectSettings(statements: Statement[], file: string, diagnostics: Diagnostic[]): Settings {
  const out: Settings = {
    title: basename(file, extname(file)),
    dataset: { kind: 'mnist' },
    model: null,
    optimizer: { kind: 'sgd', ...DEFAULT_SGD },
    batch: 64,
    shards: DEFAULT_SHARDS,
    shardsSpan: null,
    seed: 1,
    repeat: 1,
    validation: null,
    validationSpan: null,
    baseline: null,
    sweeps: [],
    datasetRejected: false,
    datasetSpan: null,
  };
  const first = new Map<string, Span>();
  let firstStep: Span | null = null;
  for (const s of statements) {
    if (!isSetting(s)) {
      firstStep ??= s.span;
      continue;
    }
    const keyword = settingKeyword(s);
    // Sweeps may repeat, one per variable: `sweep act` twice is the duplicate.
    const key = s.kind === 'sweep' ? `sweep ${s.name.text}` : keyword;
    if (firstStep) {
      diagnostics.push(
        makeDiagnostic(D.settingAfterStep, headSpan(s, keyword), [keyword], {
          hint: 'settings apply to the whole file: move it to the top',
          related: [{ message: 'first step here', offset: firstStep.offset, length: Math.min(firstStep.length, 8) }],
        }),
      );
      continue;
    }
    const earlier = first.get(key);
    if (earlier) {
      diagnostics.push(
        makeDiagnostic(D.duplicateSetting, s.kind === 'sweep' ? s.name.span : headSpan(s, keyword), [key], {
          hint: 'remove one of them',
          related: [{ message: 'first set here', offset: earlier.offset, length: earlier.length }],
        }),
      );
      continue;
    }
    first.set(key, s.kind === 'sweep' ? s.name.span : headSpan(s, keyword));
    applySetting(s, out, file, diagnostics);
  }
  checkShards(out, diagnostics);
  return out;
}

/** Every shard needs an image of a full batch: more shards than that is an error; the default shrinks to `batch 1`. */
function checkShards(out: Settings, diagnostics: Diagnostic[]): void {
  if (out.shards <= out.batch) return;
  if (out.shardsSpan) {
    diagnostics.push(
      makeDiagnostic(D.moreShardsThanBatch, out.shardsSpan, [out.shards, out.batch], {
        hint: `use at most \`shards ${out.batch}\`, or a larger \`batch\``,
      }),
    );
  }
  out.shards = out.batch;
}

function applySetting(s: Setting, out: Settings, file: string, diagnostics: Diagnostic[]): void {
  switch (s.kind) {
    case 'experiment':
      out.title = s.title.value;
      return;
    case 'dataset': {
      const dataset = datasetOf(s.name, s.dir, s.span, file, diagnostics);
      out.datasetSpan = s.span;
      if (dataset) out.dataset = dataset;
      else out.datasetRejected = true;
      return;
    }
    case 'model-ref':
    case 'model-block':
      out.model = s;
      return;
    case 'optimizer':
      out.optimizer = optimizerOf(s, diagnostics) ?? out.optimizer;
      return;
    case 'batch':
      out.batch = checkNumber(s.value, 'the batch size', 'positive-int', diagnostics, LIMITS.batch) ?? out.batch;
      return;
    case 'shards':
      if (Number.isSafeInteger(s.value.value) && s.value.value > LIMITS.shards) {
        diagnostics.push(makeDiagnostic(D.overLimit, s.value.span, ['The shard count', LIMITS.shards, s.value.raw], { hint: LIMITS_HINT }));
      } else if (Number.isSafeInteger(s.value.value) && s.value.value > 0) {
        out.shards = s.value.value;
        out.shardsSpan = s.value.span;
      } else {
        diagnostics.push(makeDiagnostic(D.badShardCount, s.value.span, [s.value.raw], { hint: '`shards 1` computes each batch in one piece; `shards 2` (the default) in two halves' }));
      }
      return;
    case 'seed':
      out.seed = checkNumber(s.value, 'the seed', 'non-negative-int', diagnostics) ?? out.seed;
      return;
    case 'repeat':
      out.repeat = checkNumber(s.value, 'the repeat count', 'positive-int', diagnostics, LIMITS.repeat) ?? out.repeat;
      return;
    case 'validation':
      out.validation = checkNumber(s.value, 'the validation split', 'positive-int', diagnostics);
      out.validationSpan = s.value.span;
      return;
    case 'baseline':
      out.baseline = s.arm;
      return;
    case 'sweep':
      out.sweeps.push(s);
      return;
  }
}

export const DATASETS = ['mnist', 'fashion-mnist', 'idx'];

function datasetOf(name: Name, dir: { value: string; span: Span } | null, at: Span, file: string, diagnostics: Diagnostic[]): DatasetSpec | null {
  const folder = (d: string) => resolve(dirname(file), d);
  switch (name.text) {
    case 'mnist':
      if (dir) {
        diagnostics.push(makeDiagnostic(D.unknownDataset, dir.span, [`mnist "${dir.value}"`], { hint: 'MNIST ships with mfx; for MNIST-format files in a folder use `dataset idx "dir"`' }));
        return null;
      }
      return { kind: 'mnist' };
    case 'fashion-mnist':
      return { kind: 'fashion-mnist', dir: dir ? folder(dir.value) : DEFAULT_FASHION_MNIST_DIR };
    case 'idx':
      if (!dir) {
        diagnostics.push(makeDiagnostic(D.datasetNeedsDir, at, ['idx'], { hint: 'the folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-... (optionally .gz)' }));
        return null;
      }
      return { kind: 'idx', dir: folder(dir.value) };
    default:
      diagnostics.push(makeDiagnostic(D.unknownDataset, name.span, [name.text], { hint: didYouMean(name.text, DATASETS) ?? `datasets: ${DATASETS.join(', ')}` }));
      return null;
  }
}

export const OPTIMIZER_OPTIONS: Record<string, string[]> = {
  sgd: ['lr', 'momentum'],
  adam: ['lr', 'beta1', 'beta2', 'epsilon'],
};

function optimizerOf(s: Extract<Setting, { kind: 'optimizer' }>, diagnostics: Diagnostic[]): OptimizerSpec | null {
  const allowed = OPTIMIZER_OPTIONS[s.name.text];
  if (!allowed) {
    const names = Object.keys(OPTIMIZER_OPTIONS);
    diagnostics.push(makeDiagnostic(D.unknownOptimizer, s.name.span, [s.name.text], { hint: didYouMean(s.name.text, names) ?? `optimizers: ${names.join(', ')}` }));
    return null;
  }
  const values = new Map<string, number>();
  const seen = new Map<string, Span>();
  let ok = true;
  for (const o of s.options) {
    const key = o.name.text;
    if (!allowed.includes(key)) {
      diagnostics.push(
        makeDiagnostic(D.unknownOptimizerOption, o.name.span, [key, s.name.text], { hint: didYouMean(key, allowed) ?? `options of ${s.name.text}: ${allowed.join(', ')}` }),
      );
      ok = false;
      continue;
    }
    const earlier = seen.get(key);
    if (earlier) {
      diagnostics.push(makeDiagnostic(D.duplicateSetting, o.name.span, [key], { related: [{ message: 'first set here', offset: earlier.offset, length: earlier.length }] }));
      ok = false;
      continue;
    }
    seen.set(key, o.name.span);
    const rule = key === 'lr' || key === 'epsilon' ? 'positive' : 'unit-interval';
    const v = checkNumber(o.value, `\`${key}\``, rule, diagnostics);
    if (v === null) ok = false;
    else values.set(key, v);
  }
  if (!ok) return null;
  if (s.name.text === 'sgd') {
    return { kind: 'sgd', lr: values.get('lr') ?? DEFAULT_SGD.lr, momentum: values.get('momentum') ?? DEFAULT_SGD.momentum };
  }
  return {
    kind: 'adam',
    lr: values.get('lr') ?? DEFAULT_ADAM.lr,
    beta1: values.get('beta1') ?? DEFAULT_ADAM.beta1,
    beta2: values.get('beta2') ?? DEFAULT_ADAM.beta2,
    epsilon: values.get('epsilon') ?? DEFAULT_ADAM.epsilon,
  };
}
