// Phase 4, schedule: lowers each arm's written steps to StepSpecs by simulating the state the
// runtime will be in (frozen set, feature transform, learning rate), resolving every selector
// and test-set glob on the way. Then it labels the evals and inserts the pretrained-snapshot
// eval. Guarantees: every train step has at least one trainable parameter and never lists a
// frozen one as trainable; `pretrain` never follows `invert`; eval labels are unique per arm.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Diagnostic, EvalStep, Glob, Span } from '../grammar/index.js';
import { ACTIVATION_LAYERS, assertNever, didYouMean, makeDiagnostic } from '../grammar/index.js';
import type { ArmSource } from './arms.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import { matchGlob } from './globs.js';
import { LIMITS } from './limits.js';
import { checkNumber } from './numbers.js';
import type { Activation, FeatureTransform, ModelSpec, SourceRef, StepSpec } from './plan.js';
import { inModelOrder, parameterLayers, resolveSelector } from './selectors.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A StepSpec before state keys are attached. */
export type DraftStep = DistributiveOmit<StepSpec, 'stateKey'>;

export interface ScheduleContext {
  model: ModelSpec;
  lr: number;
  testSets: string[];
  /** The dataset setting was rejected: test-set names cannot be checked, so don't report them. */
  testSetsUnknown: boolean;
  file: string;
  sourceRef: (span: Span) => SourceRef;
  /** Says whether a `load` file exists (the CLI passes the file system's answer); unchecked when absent. */
  fileExists?: (path: string) => boolean;
  /** The file has a `validation N` setting (`select` needs one). */
  validation?: boolean;
}

const ACTIVATIONS: readonly Activation[] = ACTIVATION_LAYERS;

