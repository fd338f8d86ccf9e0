// The compiler: mfx text → Plan, as named phases in order. Each phase returns values and
// appends diagnostics; none throws on user input. The Plan exists only when there are no errors.
import type { Diagnostic, Program, Span } from '../grammar/index.js';
import { capDiagnostics, makeDiagnostic, parse } from '../grammar/index.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import { splitArms } from './arms.js';
import { checkArmCount, checkModelMemory, LIMITS } from './limits.js';
import { resolveBaselines } from './baselines.js';
import type { DatasetInfoProvider } from './dataset-info.js';
import { describeShape, knownDatasetInfo, MNIST_SHAPE } from './dataset-info.js';
import { blockModel, namedModel, type ModelData, type ModelResult } from './models.js';
import type { ArmSpec, Plan, SourceRef } from './plan.js';
import { PLAN_SCHEMA, PLAN_VERSION } from './plan.js';
import { planHash } from './plan-hash.js';
import { lowerArm } from './schedule.js';
import { collectSettings, headSpan, type Settings } from './settings.js';
import { expandSweeps } from './sweeps.js';
import { attachStateKeys, setupKey, sharedPrefixLengths } from './state-keys.js';
import { resolveTestSet, testSetCatalogue } from './test-sets.js';
import { lineStarts, positionAt } from './positions.js';

export type { Diagnostic, RelatedInfo, Severity } from '../grammar/index.js';
export { parse } from '../grammar/index.js';
export { capDiagnostics, escapeNonPrintable, print } from '../grammar/index.js';
export { DIAGNOSTIC_CATALOGUE } from './diagnostics.js';
export type { DataShape, DatasetInfo, DatasetInfoProvider } from './dataset-info.js';

export interface CompileResult {
  plan: Plan | null;
  diagnostics: Diagnostic[];
}

export interface CompileOptions {
  /**
   * Tells the image shape and class count of a dataset. The CLI passes a reader of the IDX
   * headers and labels (runtime/data/dataset-info.ts); without one, MNIST and Fashion-MNIST
   * are known to be 28x28x1 with 10 classes and an IDX folder is assumed to be 28x28x1 (a warning).
   */
  datasetInfo?: DatasetInfoProvider;
  /** Says whether a file exists, to report a missing `load` file at compile time; the compiler itself never touches the disk. */
  fileExists?: (path: string) => boolean;
}

/** Compiles mfx source; `file` names the source for the title and resolves relative `load` paths. */
export function compile(text: string, file: string, options: CompileOptions = {}): CompileResult {
  const parsed = parse(text, file);
  return compileProgram(parsed.ast, text, file, parsed.diagnostics, options);
}

