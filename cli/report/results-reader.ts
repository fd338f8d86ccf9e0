// Reads results.json back and checks the fields the report and compare rely on.
import { RESULTS_SCHEMA, RESULTS_VERSION, type Results } from '../../runtime/results.js';

/** Why a results.json cannot be used, in words fit for a one-paragraph error. */
export class ResultsFileError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks the text of a results.json; throws ResultsFileError saying what is wrong. */
export function parseResultsJson(text: string): Results {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ResultsFileError(`it is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(data) || data.schema !== RESULTS_SCHEMA) {
    throw new ResultsFileError(`it is not an mfx results file (expected "schema": "${RESULTS_SCHEMA}")`);
  }
  if (data.version !== RESULTS_VERSION) {
    throw new ResultsFileError(`it has results version ${String(data.version)}, this mfx reads version ${RESULTS_VERSION}`);
  }
  if (!Array.isArray(data.evals)) throw new ResultsFileError('it has no "evals" list');
  for (const [i, e] of data.evals.entries()) {
    if (
      !isObject(e) ||
      typeof e.arm !== 'string' ||
      typeof e.seed !== 'number' ||
      typeof e.label !== 'string' ||
      typeof e.testSet !== 'string' ||
      typeof e.accuracy !== 'number'
    ) {
      throw new ResultsFileError(`its evaluation #${i + 1} lacks arm, seed, label, testSet or accuracy`);
    }
  }
  if (!Array.isArray(data.seeds) || !data.seeds.every((s) => typeof s === 'number')) {
    throw new ResultsFileError('it has no "seeds" list');
  }
  const table = data.table;
  if (!isObject(table) || !Array.isArray(table.testSets) || !Array.isArray(table.columns)) {
    throw new ResultsFileError('it has no summary "table" with testSets and columns');
  }
  for (const c of table.columns) {
    if (!isObject(c) || typeof c.arm !== 'string' || typeof c.label !== 'string' || !isObject(c.status)) {
      throw new ResultsFileError('a column of its "table" lacks arm, label or status');
    }
  }
  return data as unknown as Results;
}