/** Lowers one arm; diagnostics may repeat across arms for shared steps (the caller dedupes). */
export function lowerArm(arm: ArmSource, ctx: ScheduleContext, diagnostics: Diagnostic[]): DraftStep[] {
  const { model } = ctx;
  const frozen = new Set<string>();
  let feature: FeatureTransform = { kind: 'model' };
  let lr = ctx.lr;
  /** Rates set by `lr X for SEL`, per parameter; cleared by a plain `lr X`. */
  const ownRates = new Map<string, number>();
  let inverted = false;
  let trained = false;
  // An odd `train N alternate` whose last epoch saw the model's own features, until an eval or another train step.
  let endedOnOwnFeatures: { span: Span; epochs: number } | null = null;
  let epochs = 0;
  const steps: DraftStep[] = [];
  /** Per lowered eval: its AST node and the epoch count when it runs (for automatic labels). */
  const evals: { step: { label: string }; node: EvalStep; epochs: number }[] = [];
  /** Where each lowered train and eval step was written, for the epoch-scoring checks. */
  const spans = new Map<DraftStep, Span>();

  const select = (selectors: Glob[]): string[] | null => {
    const picked = new Set<string>();
    let ok = true;
    for (const g of selectors) {
      const names = resolveSelector(g.text, model);
      if (names.length === 0) {
        ok = false;
        const layers = parameterLayers(model);
        const suggestion = didYouMean(g.text.split('.')[0], layers);
        diagnostics.push(
          makeDiagnostic(D.selectorMatchesNothing, g.span, [g.text], {
            hint: `${suggestion ? `${suggestion} ` : ''}layers here: ${layers.join(', ')}; narrow with \`.weight\` or \`.bias\``,
          }),
        );
      }
      for (const n of names) picked.add(n);
    }
    return ok ? inModelOrder(picked, model) : null;
  };

  for (const s of arm.steps) {
    const source = ctx.sourceRef(s.span);
    switch (s.kind) {
      case 'train': {
        const word = s.pretrain ? 'pretrain' : 'train';
        const n = checkNumber(s.epochs, 'the number of epochs', 'positive-int', diagnostics, LIMITS.epochs);
        if (s.pretrain && inverted) {
          diagnostics.push(makeDiagnostic(D.pretrainAfterInvert, headOf(s.span, word), [], { hint: 'put `pretrain` before the first `invert`, or use `train`' }));
        }
        if (s.select && !ctx.validation) {
          diagnostics.push(makeDiagnostic(D.selectWithoutValidation, s.span, [word], { hint: 'add e.g. `validation 5000` at the top: the last 5,000 training images, never trained on' }));
        }
        if (s.alternate && feature.kind === 'model') {
          diagnostics.push(makeDiagnostic(D.alternateWithoutInvert, s.span, [], { hint: 'add `invert relu6` (or another activation) before it' }));
        }
        const trainable = model.params.filter((p) => !frozen.has(p.name));
        if (trainable.length === 0) {
          diagnostics.push(makeDiagnostic(D.allFrozen, headOf(s.span, word), [word], { hint: 'unfreeze something first, e.g. `unfreeze fc*`' }));
        }
        trained = true; // even when the count was rejected: no "eval before training" on top
        endedOnOwnFeatures = s.alternate && n !== null && n % 2 === 1 ? { span: s.span, epochs: n } : null;
        if (n === null) break;
        const rates: Record<string, number> = {};
        for (const p of trainable) {
          const own = ownRates.get(p.name);
          if (own !== undefined && own !== lr) rates[p.name] = own;
        }
        const trainStep: DraftStep = {
          kind: 'train',
          epochs: n,
          pretrain: s.pretrain,
          alternate: s.alternate,
          feature,
          trainable: trainable.map((p) => p.name),
          frozen: inModelOrder(frozen, model),
          trainableCount: trainable.reduce((a, p) => a + p.size, 0),
          lr,
          ...(Object.keys(rates).length > 0 ? { rates } : {}),
          // Filled in by attachEpochScoring once the evals after the step are known.
          ...(s.select ? { select: { testSets: [] } } : {}),
          source,
        };
        steps.push(trainStep);
        spans.set(trainStep, s.span);
        epochs += n;
        break;
      }
      case 'freeze':
      case 'unfreeze':
      case 'reset': {
        const params = select(s.selectors);
        if (!params) break;
        if (s.kind === 'freeze') params.forEach((p) => frozen.add(p));
        if (s.kind === 'unfreeze') params.forEach((p) => frozen.delete(p));
        if (s.kind === 'reset') {
          const frozenReset = params.filter((p) => frozen.has(p));
          if (frozenReset.length > 0) diagnostics.push(makeDiagnostic(D.resetFrozen, s.span, [frozenReset.join(', ')], { hint: 'reset before freezing, or unfreeze them' }));
        }
        steps.push({ kind: s.kind, params, source });
        break;
      }
      case 'invert': {
        inverted = true;
        const act = s.activation.text;
        if (act === 'off') {
          feature = { kind: 'model' };
        } else if ((ACTIVATIONS as string[]).includes(act)) {
          if (model.featureActivation < 0) {
            diagnostics.push(makeDiagnostic(D.noFeatureActivation, s.span, [], { hint: 'add e.g. `relu` right before `flatten` in the model block' }));
            break;
          }
          feature = { kind: 'inverted', activation: act as Activation };
          if (act === 'relu') diagnostics.push(makeDiagnostic(D.invertReluUnbounded, s.activation.span, [], { hint: 'use `invert relu6` for a bounded complement (6 - x)' }));
        } else {
          diagnostics.push(
            makeDiagnostic(D.unknownActivation, s.activation.span, [act], { hint: didYouMean(act, [...ACTIVATIONS, 'off']) ?? `activations: ${ACTIVATIONS.join(', ')}, or \`off\`` }),
          );
          break;
        }
        steps.push({ kind: 'invert', feature, source });
        break;
      }
      case 'lr': {
        const v = checkNumber(s.value, 'the learning rate', 'positive', diagnostics);
        if (s.selectors.length === 0) {
          if (v === null) break;
          lr = v;
          ownRates.clear();
          steps.push({ kind: 'lr', lr, source });
          break;
        }
        const params = select(s.selectors);
        if (!params || v === null) break;
        if (params.every((p) => frozen.has(p))) {
          diagnostics.push(makeDiagnostic(D.lrForFrozen, s.span, [describeNames(params)], { hint: 'unfreeze them before or after this line, or select trainable parameters' }));
        }
        for (const p of params) ownRates.set(p, v);
        steps.push({ kind: 'lr', lr: v, params, source });
        break;
      }
      case 'eval': {
        const testSets = resolveTestSets(s.testSets, ctx.testSets, ctx.testSetsUnknown ? [] : diagnostics);
        if (!trained && !s.everyEpoch) diagnostics.push(makeDiagnostic(D.evalBeforeTraining, headOf(s.span, 'eval'), [], { hint: 'put a `train` or `pretrain` step before it' }));
        if (!trained && s.everyEpoch) {
          diagnostics.push(makeDiagnostic(D.everyEpochWithoutTraining, s.span, [], { hint: 'put a `train` or `pretrain` step before it, or drop `every epoch`' }));
        }
        if (endedOnOwnFeatures && feature.kind === 'inverted') {
          diagnostics.push(
            makeDiagnostic(D.alternateEndsOnOwnFeatures, endedOnOwnFeatures.span, [endedOnOwnFeatures.epochs], {
              hint: 'odd epochs use the model\'s own features, even ones the inversion, so an even number of epochs ends inverted; or write `invert off` before the eval to score the features the head saw last',
            }),
          );
          endedOnOwnFeatures = null;
        }
        if (!testSets) break;
        if (s.label?.text === 'pretrained') {
          diagnostics.push(makeDiagnostic(D.reservedLabel, s.label.span, ['pretrained'], { hint: 'choose another label' }));
          break;
        }
        const step = { kind: 'eval' as const, testSets, label: s.label?.text ?? '', snapshot: false, feature, ...(s.everyEpoch ? { everyEpoch: true as const } : {}), source };
        steps.push(step);
        spans.set(step, s.span);
        evals.push({ step, node: s, epochs });
        break;
      }
      case 'save': {
        const path = s.path.value;
        // Saves land in the run folder; an absolute path or `..` would write elsewhere.
        if (path === '' || isAbsolute(path) || path.split(/[\\/]/).includes('..')) {
          diagnostics.push(makeDiagnostic(D.badSavePath, s.path.span, [path], { hint: 'e.g. `save "pretrained.weights"`; `mfx run --out DIR` chooses the run folder' }));
          break;
        }
        steps.push({ kind: 'save', path, source });
        break;
      }
      case 'load': {
        const path = resolve(dirname(ctx.file), s.path.value);
        if (ctx.fileExists && !ctx.fileExists(path)) {
          diagnostics.push(makeDiagnostic(D.missingLoadFile, s.path.span, [s.path.value], { hint: 'a `load` path is relative to the folder of the .mfx file' }));
        }
        steps.push({ kind: 'load', path, source });
        break;
      }
      default:
        assertNever(s);
    }
  }
  labelEvals(evals, diagnostics);
  insertSnapshot(steps, ctx.testSets);
  attachEpochScoring(steps, ctx.testSets, spans, diagnostics);
  return steps;
}

