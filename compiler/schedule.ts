// Phase 4, schedule: lowers each arm's written steps to StepSpecs by simulating the state the
// runtime will be in (frozen set, feature transform, learning rate), resolving every selector
// and test-set glob on the way. Then it labels the evals and inserts the pretrained-snapshot
// eval. Guarantees: every train step has at least one trainable parameter and never lists a
// frozen one as trainable; `pretrain` never follows `invert` or `head`; eval labels are unique
// per arm; every head an `on` names exists at that point (compiler/heads.ts keeps an arm's heads).
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Diagnostic, EvalStep, Glob, HeadExpr as HeadExprNode, Name, Span } from '../grammar/index.js';
import { ACTIVATION_LAYERS, assertNever, didYouMean, MAIN_HEAD, makeDiagnostic } from '../grammar/index.js';
import type { ArmSource } from './arms.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import { matchGlob } from './globs.js';
import { ArmHeads, copyMainHead, layerNames } from './heads.js';
import { LIMITS, LIMITS_HINT } from './limits.js';
import { checkNumber } from './numbers.js';
import type { Activation, FeatureTransform, HeadExpr, HeadFeatures, ModelSpec, SourceRef, StepSpec } from './plan.js';
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
  /** The arm's heads, their parameters and feature transforms; `main`'s transform is `feature`. */
  const heads = new ArmHeads(model);
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

  /** Where each head is added in this arm (its first `head` step), to tell "not yet" from "never". */
  const addedAt = new Map<string, { index: number; span: Span }>();
  arm.steps.forEach((s, index) => {
    if (s.kind === 'head' && !addedAt.has(s.name.text)) addedAt.set(s.name.text, { index, span: s.name.span });
  });
  let stepIndex = 0;

  const select = (selectors: Glob[]): string[] | null => {
    const picked = new Set<string>();
    let ok = true;
    for (const g of selectors) {
      const names = resolveSelector(g.text, heads);
      if (names.length === 0) {
        ok = false;
        const layers = parameterLayers(heads);
        const first = g.text.split('.')[0];
        const later = g.text.includes('.') && !heads.has(first) ? addedAt.get(first) : undefined;
        const headNames = heads.names().filter((h) => h !== MAIN_HEAD);
        const suggestion = later ? `the head \`${first}\` is added later, on line ${ctx.sourceRef(later.span).line};` : didYouMean(first, [...layers, ...headNames]);
        diagnostics.push(
          makeDiagnostic(D.selectorMatchesNothing, g.span, [g.text], {
            hint: `${suggestion ? `${suggestion} ` : ''}layers here: ${layers.join(', ')}; narrow with \`.weight\` or \`.bias\``,
          }),
        );
      }
      for (const n of names) picked.add(n);
    }
    return ok ? inModelOrder(picked, heads) : null;
  };

  /** A head that `on` names, checked to exist at this point; null after reporting. */
  const checkHead = (name: Name): string | null => {
    if (heads.has(name.text)) return name.text;
    const later = addedAt.get(name.text);
    if (later && later.index < stepIndex) return null; // its `head` step was rejected and reported
    if (later && later.index > stepIndex) {
      diagnostics.push(
        makeDiagnostic(D.headBeforeStep, name.span, [name.text], {
          hint: `move this after \`head ${name.text}\``,
          related: [{ message: `\`head ${name.text}\` is here`, offset: later.span.offset, length: later.span.length }],
        }),
      );
      return null;
    }
    const known = heads.names();
    const suggestion = didYouMean(name.text, known);
    diagnostics.push(
      makeDiagnostic(D.unknownHead, name.span, [name.text], {
        hint: suggestion ? `${suggestion} heads here: ${known.join(', ')}` : `heads here: ${known.join(', ')}; \`head ${name.text}\` before this line adds one`,
      }),
    );
    return null;
  };

  /** `on main + missing` checked; `[main]` without `on`; null after reporting. */
  const checkHeads = (on: HeadExprNode | null): HeadExpr | null => {
    if (!on) return [MAIN_HEAD];
    const out: string[] = [];
    let ok = true;
    for (const h of on.heads) {
      const name = checkHead(h);
      if (name === null) ok = false;
      else if (out.includes(name)) {
        ok = false;
        diagnostics.push(makeDiagnostic(D.headTwiceInSum, h.span, [name], { hint: 'each head is summed once; write it once' }));
      } else out.push(name);
    }
    return ok ? out : null;
  };

  /** The `on` and `heads` fields of a train or eval step: absent for `on main` and while only `main` exists. */
  const headFields = (on: HeadExpr) => {
    const features = heads.headFeatures();
    return { ...(on.length === 1 && on[0] === MAIN_HEAD ? {} : { on }), ...(features ? { heads: features } : {}) };
  };

  for (const [index, s] of arm.steps.entries()) {
    stepIndex = index;
    const source = ctx.sourceRef(s.span);
    switch (s.kind) {
      case 'train': {
        const word = s.pretrain ? 'pretrain' : 'train';
        const n = checkNumber(s.epochs, 'the number of epochs', 'positive-int', diagnostics, LIMITS.epochs);
        if (s.pretrain && inverted && heads.added === 0) {
          diagnostics.push(makeDiagnostic(D.pretrainAfterInvert, headOf(s.span, word), [], { hint: 'put `pretrain` before the first `invert`, or use `train`' }));
        }
        if (s.pretrain && heads.added > 0) {
          diagnostics.push(makeDiagnostic(D.pretrainAfterHead, headOf(s.span, word), [], { hint: 'put `pretrain` before the first `head`, or use `train`' }));
        }
        if (s.select && !ctx.validation) {
          diagnostics.push(makeDiagnostic(D.selectWithoutValidation, s.span, [word], { hint: 'add e.g. `validation 5000` at the top: the last 5,000 training images, never trained on' }));
        }
        if (s.alternate && heads.added > 0) {
          diagnostics.push(
            makeDiagnostic(D.alternateWithHeads, s.span, [], { hint: 'write the epochs out: `invert ... on HEAD; train 1 on EXPR; invert off on HEAD; train 1 on EXPR`, or alternate before `head`' }),
          );
        } else if (s.alternate && feature.kind === 'model') {
          diagnostics.push(makeDiagnostic(D.alternateWithoutInvert, s.span, [], { hint: 'add `invert relu6` (or another activation) before it' }));
        }
        const on = checkHeads(s.on);
        const reads = on && heads.reads(on);
        const unfrozen = heads.params.filter((p) => !frozen.has(p.name));
        const trainable = reads ? unfrozen.filter((p) => reads.has(p.name)) : unfrozen;
        if (unfrozen.length === 0) {
          diagnostics.push(makeDiagnostic(D.allFrozen, headOf(s.span, word), [word], { hint: 'unfreeze something first, e.g. `unfreeze fc*`' }));
        } else if (trainable.length === 0 && on) {
          // Something is unfrozen, but only in heads this loss does not read.
          const last = on[on.length - 1];
          diagnostics.push(
            makeDiagnostic(D.headsReadOnlyFrozen, s.on?.span ?? headOf(s.span, word), [on.join(' + ')], {
              hint: `unfreeze some of them first, e.g. \`unfreeze ${last === MAIN_HEAD ? 'fc*' : `${last}.*`}\`${s.on ? '' : ', or train another head with `on`'}`,
            }),
          );
        }
        trained = true; // even when the count was rejected: no "eval before training" on top
        endedOnOwnFeatures = s.alternate && n !== null && n % 2 === 1 ? { span: s.span, epochs: n } : null;
        if (n === null || on === null) break;
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
          frozen: inModelOrder(frozen, heads),
          trainableCount: trainable.reduce((a, p) => a + p.size, 0),
          lr,
          ...(Object.keys(rates).length > 0 ? { rates } : {}),
          ...headFields(on),
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
        let next: FeatureTransform;
        if (act === 'off') {
          next = { kind: 'model' };
        } else if ((ACTIVATIONS as string[]).includes(act)) {
          if (model.featureActivation < 0) {
            diagnostics.push(makeDiagnostic(D.noFeatureActivation, s.span, [], { hint: 'add e.g. `relu` right before `flatten` in the model block' }));
            break;
          }
          next = { kind: 'inverted', activation: act as Activation };
          if (act === 'relu') diagnostics.push(makeDiagnostic(D.invertReluUnbounded, s.activation.span, [], { hint: 'use `invert relu6` for a bounded complement (6 - x)' }));
        } else {
          diagnostics.push(
            makeDiagnostic(D.unknownActivation, s.activation.span, [act], { hint: didYouMean(act, [...ACTIVATIONS, 'off']) ?? `activations: ${ACTIVATIONS.join(', ')}, or \`off\`` }),
          );
          break;
        }
        // Without `on`: every head that exists now; with it, that head only.
        const target = s.on ? checkHead(s.on) : null;
        if (s.on && target === null) break;
        const targets = target === null ? heads.names() : [target];
        for (const h of targets) heads.setFeature(h, next);
        feature = heads.feature(MAIN_HEAD);
        const all = targets.length === heads.names().length;
        steps.push({ kind: 'invert', feature: next, ...(all ? {} : { heads: targets }), source });
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
        const on = checkHeads(s.on);
        if (!testSets || !on) break;
        if (s.label?.text === 'pretrained') {
          diagnostics.push(makeDiagnostic(D.reservedLabel, s.label.span, ['pretrained'], { hint: 'choose another label' }));
          break;
        }
        const step = { kind: 'eval' as const, testSets, label: s.label?.text ?? '', snapshot: false, feature, ...headFields(on), ...(s.everyEpoch ? { everyEpoch: true as const } : {}), source };
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
      case 'head': {
        const name = s.name.text;
        const clash = name === MAIN_HEAD ? "the model's own head" : layerNames(model).includes(name) ? `the layer \`${name}\`` : null;
        if (clash) {
          diagnostics.push(makeDiagnostic(D.headNameClash, s.name.span, [name, clash], { hint: `call it something else, e.g. \`head missing\`` }));
          break;
        }
        if (heads.has(name)) {
          const first = addedAt.get(name)!.span;
          diagnostics.push(
            makeDiagnostic(D.duplicateHead, s.name.span, [name], { hint: 'give each head its own name', related: [{ message: 'first added here', offset: first.offset, length: first.length }] }),
          );
          break;
        }
        if (heads.added >= LIMITS.heads) {
          diagnostics.push(makeDiagnostic(D.overLimit, s.name.span, ['the number of heads besides `main` in one arm', LIMITS.heads, String(heads.added + 1)], { hint: LIMITS_HINT }));
          break;
        }
        const copy = copyMainHead(model, name);
        heads.add(name, copy.params);
        steps.push({ kind: 'head', name, layers: copy.layers, params: copy.params, source });
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
    // Scored with the train step's view: the same features, and the heads its loss reads.
    const view = (v: { feature: FeatureTransform; on?: HeadExpr; heads?: HeadFeatures }) => JSON.stringify([v.feature, v.on ?? [MAIN_HEAD], v.heads ?? null]);
    if (view(s) !== view(train)) {
      reported = true; // written, but refused: the error says why, no warning on top
      const at = spans.get(s);
      const written = `${train.pretrain ? 'pretrain' : 'train'} ${train.epochs}${train.alternate ? ' alternate' : ''}${train.select ? ' select' : ''}${train.on ? ` on ${train.on.join(' + ')}` : ''}`;
      const hint = train.on || s.on ? 'evaluate `on` the heads the step trains, before any `invert`, or add a train step after it' : 'evaluate before the `invert`, or add a train step after it';
      if (at) diagnostics.push(makeDiagnostic(D.epochEvalFeatureChanged, at, [written], { hint }));
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
