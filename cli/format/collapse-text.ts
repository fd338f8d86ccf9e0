// The words for a head that collapsed onto one class (runtime/results-table.ts marks the
// cells): the terminal table and the report say which arm, test set, class and seeds, and
// what usually causes it, so an 8.50% on every test set is not taken for a finding.
import type { EvalRecord, ResultsTable } from '../../runtime/results.js';
import { COLLAPSE_SHARE, dominantClass } from '../../runtime/results/results-table.js';

/** The mark after a collapsed cell's accuracy in the terminal table. */
export const COLLAPSE_MARK = '!';

export const COLLAPSE_CAUSES =
  'likely causes: too little data or too few epochs for this schedule (a small --train-subset), ' +
  'a learning rate too high, or, after `invert`, no `reset` of the head';

/** One line per collapsed (arm, test set): which class, how much of the set, which seeds. */
export function collapseLines(table: ResultsTable): string[] {
  const out: string[] = [];
  for (const column of table.columns) {
    for (const testSet of table.testSets) {
      const c = column.cells[testSet]?.collapse;
      if (!c) continue;
      const seeds = c.seeds.length === 1 ? `seed ${c.seeds[0]}` : `seeds ${c.seeds.join(', ')}`;
      out.push(`${column.arm} on ${testSet}: predicts class ${c.predictedClass} for ${(c.share * 100).toFixed(0)}% of the images (${seeds})`);
    }
  }
  return out;
}

/** The legend under the table, or nothing when no cell collapsed. */
export function collapseLegend(table: ResultsTable): string[] {
  const lines = collapseLines(table);
  if (lines.length === 0) return [];
  return [
    `${COLLAPSE_MARK} collapsed: one class for ≥ ${Math.round(COLLAPSE_SHARE * 100)}% of a test set's predictions; ${COLLAPSE_CAUSES}`,
    ...lines.map((l) => `  ${l}`),
  ];
}

/**
 * Every evaluation that collapsed, grouped by arm, eval label and test set, as sentences for
 * the report (which reads results.json's evaluations, not the terminal table).
 */
export function collapsedEvalNotes(evals: readonly EvalRecord[]): string[] {
  const groups = new Map<string, { arm: string; label: string; testSet: string; seeds: number[]; predictedClass: number; share: number }>();
  for (const e of evals) {
    const d = dominantClass(e.predicted);
    if (!d) continue;
    const key = `${e.arm}\u0000${e.label}\u0000${e.testSet}`;
    const g = groups.get(key) ?? { arm: e.arm, label: e.label, testSet: e.testSet, seeds: [], ...d };
    g.seeds.push(e.seed);
    if (d.share > g.share) Object.assign(g, d);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const seeds = g.seeds.length === 1 ? `seed ${g.seeds[0]}` : `seeds ${g.seeds.join(', ')}`;
    return `\`${g.arm}\` (eval \`${g.label}\`) predicts class ${g.predictedClass} for ${(g.share * 100).toFixed(0)}% of \`${g.testSet}\` (${seeds}): the network collapsed onto one class, so its accuracy says little; ${COLLAPSE_CAUSES}.`;
  });
}