type TrainDraft = Extract<DraftStep, { kind: 'train' }>;

/**
 * Gives each train step the test sets its epochs are scored on: with `select`, those of every
 * eval after it (before the next train step), scored at the validation-selected epoch; with an
 * `eval ... every epoch` after it, that eval's test sets after every epoch. Both are scored under
 * the train step's feature transform, so an eval with another one in force is an error (MFX2154).
 */
function attachEpochScoring(steps: DraftStep[], catalogue: string[], spans: Map<DraftStep, Span>, diagnostics: Diagnostic[]): void {
  let train: TrainDraft | null = null;
  let selected = new Set<string>();
  let every = new Set<string>();
  let reported = false;
  const inOrder = (names: Set<string>) => catalogue.filter((t) => names.has(t));
  const finish = () => {
    if (!train) return;
    if (train.select) {
      train.select = { testSets: inOrder(selected) };
      const at = spans.get(train);
      if (selected.size === 0 && !reported && at) {
        diagnostics.push(makeDiagnostic(D.selectNotReported, at, [train.pretrain ? 'pretrain' : 'train'], { hint: 'add an `eval` after it to report the test accuracy at the selected epoch' }));
      }
    }
    if (every.size > 0) train.everyEpoch = inOrder(every);
  };
  for (const s of steps) {
    if (s.kind === 'train') {
      finish();
      train = s;
      selected = new Set();
      every = new Set();
      reported = false;
      continue;
    }
    if (s.kind !== 'eval' || !train || !(train.select || s.everyEpoch)) continue;
    if (JSON.stringify(s.feature) !== JSON.stringify(train.feature)) {
      reported = true; // written, but refused: the error says why, no warning on top
      const at = spans.get(s);
      const written = `${train.pretrain ? 'pretrain' : 'train'} ${train.epochs}${train.alternate ? ' alternate' : ''}${train.select ? ' select' : ''}`;
      if (at) diagnostics.push(makeDiagnostic(D.epochEvalFeatureChanged, at, [written], { hint: 'evaluate before the `invert`, or add a train step after it' }));
      continue;
    }
    if (train.select) s.testSets.forEach((t) => selected.add(t));
    if (s.everyEpoch) s.testSets.forEach((t) => every.add(t));
  }
  finish();
}

