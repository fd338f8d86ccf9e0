// `mfx plan FILE [--json]`: compiles a file and shows what would run: arms, steps with their
// resolved parameters and trainable counts, epochs, test sets, baselines and shared prefixes.
import { InvalidArgumentError, type Command } from 'commander';
import { compile } from '../../compiler/index.js';
import { MACHINE_FACTS } from '../machine-facts.js';
import type { FeatureTransform, HeadExpr, HeadFeatures, Plan, StepSpec } from '../../compiler/plan.js';
import { MAIN_HEAD } from '../../grammar/keywords.js';
import { planToJson } from '../../compiler/plan-io.js';
import { testSetCatalogue } from '../../compiler/test-sets.js';
import { estimateWork, type WorkEstimate } from '../../compiler/work-estimate.js';
import { UserError, type CliContext } from '../context.js';
import { renderDiagnostics } from '../diagnostics/render.js';
import { readSourceFile } from '../diagnostics/source-file.js';
import { paint, shouldUseColor, type Paint } from '../format/color.js';
import { formatCount } from '../format/numbers.js';
import { groupParams } from '../../runtime/results/step-text.js';
import { describeWork } from './plan-work.js';

interface PlanFlags {
  json?: boolean;
  workJson?: boolean;
  trainSubset?: number;
  testSubset?: number;
}

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} needs a whole number above 0, got "${value}".`);
    return n;
  };
}

export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('compile an .mfx file and show the plan: arms, steps, parameters, test sets, baselines')
    .argument('<file>', 'the .mfx file')
    .option('--json', 'print the Plan as JSON (what `mfx run` executes)')
    .option('--work-json', 'print the work estimate (images with and without reuse and caching) as JSON')
    .option('--train-subset <n>', 'estimate the work for the first N training images (as `mfx run --train-subset`)', positiveInt('--train-subset'))
    .option('--test-subset <m>', 'estimate the work for the first M images of each test set', positiveInt('--test-subset'))
    .addHelpText(
      'after',
      '\nExamples:\n  mfx plan examples/reference.mfx\n  mfx plan --json examples/oneliner.mfx > plan.json\n  mfx plan --train-subset 3000 --test-subset 1000 examples/reference.mfx\n',
    )
    .action((file: string, opts: PlanFlags) => {
      if (opts.json && opts.workJson) throw new UserError('--json and --work-json print different documents; give one of them.', 2);
      const text = readSourceFile(file);
      const { plan, diagnostics } = compile(text, file, MACHINE_FACTS);
      if (diagnostics.length > 0) ctx.stderr.write(renderDiagnostics(diagnostics, text, file, { color: shouldUseColor(ctx.stderr) }));
      if (!plan) {
        ctx.stderr.write(`${file}: no plan: fix the errors above\n`);
        ctx.setExitCode(1);
        return;
      }
      if (opts.json) {
        ctx.stdout.write(planToJson(plan));
        return;
      }
      const work = estimateWork(plan, { trainImages: opts.trainSubset, testImages: opts.testSubset, cacheLimitBytes: featureCacheLimit(process.env) });
      ctx.stdout.write(opts.workJson ? `${JSON.stringify(work, null, 2)}\n` : describePlan(plan, paint(shouldUseColor(ctx.stdout)), work));
    });
}

/**
 * The feature-cache bound `mfx run` will apply: MFX_FEATURE_CACHE_MB in MiB (0 turns the cache
 * off), read as runtime/reuse/feature-cache.ts reads it (not imported: that module loads TensorFlow.js).
 */
export function featureCacheLimit(env: Record<string, string | undefined>): number | undefined {
  const raw = env.MFX_FEATURE_CACHE_MB;
  if (raw === undefined || raw.trim() === '') return undefined;
  const mb = Number(raw);
  return Number.isFinite(mb) && mb >= 0 ? Math.floor(mb * 1024 * 1024) : undefined;
}

/** The human summary `mfx plan` prints. */
export function describePlan(plan: Plan, p: Paint = paint(false), work?: WorkEstimate): string {
  const out: string[] = [];
  const opt = plan.optimizer;
  const optimizer =
    opt.kind === 'sgd' ? `sgd lr ${opt.lr} momentum ${opt.momentum}` : `adam lr ${opt.lr} beta1 ${opt.beta1} beta2 ${opt.beta2} epsilon ${opt.epsilon}`;
  const dataset = plan.dataset.kind === 'mnist' ? 'mnist' : `${plan.dataset.kind} (${plan.dataset.dir})`;
  out.push(p.bold(plan.title));
  const [height, width, channels] = plan.model.inputShape;
  out.push(`  dataset    ${dataset}: ${height}x${width}x${channels} images, ${plan.model.classes} classes`);
  if (plan.validation) {
    const n = formatCount(plan.validation);
    out.push(`  validation the last ${n} images of the training file: never trained on, scored after every epoch of a \`select\` step`);
  }
  out.push(`  model      ${plan.model.name}: ${formatCount(plan.model.totalParams)} parameters in ${layerSummary(plan)}`);
  out.push(`  optimizer  ${optimizer}, batch ${plan.batch} in ${plan.shards} shard${plan.shards === 1 ? '' : 's'}`);
  out.push(`  seeds      ${plan.seeds.join(', ')}${plan.repeat > 1 ? ` (repeat ${plan.repeat})` : ''}`);
  out.push(`  test sets  ${plan.testSets.length > 0 ? testSetSummary(plan, plan.testSets) : 'none'}`);
  out.push(`  hash       ${plan.hash.slice(0, 12)}`);
  plan.arms.forEach((arm, index) => {
    const epochs = arm.steps.reduce((a, s) => a + (s.kind === 'train' ? s.epochs : 0), 0);
    const baseline = arm.baseline ? `${arm.baseline.arm}/${arm.baseline.label} (${baselineReason(arm.baseline.reason)})` : 'none';
    out.push('');
    if (arm.template !== undefined && plan.arms[index - 1]?.template !== arm.template) out.push(describeTemplate(plan, index), '');
    const bound = arm.bindings ? `  ${p.dim(Object.entries(arm.bindings).map(([k, v]) => `$${k}=${v}`).join(' '))}` : '';
    const added = arm.steps.flatMap((s) => (s.kind === 'head' ? [s.name] : []));
    const armHeads = added.length > 0 ? `, heads ${[MAIN_HEAD, ...added].join(', ')}` : '';
    out.push(`${p.bold(`arm ${arm.name}`)}${bound}  ${epochs} epoch${epochs === 1 ? '' : 's'}${armHeads}, reports ${arm.reportLabel ?? 'nothing'}, baseline ${baseline}`);
    if (arm.sharedPrefix > 0) out.push(p.dim(`  first ${arm.sharedPrefix} step${arm.sharedPrefix === 1 ? '' : 's'} shared with an earlier arm (computed once)`));
    const heads: string[] = [MAIN_HEAD];
    arm.steps.forEach((s, i) => {
      const shared = i < arm.sharedPrefix ? p.dim(' (shared)') : '';
      if (s.kind === 'head') heads.push(s.name);
      out.push(`  ${String(i + 1).padStart(2)}  ${describeStep(s, plan, heads)}${shared}`);
    });
  });
  if (work) {
    out.push('');
    out.push(describeWork(plan, work, p));
  }
  if (plan.warnings.length > 0) {
    out.push('');
    out.push(p.yellow('warnings'));
    for (const w of plan.warnings) out.push(`  ${w}`);
  }
  return `${out.join('\n')}\n`;
}

