// The report's table, recomputed from every EvalRecord in results.json (not copied from its
// summary), so the statistics in a report are derived in one place: stats.ts.
import type { BaselineRef } from '../../compiler/plan.js';
import type { EvalRecord, Results, Stat } from '../../runtime/results.js';
import { pairedDelta, summarize, type PairedDelta } from '../../runtime/results/stats.js';

export interface ReportCell {
  testSet: string;
  /** Null when no seed of this arm has an evaluation on this test set. */
  accuracy: Stat | null;
  /** The seeds behind accuracy.values, in the same order. */
  accuracySeeds: number[];
  /** Null without a baseline or without a seed evaluated on both sides. */
  delta: PairedDelta | null;
}

export interface ReportColumn {
  arm: string;
  label: string;
  /** A labelled evaluation of heads beside the arm's reported one (see ArmColumn); named `ARM@LABEL`. */
  labelled?: true;
  baseline: BaselineRef | null;
  /**
   * The sweep template (or any other group name) the arm came from, or null. Plain data: set
   * from results.json's `table.columns[i].template` when present, or given to buildReportTable.
   */
  group: string | null;
  /** Per test set, in table order. */
  cells: ReportCell[];
  /** Seeds that did not finish, with the runtime's reason. */
  problems: { seed: string; status: string }[];
}

export interface ReportTable {
  testSets: string[];
  seeds: number[];
  columns: ReportColumn[];
}

type AccuracyIndex = Map<string, Map<number, number>>; // `${arm}\u0000${label}\u0000${testSet}` -> seed -> accuracy

function key(arm: string, label: string, testSet: string): string {
  return `${arm}\u0000${label}\u0000${testSet}`;
}

function indexEvals(evals: EvalRecord[]): AccuracyIndex {
  const index: AccuracyIndex = new Map();
  for (const e of evals) {
    const k = key(e.arm, e.label, e.testSet);
    let bySeed = index.get(k);
    if (!bySeed) index.set(k, (bySeed = new Map()));
    bySeed.set(e.seed, e.accuracy);
  }
  return index;
}

/** The sweep template each expanded arm came from, as results.json carries it per column. */
export function groupsInResults(results: Results): Map<string, string> {
  const groups = new Map<string, string>();
  for (const col of results.table.columns) {
    if (typeof col.template === 'string' && col.template !== '') groups.set(col.arm, col.template);
  }
  return groups;
}

/**
 * Builds the table (one column per arm as listed in results.table, one cell per test set) from
 * the raw evaluations. `groups` names each arm's sweep template; by default the names that
 * results.json carries.
 */
export function buildReportTable(results: Results, groups: ReadonlyMap<string, string> = groupsInResults(results)): ReportTable {
  const index = indexEvals(results.evals);
  const seeds = results.seeds;
  const testSets = results.table.testSets;
  const columns = results.table.columns.map((col): ReportColumn => {
    const cells = testSets.map((testSet): ReportCell => {
      const own = index.get(key(col.arm, col.label, testSet)) ?? new Map<number, number>();
      const accuracySeeds = seeds.filter((s) => own.has(s));
      const ownValues = accuracySeeds.map((s) => own.get(s)!);
      const accuracy = ownValues.length > 0 ? summarize(ownValues) : null;
      let delta: PairedDelta | null = null;
      if (col.baseline) {
        const base = index.get(key(col.baseline.arm, col.baseline.label, testSet));
        if (base) {
          const d = pairedDelta(seeds, own, base);
          if (d.seeds.length > 0) delta = d;
        }
      }
      return { testSet, accuracy, accuracySeeds, delta };
    });
    const problems = Object.entries(col.status)
      .filter(([, status]) => status !== 'done')
      .map(([seed, status]) => ({ seed, status }));
    return { arm: col.arm, label: col.label, ...(col.labelled ? { labelled: true as const } : {}), baseline: col.baseline, group: groups.get(col.arm) ?? null, cells, problems };
  });
  return { testSets, seeds, columns };
}
