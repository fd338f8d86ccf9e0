// The "work" section of `mfx plan`: which steps are computed once (shared prefixes), which
// train only the head on cached conv features, and the images to process with and without
// these optimisations (compiler/work-estimate.ts).
import type { Plan } from '../../compiler/plan.js';
import { COST_MODEL, trainingImages, type ArmWork, type ImageCounts, type WorkEstimate } from '../../compiler/work-estimate.js';
import { paint, type Paint } from '../format/color.js';
import { formatCount } from '../format/numbers.js';

const MIB = 1024 * 1024;

/** The work section's lines (no trailing newline). */
export function describeWork(plan: Plan, w: WorkEstimate, p: Paint = paint(false)): string {
  const out: string[] = [];
  const train = (n: number) => (w.trainImages === null ? `${formatCount(n)} epoch${n === 1 ? '' : 's'}` : formatCount(n));
  const tests = (n: number) => (w.testImages === null ? `${formatCount(n)} test-set pass${n === 1 ? '' : 'es'}` : formatCount(n));
  const per = [
    w.trainImages === null ? 'training images per epoch unknown (give --train-subset N)' : `${formatCount(w.trainImages)} training images per epoch`,
    w.testImages === null ? 'test images unknown (give --test-subset M)' : `${formatCount(w.testImages)} per test set`,
    `${w.seeds} seed${w.seeds === 1 ? '' : 's'}`,
  ];
  out.push(`${p.bold('work')}  ${per.join(', ')}`);
  const width = Math.max(...w.arms.map((a) => a.arm.length));
  for (const a of w.arms) out.push(`  arm ${a.arm.padEnd(width)}  ${armLine(plan, a)}`);

  const label = w.trainImages === null ? 'training' : 'training images';
  out.push(`  ${label.padEnd(16)} ${train(trainingImages(w.without))} without reuse/caching → ${train(trainingImages(w.with))} with (${withDetail(w.with, train)})`);
  out.push(`  ${(w.testImages === null ? 'evaluation' : 'eval images').padEnd(16)} ${tests(w.without.eval)} without reuse → ${tests(w.with.eval)} with`);
  if (w.featureCache.eligible) out.push(`  ${'feature cache'.padEnd(16)} ${cacheLine(w)}`);
  const basis = w.costBasis === 'training only' ? 'training only, ' : '';
  const saved = w.speedup >= 1.05 ? `estimated ${w.speedup.toFixed(1)}x less work` : 'no work saved';
  const units = (n: number) => (w.trainImages === null ? n.toFixed(2) : formatCount(n));
  out.push(`  ${saved} (${basis}${units(w.cost.without)} → ${units(w.cost.with)} conv-equivalent ${w.trainImages === null ? 'epochs' : 'images'})`);
  out.push(
    p.dim(
      `  cost model: a full training image 1, head only ${COST_MODEL.headOnlyImage}, a conv-feature pass ${COST_MODEL.convForwardImage}, ` +
        `an eval image ${COST_MODEL.evalImage} (reference net profile); steps already in the cross-run cache are not counted`,
    ),
  );
  return out.join('\n');
}

function withDetail(c: ImageCounts, train: (n: number) => string): string {
  const parts = [`${train(c.full)} full network`, `${train(c.headOnly)} head only`];
  const fills = c.convForward > 0 ? `; conv features computed for ${train(c.convForward)}` : '';
  return `${parts.join(', ')}${fills}`;
}

function armLine(plan: Plan, a: ArmWork): string {
  const spec = plan.arms.find((x) => x.name === a.arm);
  const parts: string[] = [];
  const shared = spec?.sharedPrefix ?? 0;
  if (shared > 0) parts.push(`step${shared === 1 ? '' : 's'} 1${shared === 1 ? '' : `-${shared}`} computed once and shared`);
  for (const s of a.steps) {
    if (s.kind !== 'train' || !s.headOnly || s.shared) continue;
    const step = spec?.steps[s.index];
    const epochs = step && step.kind === 'train' ? ` (train ${step.epochs})` : '';
    parts.push(`step ${s.index + 1}${epochs} head only: conv features computed once`);
  }
  return parts.length > 0 ? parts.join('; ') : 'every step computed in full';
}

function cacheLine(w: WorkEstimate): string {
  const c = w.featureCache;
  const shape = `[${c.shape.join(', ')}] floats per image`;
  if (c.limitBytes <= 0) return `turned off (MFX_FEATURE_CACHE_MB=0): the frozen steps train the full network`;
  if (c.bytes === null) return `${shape}; size depends on the training images`;
  const size = mib(c.bytes);
  const limit = mib(c.limitBytes);
  return c.used
    ? `${shape}, ${size} (limit ${limit}, MFX_FEATURE_CACHE_MB)`
    : `${shape}, ${size}: over the ${limit} limit (MFX_FEATURE_CACHE_MB), so the frozen steps train the full network`;
}

function mib(bytes: number): string {
  const n = bytes / MIB;
  return `${n < 10 ? n.toFixed(1) : formatCount(n)} MiB`;
}