/** The phases after parsing; `diagnostics` holds the syntax diagnostics so far. */
export function compileProgram(ast: Program, text: string, file: string, syntax: Diagnostic[], options: CompileOptions = {}): CompileResult {
  const diagnostics = [...syntax];
  if (ast.statements.length === 0 && syntax.length === 0) {
    diagnostics.push(makeDiagnostic(D.emptyProgram, { offset: 0, length: 0 }, [], { hint: 'start with `train 1` and `eval pmnist.*`, or see examples/' }));
  }
  const starts = lineStarts(text);
  const sourceRef = (span: Span): SourceRef => positionAt(starts, span.offset);

  // 1. settings: defaults applied, misplaced and duplicate settings rejected.
  const settings = collectSettings(ast.statements, file, diagnostics);
  // 2. model: every layer's shapes, parameter names and counts (null after a model error),
  // from the image shape and class count the data has.
  const data = dataOf(settings, options.datasetInfo ?? knownDatasetInfo, diagnostics);
  checkValidation(settings, data.trainImages, diagnostics);
  const modelResult = programModel(settings.model, syntax, data);
  diagnostics.push(...modelResult.diagnostics);
  // 3. sweeps: arm templates expanded into ordinary arms; then arms: prefix + arm body +
  // trailing evals per arm, names unique.
  const expansion = expandSweeps(ast.statements, settings.sweeps, (offset) => positionAt(starts, offset).line, diagnostics);
  const armSources = splitArms(expansion.statements, diagnostics, expansion.templates);
  const model = modelResult.model;
  if (!model) return finish(null, diagnostics);
  // Bounds before any work proportional to them (compiler/limits.ts).
  if (!checkArmCount(armSources.length, armSources[LIMITS.arms]?.nameSpan ?? null, diagnostics)) return finish(null, diagnostics);
  checkModelMemory(model, settings.batch, settings.model?.span ?? null, diagnostics);

  // 4. schedule: steps lowered with resolved selectors, test sets, labels and snapshots.
  const catalogue = testSetCatalogue(settings.dataset);
  const validation = settings.validation ?? undefined;
  const rootKey = setupKey({ dataset: settings.dataset, model, optimizer: settings.optimizer, batch: settings.batch, shards: settings.shards, ...(validation ? { validation } : {}) });
  const lowered = armSources.map((arm) => {
    const drafts = lowerArm(arm, { model, lr: settings.optimizer.lr, testSets: catalogue, testSetsUnknown: settings.datasetRejected, file, sourceRef, fileExists: options.fileExists, validation: settings.validation !== null }, diagnostics);
    // 5. state keys: identical prefixes get identical keys.
    const steps = attachStateKeys(rootKey, drafts);
    const evals = steps.filter((s) => s.kind === 'eval' && !s.snapshot);
    const last = evals[evals.length - 1];
    return { arm, steps, reportLabel: last && last.kind === 'eval' ? last.label : null };
  });
  // 6. baselines.
  const baselines = resolveBaselines(
    lowered.map((l) => ({ name: l.arm.name, steps: l.steps, reportLabel: l.reportLabel })),
    settings.baseline,
    diagnostics,
  );
  const shared = sharedPrefixLengths(lowered.map((l) => l.steps));
  const arms: ArmSpec[] = lowered.map((l, i) => {
    const arm: ArmSpec = {
      name: l.arm.name,
      steps: l.steps,
      reportLabel: l.reportLabel,
      baseline: baselines[i],
      sharedPrefix: shared[i],
    };
    if (l.arm.span) arm.source = sourceRef(l.arm.span);
    if (l.arm.template) {
      arm.template = l.arm.template.name;
      arm.bindings = l.arm.template.bindings;
    }
    // Only for files that otherwise compile: with errors around, a missing eval is most
    // likely one that failed to parse, and the warning would be noise.
    const hasErrors = diagnostics.some((d) => d.severity === 'error');
    if (!hasErrors && l.reportLabel === null && l.steps.length > 0) {
      diagnostics.push(
        // Expanded arms share their template's position: one warning names the template.
        makeDiagnostic(D.emptyArm, l.arm.nameSpan ?? { offset: 0, length: 0 }, [l.arm.template?.name ?? l.arm.name], {
          hint: 'add `eval pmnist.*` (inside the arm, or after the arms for all of them)',
        }),
      );
    }
    return arm;
  });

  const evaluated = new Set(arms.flatMap((a) => a.steps.flatMap((s) => (s.kind === 'eval' ? s.testSets : []))));
  const unique = dedupe(diagnostics);
  const warnings = unique
    .filter((d) => d.severity === 'warning')
    .map((d) => {
      const p = positionAt(starts, d.offset);
      return `${p.line}:${p.column}: ${d.message} [${d.code}]`;
    });
  const body: Omit<Plan, 'hash'> = {
    schema: PLAN_SCHEMA,
    version: PLAN_VERSION,
    file,
    title: settings.title,
    dataset: settings.dataset,
    model,
    optimizer: settings.optimizer,
    batch: settings.batch,
    ...(validation ? { validation } : {}),
    shards: settings.shards,
    seed: settings.seed,
    repeat: settings.repeat,
    seeds: Array.from({ length: settings.repeat }, (_, k) => settings.seed + k),
    testSets: catalogue.filter((t) => evaluated.has(t)),
    testSetRefs: catalogue.filter((t) => evaluated.has(t)).map((t) => resolveTestSet(t)!),
    arms,
    warnings,
  };
  return finish({ ...body, hash: planHash(body) }, unique);
}

/**
 * The model a file trains: its `model` setting (null: the reference net) with shapes inferred
 * from `data`. Also used by the language server for layer names and shapes while the file has
 * other errors.
 */