/** `template hybrid-$act-$rate: 8 arms, $act in [relu, ...] × $rate in [0.01, 0.03]`, before its first arm. */
function describeTemplate(plan: Plan, first: number): string {
  const template = plan.arms[first].template!;
  const arms: Plan['arms'] = [];
  for (let i = first; i < plan.arms.length && plan.arms[i].template === template; i++) arms.push(plan.arms[i]);
  const variables = Object.keys(arms[0].bindings ?? {});
  const values = variables.map((v) => `$${v} in [${[...new Set(arms.map((a) => a.bindings?.[v]))].join(', ')}]`);
  return `template ${template}: ${arms.length} arm${arms.length === 1 ? '' : 's'}, ${values.join(' × ')}`;
}

function baselineReason(reason: 'named' | 'baseline-arm' | 'snapshot'): string {
  return reason === 'named' ? 'set by `baseline`' : reason === 'baseline-arm' ? 'the arm called baseline' : 'its pretrained snapshot';
}

function layerSummary(plan: Plan): string {
  const named = plan.model.layers.filter((l) => l.kind === 'conv' || l.kind === 'dense');
  return named
    .map((l) => `${l.kind === 'conv' || l.kind === 'dense' ? l.name : ''} ${formatCount(plan.model.params.filter((q) => q.layer === (l as { name: string }).name).reduce((a, q) => a + q.size, 0))}`)
    .join(', ');
}

function feature(f: FeatureTransform): string {
  return f.kind === 'model' ? 'own features' : `inverted ${f.activation}`;
}

