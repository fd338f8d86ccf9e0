// Agreement of two evaluations, per test set, from the predictions each run folder keeps:
// which images only one side gets right, McNemar's exact test per seed and the per-image
// sign test over seeds (runtime/results/agreement.ts says why that combination). Used by the
// report (each arm against its baseline) and by `mfx compare --agreement` (across runs).
import { agreement, type Agreement, type SeedPredictions } from '../../runtime/results/agreement.js';
import { PredictionFileError, readPredictions } from '../../runtime/store/predictions-file.js';
import type { Results } from '../../runtime/results.js';
import type { ArmSpec, Plan, StepSpec } from '../../compiler/plan.js';
import type { ReportTable } from './report-table.js';
import { columnName } from '../../runtime/results/results-table.js';

/** One side of a comparison: an evaluation (arm and label) in a run folder. */
export interface EvalSide {
  dir: string;
  arm: string;
  label: string;
  /** How the report names this side (`arm`, or `A:arm@label` across runs). */
  name: string;
}

export interface PairAgreement {
  a: EvalSide;
  b: EvalSide;
  testSet: string;
  agreement: Agreement;
}

/** Why a pair has no agreement figures; one sentence part. */
export class AgreementProblem extends Error {}

/**
 * Agreement of `a` and `b` on one test set over the seeds both sides have predictions for;
 * null when no seed has both. Throws AgreementProblem for unreadable files or sides scored on
 * different images (different labels).
 */
export function pairAgreement(a: EvalSide, b: EvalSide, testSet: string, seeds: number[]): PairAgreement | null {
  const perSeed: SeedPredictions[] = [];
  let labels: Uint8Array | null = null;
  let labelsSha: string | null = null;
  for (const seed of seeds) {
    let pa;
    let pb;
    try {
      pa = readPredictions(a.dir, { arm: a.arm, seed, label: a.label, testSet });
      pb = readPredictions(b.dir, { arm: b.arm, seed, label: b.label, testSet });
    } catch (err) {
      if (err instanceof PredictionFileError) throw new AgreementProblem(`cannot read ${err.file}: it ${err.reason}`);
      throw err;
    }
    if (!pa || !pb) continue;
    if (pa.labelsSha256 !== pb.labelsSha256 || (labelsSha !== null && pa.labelsSha256 !== labelsSha)) {
      throw new AgreementProblem(
        `\`${a.name}\` and \`${b.name}\` were not scored on the same ${testSet} images (their stored labels differ: another data subset, dataset or seed)`,
      );
    }
    labels = pa.labels;
    labelsSha = pa.labelsSha256;
    perSeed.push({ seed, a: pa.predicted, b: pb.predicted });
  }
  if (!labels || perSeed.length === 0) return null;
  return { a, b, testSet, agreement: agreement(testSet, perSeed, labels) };
}

/** Every arm of a run against its baseline, per test set (the report's agreement section). */
export function baselineAgreements(dir: string, results: Results, table: ReportTable): { pairs: PairAgreement[]; notes: string[] } {
  const pairs: PairAgreement[] = [];
  const notes: string[] = [];
  let missing = 0;
  for (const col of table.columns) {
    if (!col.baseline) continue;
    const a = { dir, arm: col.arm, label: col.label, name: columnName(col) };
    const b = { dir, arm: col.baseline.arm, label: col.baseline.label, name: `${col.baseline.arm} (${col.baseline.label})` };
    for (const testSet of table.testSets) {
      if (!col.cells.some((c) => c.testSet === testSet && c.delta)) continue;
      try {
        const p = pairAgreement(a, b, testSet, results.seeds);
        if (p) pairs.push(p);
        else missing++;
      } catch (err) {
        if (!(err instanceof AgreementProblem)) throw err;
        notes.push(`No agreement for \`${columnName(col)}\` on ${testSet}: ${err.message}.`);
      }
    }
  }
  if (missing > 0 && pairs.length === 0) notes.push('No agreement section: the run folder keeps no per-sample predictions (a run made before mfx stored them); rerun it to get them.');
  else if (missing > 0) notes.push(`${missing} arm/test-set pair(s) have no stored predictions on both sides and are left out of the agreement section.`);
  return { pairs, notes };
}

type EvalStep = Extract<StepSpec, { kind: 'eval' }>;

/**
 * Within each arm, every evaluation of a sum of heads (A, `as synergy on main + missing`) against
 * each of its heads evaluated alone on the same network (B, same stateKey: nothing trained or
 * inverted in between): which images the sum gets right that the head alone misses, and the
 * reverse. A head evaluated alone twice (`as normal on main` and the closing `final`) counts once.
 */
export function headSumAgreements(dir: string, results: Results, plan: Plan | null, testSets: string[]): { pairs: PairAgreement[]; notes: string[] } {
  const pairs: PairAgreement[] = [];
  const notes: string[] = [];
  for (const arm of plan?.arms ?? []) {
    const evals = arm.steps.filter((s): s is EvalStep => s.kind === 'eval' && !s.snapshot && s.stateKey !== '');
    for (const sum of evals.filter((s) => (s.on?.length ?? 1) > 1)) {
      const alone = new Map<string, EvalStep>();
      for (const e of evals) {
        const on = e.on ?? ['main'];
        if (e.stateKey === sum.stateKey && on.length === 1 && sum.on!.includes(on[0]) && !alone.has(on[0])) alone.set(on[0], e);
      }
      const a = evalSide(dir, arm, sum.label);
      for (const single of alone.values()) {
        const b = evalSide(dir, arm, single.label);
        for (const testSet of testSets.filter((t) => sum.testSets.includes(t) && single.testSets.includes(t))) {
          try {
            const p = pairAgreement(a, b, testSet, results.seeds);
            if (p) pairs.push(p);
          } catch (err) {
            if (!(err instanceof AgreementProblem)) throw err;
            notes.push(`No agreement for \`${a.name}\` and \`${b.name}\` on ${testSet}: ${err.message}.`);
          }
        }
      }
    }
  }
  return { pairs, notes };
}

/** An evaluation of an arm, named as the results table names it (the arm, or `ARM@LABEL`). */
function evalSide(dir: string, arm: ArmSpec, label: string): EvalSide {
  return { dir, arm: arm.name, label, name: label === arm.reportLabel ? arm.name : `${arm.name}@${label}` };
}

/** A p-value as text: three decimals, or two significant digits below 0.001. */
export function pText(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}
