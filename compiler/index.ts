// The compiler: mfx text → Plan, as named phases in order. Each phase returns values and
// appends diagnostics; none throws on user input. The Plan exists only when there are no errors.
import type { Diagnostic, Program, Span } from '../grammar/index.js';
import { makeDiagnostic, parse } from '../grammar/index.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import { splitArms } from './arms.js';
import { resolveBaselines } from './baselines.js';
import { blockModel, namedModel } from './models.js';
import type { ArmSpec, Plan, SourceRef } from './plan.js';
import { PLAN_SCHEMA, PLAN_VERSION } from './plan.js';
import { planHash } from './plan-hash.js';
import { lowerArm } from './schedule.js';
import { collectSettings } from './settings.js';
import { expandSweeps } from './sweeps.js';
import { attachStateKeys, setupKey, sharedPrefixLengths } from './state-keys.js';
import { resolveTestSet, testSetCatalogue } from './test-sets.js';
import { lineStarts, positionAt } from './positions.js';

export type { Diagnostic, RelatedInfo, Severity } from '../grammar/index.js';
export { parse } from '../grammar/index.js';
export { print } from '../grammar/index.js';
export { DIAGNOSTIC_CATALOGUE } from './diagnostics.js';

export interface CompileResult {
  plan: Plan | null;
  diagnostics: Diagnostic[];
}

/** Input shape and class count of every dataset mfx reads (all 28x28 greyscale, 10 classes). */
const INPUT_SHAPE = [28, 28, 1];
const CLASSES = 10;

/** Compiles mfx source; `file` names the source for the title and resolves relative `load` paths. */
export function compile(text: string, file: string): CompileResult {
  const parsed = parse(text, file);
  return compileProgram(parsed.ast, text, file, parsed.diagnostics);
}

/** The phases after parsing; `diagnostics` holds the syntax diagnostics so far. */
export function compileProgram(ast: Program, text: string, file: string, syntax: Diagnostic[]): CompileResult {
  const diagnostics = [...syntax];
  const starts = lineStarts(text);
  const sourceRef = (span: Span): SourceRef => positionAt(starts, span.offset);

  // 1. settings: defaults applied, misplaced and duplicate settings rejected.
  const settings = collectSettings(ast.statements, file, diagnostics);
  // 2. model: every layer's shapes, parameter names and counts (null after a model error).
  const m = settings.model;
  // A model block with syntax errors lost some layers: inferring shapes would only add noise.
  const brokenBlock =
    m?.kind === 'model-block' && syntax.some((d) => d.severity === 'error' && d.offset >= m.span.offset && d.offset < m.span.offset + m.span.length);
  const modelResult = brokenBlock
    ? { model: null, diagnostics: [] }
    : m === null
      ? namedModel('reference', null, INPUT_SHAPE, CLASSES)
      : m.kind === 'model-ref'
        ? namedModel(m.name.text, m.name.span, INPUT_SHAPE, CLASSES)
        : blockModel(m.layers, m.span, INPUT_SHAPE, CLASSES);
  diagnostics.push(...modelResult.diagnostics);
  // 3. sweeps: arm templates expanded into ordinary arms; then arms: prefix + arm body +
  // trailing evals per arm, names unique.
  const expansion = expandSweeps(ast.statements, settings.sweeps, (offset) => positionAt(starts, offset).line, diagnostics);
  const armSources = splitArms(expansion.statements, diagnostics, expansion.templates);
  const model = modelResult.model;
  if (!model) return finish(null, diagnostics);

  // 4. schedule: steps lowered with resolved selectors, test sets, labels and snapshots.
  const catalogue = testSetCatalogue(settings.dataset);
  const rootKey = setupKey({ dataset: settings.dataset, model, optimizer: settings.optimizer, batch: settings.batch });
  const lowered = armSources.map((arm) => {
    const drafts = lowerArm(arm, { model, lr: settings.optimizer.lr, testSets: catalogue, testSetsUnknown: settings.datasetRejected, file, sourceRef }, diagnostics);
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
  return { plan: failed ? null : plan, diagnostics: unique };
}