/** Test sets with whole families shortened to `family.*`. */
function testSetSummary(plan: Plan, names: string[]): string {
  const catalogue = testSetCatalogue(plan.dataset);
  const families = [...new Set(catalogue.map((n) => n.split('.')[0]))];
  const parts: string[] = [];
  const covered = new Set<string>();
  for (const f of families) {
    const members = catalogue.filter((n) => n.startsWith(`${f}.`));
    if (members.every((m) => names.includes(m))) {
      parts.push(`${f}.* (${members.length})`);
      members.forEach((m) => covered.add(m));
    }
  }
  for (const n of names) if (!covered.has(n)) parts.push(n);
  return parts.join(', ');
}

function params(names: string[]): string {
  return groupParams(names).join(', ');
}

/** `lr 0.01`, or with per-parameter rates each trainable group's: `lr 0.001 (conv1, conv2), 0.01 (fc1, fc2)`. */
export function rates(s: Extract<StepSpec, { kind: 'train' }>): string {
  if (!s.rates) return `lr ${s.lr}`;
  const groups = new Map<number, string[]>();
  for (const name of s.trainable) {
    const rate = s.rates[name] ?? s.lr;
    groups.set(rate, [...(groups.get(rate) ?? []), name]);
  }
  return `lr ${[...groups].map(([rate, names]) => `${rate} (${params(names)})`).join(', ')}`;
}

/**
 * What a loss or an evaluation reads once an arm has several heads: each head summed with the
 * features it reads, `main (own features) + missing (inverted relu)`; null while only main exists.
 */
function headsRead(s: { on?: HeadExpr; heads?: HeadFeatures }): string | null {
  if (!s.heads && !s.on) return null;
  return (s.on ?? [MAIN_HEAD]).map((h) => `${h} (${feature(s.heads?.[h] ?? { kind: 'model' })})`).join(' + ');
}

/** What a train step scores after its epochs: `; after every epoch: validation, pmnist.* (5); at the best validation epoch: pmnist.* (5)`. */
function epochScoring(s: Extract<StepSpec, { kind: 'train' }>, plan: Plan): string {
  const every = [...(s.select ? ['validation'] : []), ...(s.everyEpoch ? [testSetSummary(plan, s.everyEpoch)] : [])];
  const parts = every.length > 0 ? [`after every epoch: ${every.join(', ')}`] : [];
  if (s.select) parts.push(s.select.testSets.length > 0 ? `at the best validation epoch: ${testSetSummary(plan, s.select.testSets)}` : 'at the best validation epoch: nothing (no eval follows)');
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}

/** One step of an arm; `heads` are the arm's heads up to and including this step. */
function describeStep(s: StepSpec, plan: Plan, heads: readonly string[] = [MAIN_HEAD]): string {
  switch (s.kind) {
    case 'train': {
      const head = `${s.pretrain ? 'pretrain' : 'train'} ${s.epochs}${s.alternate ? ' alternate' : ''}${s.select ? ' select' : ''}${s.on ? ` on ${s.on.join(' + ')}` : ''}`;
      const frozen = s.frozen.length > 0 ? `, frozen ${params(s.frozen)}` : '';
      const read = headsRead(s);
      const feat = read ? `loss on ${read}` : s.alternate ? `alternating own features (odd epochs) / ${feature(s.feature)} (even)` : feature(s.feature);
      return `${head.padEnd(20)} ${formatCount(s.trainableCount)} trainable (${params(s.trainable)})${frozen}; ${rates(s)}; ${feat}${epochScoring(s, plan)}`;
    }
    case 'freeze':
    case 'unfreeze':
    case 'reset':
      return `${s.kind.padEnd(20)} ${params(s.params)}`;
    case 'invert': {
      const what = s.feature.kind === 'model' ? 'off: back to the model\'s own activation' : `${s.feature.activation}, complemented`;
      const every = !s.heads && heads.length > 1 ? `, on every head (${heads.join(', ')})` : '';
      return `${`invert${s.heads ? ` on ${s.heads.join(', ')}` : ''}`.padEnd(20)} ${what}${every}`;
    }
    case 'lr':
      return `${'lr'.padEnd(20)} ${s.lr}${s.params ? ` for ${params(s.params)}` : ''}`;
    case 'eval':
      return `${`eval as ${s.label}`.padEnd(20)} ${testSetSummary(plan, s.testSets)} on ${headsRead(s) ?? feature(s.feature)}${s.snapshot ? ' (the pretrained snapshot)' : ''}${s.everyEpoch ? '; also after every epoch of the train step before it' : ''}`;
    case 'head': {
      const size = s.params.reduce((a, q) => a + q.size, 0);
      return `${`head ${s.name}`.padEnd(20)} ${params(s.params.map((q) => q.name))}: ${formatCount(size)} parameters, a fresh copy of the main head, on own features`;
    }
    case 'save':
      return `${'save'.padEnd(20)} ${s.path} (in the run folder)`;
    case 'load':
      return `${'load'.padEnd(20)} ${s.path}`;
  }
}
