// results.json: every evaluation of a run, and the summary table (talk's Table 1 layout:
// rows = test sets, one column group per arm: accuracy and Delta against its baseline).
import type { BaselineRef } from '../compiler/plan.js';
import type { Subset } from './events.js';
import type { ProtocolTable } from './results/protocol-table.js';

export const RESULTS_SCHEMA = 'mfx.results';
export const RESULTS_VERSION = 1;

/** One evaluation of one network state on one test set. */
export interface EvalRecord {
  arm: string;
  seed: number;
  label: string;
  testSet: string;
  accuracy: number; // 0..1
  loss: number;
  n: number;
  /** Images predicted as each class (index = class); absent in results written before it existed. */
  predicted?: number[];
  /**
   * Epoch scoring (`train N select`, `eval ... every epoch`): the epoch of the scored network,
   * counted from the arm's start, and the index of its train step in the arm. Absent on the
   * records of `eval` steps. Labels: `@epoch-N` after epoch N (test set `validation` for the
   * validation split), `@selected-step-S` for the epoch step S (numbered as `mfx plan` does) selected by validation (with `selected`).
   */
  epoch?: number;
  step?: number;
  selected?: true;
}

/** Summary over seeds. With one seed: std = 0, min = max = mean. */
export interface Stat {
  mean: number;
  std: number; // sample standard deviation (n - 1), 0 when n = 1
  min: number;
  max: number;
  n: number;
  values: number[]; // in seed order
}

export interface TableCell {
  accuracy: Stat;
  /** Paired by seed: accuracy(arm, seed) - accuracy(baseline, seed); null without baseline. */
  delta: Stat | null;
  /** Seeds whose network predicted one class for at least COLLAPSE_SHARE of the images (absent when none). */
  collapse?: Collapse;
}

/** A head that collapsed: the seeds where it did, the class, and the largest share of predictions it got. */
export interface Collapse {
  seeds: number[];
  predictedClass: number;
  share: number;
}

export interface ArmColumn {
  arm: string;
  label: string; // the eval label reported (normally `final`)
  /**
   * A labelled evaluation of heads (`eval ... as missing on missing`) shown beside the arm's
   * reported one, with its own Delta against the arm's baseline; absent on the arm's own column.
   */
  labelled?: true;
  baseline: BaselineRef | null;
  /** Per seed: `done`, or why this arm has no numbers for that seed (e.g. diverged at epoch 3 batch 17). */
  status: Record<string, string>;
  cells: Record<string, TableCell>; // keyed by test set
  /** For an arm expanded from a sweep template: the template's name and the variables' values (see ArmSpec). */
  template?: string;
  bindings?: Record<string, string>;
}

export interface ResultsTable {
  testSets: string[];
  columns: ArmColumn[];
}

export interface Results {
  schema: typeof RESULTS_SCHEMA;
  version: typeof RESULTS_VERSION;
  title: string;
  file: string;
  planHash: string;
  backend: string;
  subset: Subset;
  seeds: number[];
  startedAt: string;
  seconds: number;
  status: 'done' | 'stopped' | 'failed';
  evals: EvalRecord[];
  table: ResultsTable;
  /**
   * Final epoch, validation-selected epoch and best test accuracy over epochs, for the arms whose
   * reported eval follows a `train N select` step or is an `eval ... every epoch`; absent otherwise.
   */
  protocol?: ProtocolTable;
}
