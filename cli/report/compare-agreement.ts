// `mfx compare --agreement RUN_A:ARM[@LABEL] RUN_B:ARM[@LABEL]`: the agreement section of a
// report for two evaluations in (possibly) different run folders, on the test sets both have.
import { UserError } from '../context.js';
import type { Results } from '../../runtime/results.js';
import { subsetText } from '../../runtime/results/step-text.js';
import type { Block, ReportDocument } from './document.js';
import { AgreementProblem, pairAgreement, type EvalSide, type PairAgreement } from './agreement.js';
import { agreementExplanation, agreementTable } from './agreement-section.js';
import { readRunFolder } from './read-run-folder.js';
import { buildReportTable } from './report-table.js';

const USAGE = 'Write each side as RUN_DIR:ARM or RUN_DIR:ARM@LABEL, e.g. mfx compare --agreement runs/a:inverted runs/b:inverted@final';

interface ParsedSide {
  dir: string;
  arm: string;
  label: string | null;
}

/** `RUN_DIR:ARM[@LABEL]`; the last `:` separates the folder (which may contain `:`). */
export function parseSide(text: string): ParsedSide {
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || colon === text.length - 1) throw new UserError(`\`${text}\` does not name an evaluation. ${USAGE}`, 2);
  const dir = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  const at = rest.indexOf('@');
  const arm = at < 0 ? rest : rest.slice(0, at);
  const label = at < 0 ? null : rest.slice(at + 1);
  if (!arm || label === '') throw new UserError(`\`${text}\` does not name an evaluation. ${USAGE}`, 2);
  return { dir, arm, label };
}

/** The side's label (the arm's reported eval when none is given), checked against the run's evaluations. */
function resolveSide(side: ParsedSide, results: Results, name: string): EvalSide {
  const arms = [...new Set(results.evals.map((e) => e.arm))];
  if (!arms.includes(side.arm)) {
    throw new UserError(`run folder \`${side.dir}\` has no evaluations of an arm \`${side.arm}\`. Its arms: ${arms.map((a) => `\`${a}\``).join(', ') || 'none'}.`, 2);
  }
  const labels = [...new Set(results.evals.filter((e) => e.arm === side.arm).map((e) => e.label))];
  const reported = results.table.columns.find((c) => c.arm === side.arm)?.label ?? labels[labels.length - 1];
  const label = side.label ?? reported;
  if (!labels.includes(label)) {
    throw new UserError(`arm \`${side.arm}\` in \`${side.dir}\` has no eval labelled \`${label}\`. Its labels: ${labels.map((l) => `\`${l}\``).join(', ')}.`, 2);
  }
  return { dir: side.dir, arm: side.arm, label, name: `${name}:${side.arm}@${label}` };
}

/** The agreement document for two sides; UserError when they cannot be compared. */
export function compareAgreement(args: string[]): ReportDocument {
  if (args.length !== 2) throw new UserError(`\`mfx compare --agreement\` compares two evaluations, got ${args.length}. ${USAGE}`, 2);
  const parsed = args.map(parseSide);
  const folders = parsed.map((p) => readRunFolder(p.dir, { events: false }));
  const [a, b] = parsed.map((p, i) => resolveSide(p, folders[i].results, i === 0 ? 'A' : 'B'));
  const tables = folders.map((f) => buildReportTable(f.results));
  const testSets = tables[0].testSets.filter((t) => tables[1].testSets.includes(t));
  if (testSets.length === 0) throw new UserError('the two runs share no test set, so there are no images to compare on.', 2);
  const seeds = folders[0].results.seeds.filter((s) => folders[1].results.seeds.includes(s));
  if (seeds.length === 0) {
    throw new UserError(
      `the runs share no seed (A: ${folders[0].results.seeds.join(', ')}; B: ${folders[1].results.seeds.join(', ')}); agreement pairs evaluations by seed. Run both with the same \`seed\`/\`repeat\`.`,
      2,
    );
  }
  const pairs: PairAgreement[] = [];
  const missing: string[] = [];
  for (const testSet of testSets) {
    try {
      const p = pairAgreement(a, b, testSet, seeds);
      if (p) pairs.push(p);
      else missing.push(testSet);
    } catch (err) {
      if (err instanceof AgreementProblem) throw new UserError(`${err.message}. Compare runs made on the same data subset and test-set seed.`, 2);
      throw err;
    }
  }
  if (pairs.length === 0) {
    throw new UserError('neither run folder pair has stored predictions for these evaluations (runs made before mfx kept per-sample predictions). Rerun the experiments to get them.', 2);
  }
  const blocks: Block[] = [
    {
      kind: 'table',
      header: ['side', 'folder', 'arm', 'eval', 'experiment', 'seeds', 'data'],
      rows: [a, b].map((s, i) => [s.name.split(':')[0], `\`${s.dir}\``, s.arm, `\`${s.label}\``, folders[i].results.title, folders[i].results.seeds.join(', '), subsetText(folders[i].results.subset)]),
    },
    { kind: 'paragraph', text: `${agreementExplanation(seeds.length)} Seeds are paired by number: ${seeds.join(', ')}.` },
    agreementTable(pairs, 'agreement-table'),
  ];
  if (missing.length > 0) blocks.push({ kind: 'paragraph', text: `No stored predictions on both sides for ${missing.map((t) => `\`${t}\``).join(', ')}.` });
  return { title: `Agreement of ${a.name} and ${b.name}`, blocks };
}
