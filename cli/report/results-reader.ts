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
    const where = `its evaluation #${i + 1}`;
    checkRange(e.accuracy, `${where} has an accuracy of`, 'a fraction from 0 to 1', isFraction);
    checkRange(e.seed, `${where} has a seed of`, 'a whole number, 0 or more', isCount);
    if (e.n !== undefined) checkRange(e.n, `${where} counts`, 'a whole number of images, 0 or more', isCount);
    if (e.predicted !== undefined) {
      if (!Array.isArray(e.predicted)) throw new ResultsFileError(`${where} has "predicted" that is not a list of counts`);
      for (const c of e.predicted) checkRange(c, `${where} counts a prediction of`, 'a whole number, 0 or more', isCount);
    }
    if (e.loss !== undefined && e.loss !== null) checkRange(e.loss, `${where} has a loss of`, 'a finite number, 0 or more', (v) => Number.isFinite(v) && v >= 0);
  }
  if (!Array.isArray(data.seeds) || !data.seeds.every((s) => typeof s === 'number')) {
    throw new ResultsFileError('it has no "seeds" list');
  }
  for (const s of data.seeds) checkRange(s, 'it lists a seed of', 'a whole number, 0 or more', isCount);
  if (data.seconds !== undefined) checkRange(data.seconds, 'it says the run took', 'a number of seconds, 0 or more', (v) => Number.isFinite(v) && v >= 0);
  const table = data.table;
  if (!isObject(table) || !Array.isArray(table.testSets) || !Array.isArray(table.columns)) {
    throw new ResultsFileError('it has no summary "table" with testSets and columns');
  }
  if (!table.testSets.every((t) => typeof t === 'string')) throw new ResultsFileError('its "table" lists a test set that is not a name');
  for (const c of table.columns) {
    if (!isObject(c) || typeof c.arm !== 'string' || typeof c.label !== 'string' || !isObject(c.status)) {
      throw new ResultsFileError('a column of its "table" lacks arm, label or status');
    }
    if (!Object.values(c.status).every((s) => typeof s === 'string')) throw new ResultsFileError(`the status of arm \`${c.arm}\` in its "table" is not text`);
    if (!isObject(c.cells)) throw new ResultsFileError(`arm \`${c.arm}\` in its "table" has no cells`);
    for (const [testSet, cell] of Object.entries(c.cells)) {
      const where = `arm \`${c.arm}\` on \`${testSet}\` in its "table"`;
      if (!isObject(cell)) throw new ResultsFileError(`${where} is not a table cell`);
      checkStat(cell.accuracy, `${where}: accuracy`, isFraction, 'fractions from 0 to 1');
      if (cell.delta !== null && cell.delta !== undefined) checkStat(cell.delta, `${where}: delta`, (v) => Number.isFinite(v) && v >= -1 && v <= 1, 'differences from -1 to 1');
    }
  }
  if (data.protocol !== undefined && (!isObject(data.protocol) || !Array.isArray(data.protocol.columns) || !Array.isArray(data.protocol.testSets))) {
    throw new ResultsFileError('its "protocol" has no "columns" and "testSets" lists');
  }
  return data as unknown as Results;
}

const isFraction = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;
const isCount = (v: number) => Number.isSafeInteger(v) && v >= 0;

/** Throws "WHAT VALUE, but it should be RULE" unless `v` is a number that passes `ok`. */
function checkRange(v: unknown, what: string, rule: string, ok: (v: number) => boolean): void {
  if (typeof v !== 'number' || !ok(v)) throw new ResultsFileError(`${what} ${JSON.stringify(v) ?? String(v)}, but it should be ${rule}`);
}

/** A summary over seeds: mean, min, max and values pass `ok`, std is 0 or more, n counts the values. */
function checkStat(s: unknown, where: string, ok: (v: number) => boolean, rule: string): void {
  if (!isObject(s)) throw new ResultsFileError(`${where} is missing`);
  for (const k of ['mean', 'min', 'max'] as const) checkRange(s[k], `${where} ${k} is`, rule, ok);
  checkRange(s.std, `${where} std is`, 'a finite number, 0 or more', (v) => Number.isFinite(v) && v >= 0);
  checkRange(s.n, `${where} n is`, 'a whole number above 0', (v) => Number.isSafeInteger(v) && v > 0);
  if (s.values !== undefined) {
    if (!Array.isArray(s.values) || s.values.length !== s.n) throw new ResultsFileError(`${where} values should list ${String(s.n)} numbers`);
    for (const v of s.values) checkRange(v, `${where} lists`, rule, ok);
  }
}