export function programModel(m: Settings['model'], syntax: readonly Diagnostic[], data: ModelData): ModelResult {
  // A model block with syntax errors lost some layers: inferring shapes would only add noise.
  const brokenBlock =
    m?.kind === 'model-block' && syntax.some((d) => d.severity === 'error' && d.offset >= m.span.offset && d.offset < m.span.offset + m.span.length);
  if (brokenBlock) return { model: null, diagnostics: [] };
  if (m === null) return namedModel('reference', null, data);
  return m.kind === 'model-ref' ? namedModel(m.name.text, m.name.span, data) : blockModel(m.layers, m.span, data, headSpan(m, 'model'));
}

/**
 * `validation N` against the training file: no image left to train on is an error (MFX2150),
 * a split too small to tell epochs apart a warning (MFX2152). `trainImages` is null when unknown.
 */
function checkValidation(settings: Settings, trainImages: number | null, diagnostics: Diagnostic[]): void {
  const n = settings.validation;
  const at = settings.validationSpan;
  if (n === null || at === null) return;
  const count = (x: number) => x.toLocaleString('en-US');
  if (trainImages !== null && n >= trainImages) {
    diagnostics.push(
      makeDiagnostic(D.validationTooLarge, at, [String(n), count(n), count(trainImages)], {
        hint: `hold out fewer images, e.g. \`validation ${count(Math.max(1, Math.floor(trainImages / 12))).replace(/,/g, '')}\` (a twelfth, as 5,000 of MNIST's 60,000)`,
      }),
    );
    return;
  }
  if (n < VALIDATION_WARN_BELOW) {
    const step = (100 / n).toLocaleString('en-US', { maximumSignificantDigits: 2 });
    diagnostics.push(makeDiagnostic(D.validationTooSmall, at, [count(n), step], { hint: `hold out at least ${count(VALIDATION_WARN_BELOW)} images (MNIST: \`validation 5000\`)` }));
  }
}

/** Below this many images a validation split measures accuracy in steps of more than 0.1 points. */
export const VALIDATION_WARN_BELOW = 1000;

/** The shape and class count the model is inferred from; data problems become diagnostics at the `dataset` line. */
export function dataOf(settings: Settings, provider: DatasetInfoProvider, diagnostics: Diagnostic[]): ModelData & { trainImages: number | null } {
  const standard = { inputShape: [MNIST_SHAPE.height, MNIST_SHAPE.width, MNIST_SHAPE.channels], classes: null, classesFrom: '', trainImages: null };
  if (settings.datasetRejected) return standard;
  const at = settings.datasetSpan ? headSpan({ span: settings.datasetSpan }, 'dataset') : { offset: 0, length: 0 };
  let info;
  try {
    info = provider(settings.dataset);
  } catch (err) {
    info = { kind: 'invalid' as const, message: `the dataset cannot be read: ${(err as Error).message}` };
  }
  switch (info.kind) {
    case 'found': {
      const s = info.shape;
      const from = info.labelsFile ? `labels 0..${s.classes - 1} in ${info.labelsFile}` : settings.dataset.kind;
      return { inputShape: [s.height, s.width, s.channels], classes: s.classes, classesFrom: from, trainImages: info.trainImages ?? null };
    }
    case 'absent': {
      const classes = settings.model?.kind === 'model-block' ? 'as many classes as the model has outputs' : `${MNIST_SHAPE.classes} classes`;
      const assumed = `${describeShape(MNIST_SHAPE, null)} and ${classes}`;
      diagnostics.push(
        makeDiagnostic(D.datasetNotRead, at, [`\`dataset ${settings.dataset.kind}\``, info.reason, assumed], {
          hint: '`mfx run` needs the data; check the path in the `dataset` line',
        }),
      );
      return standard;
    }
    case 'invalid':
      diagnostics.push(makeDiagnostic(D.datasetUnusable, at, [info.message]));
      return standard;
  }
}

/** Shared prefix steps are lowered once per arm; report each problem once. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.code}:${d.offset}:${d.length}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function finish(plan: Plan | null, diagnostics: Diagnostic[]): CompileResult {
  const unique = dedupe(diagnostics);
  const failed = unique.some((d) => d.severity === 'error');
  return { plan: failed ? null : plan, diagnostics: capDiagnostics(unique) };
}