/** `conv1.weight, conv1.bias, ...`, shortened after a few names. */
function describeNames(names: string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
}

function headOf(span: Span, word: string): { offset: number; length: number } {
  return { offset: span.offset, length: Math.min(span.length, word.length) };
}

/** Every glob resolved to catalogue names, in catalogue order; null after reporting a miss. */
function resolveTestSets(globs: Glob[], catalogue: string[], diagnostics: Diagnostic[]): string[] | null {
  const picked = new Set<string>();
  let ok = true;
  for (const g of globs) {
    const names = matchGlob(g.text, catalogue);
    if (names.length === 0) {
      ok = false;
      const families = [...new Set(catalogue.map((n) => `${n.split('.')[0]}.*`))];
      const suggestion = didYouMean(g.text, [...families, ...catalogue]);
      diagnostics.push(
        makeDiagnostic(D.testSetMatchesNothing, g.span, [g.text], {
          hint: `${suggestion ? `${suggestion} ` : ''}test sets here: ${families.join(', ')} (${catalogue.join(', ')})`,
        }),
      );
    }
    for (const n of names) picked.add(n);
  }
  return ok ? catalogue.filter((n) => picked.has(n)) : null;
}

/**
 * `as LABEL` where written; `final` for the arm's last eval; `after-epoch-N` for the others.
 * Automatic labels never collide with written ones (a `-2`, `-3`, ... suffix is added).
 */
function labelEvals(evals: { step: { label: string }; node: EvalStep; epochs: number }[], diagnostics: Diagnostic[]): void {
  const used = new Map<string, Span>();
  for (const e of evals) {
    const label = e.node.label;
    if (!label) continue;
    const first = used.get(label.text);
    if (first) {
      diagnostics.push(makeDiagnostic(D.duplicateLabel, label.span, [label.text], { related: [{ message: 'first used here', offset: first.offset, length: first.length }] }));
    } else used.set(label.text, label.span);
  }
  const taken = new Set(used.keys());
  evals.forEach((e, i) => {
    if (e.node.label) return;
    const base = i === evals.length - 1 ? 'final' : `after-epoch-${e.epochs}`;
    let label = base;
    for (let k = 2; taken.has(label); k++) label = `${base}-${k}`;
    taken.add(label);
    e.step.label = label;
  });
}

/** After the arm's last `pretrain`, evaluate the snapshot on every test set evaluated later. */
function insertSnapshot(steps: DraftStep[], catalogue: string[]): void {
  let at = -1;
  steps.forEach((s, i) => {
    if (s.kind === 'train' && s.pretrain) at = i;
  });
  if (at < 0) return;
  const later = new Set<string>();
  for (const s of steps.slice(at + 1)) if (s.kind === 'eval') s.testSets.forEach((t) => later.add(t));
  const order = catalogue.filter((t) => later.has(t));
  if (order.length === 0) return;
  const pre = steps[at];
  const feature = pre.kind === 'train' ? pre.feature : { kind: 'model' as const };
  // Scored every epoch when a later eval is, so that arms sharing the pretraining (a baseline
  // that reports it, hybrids that train on) share one computation.
  const everyEpoch = steps.slice(at + 1).some((s) => s.kind === 'eval' && s.everyEpoch);
  steps.splice(at + 1, 0, { kind: 'eval', testSets: order, label: 'pretrained', snapshot: true, feature, ...(everyEpoch ? { everyEpoch: true as const } : {}) });
}
