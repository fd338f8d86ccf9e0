// Reads plan.json back. The compiler's readPlan (compiler/plan-io.ts) is the real validator;
// until it lands this checks the fields the report and compare use. Swap the body for
// readPlan when it exists: callers only see parsePlanJson.
import { PLAN_SCHEMA, PLAN_VERSION, type Plan } from '../../compiler/plan.js';

/** Why a plan.json cannot be used, in words fit for a one-paragraph error. */
export class PlanFileError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and checks the text of a plan.json; throws PlanFileError saying what is wrong. */
export function parsePlanJson(text: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PlanFileError(`it is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(data) || data.schema !== PLAN_SCHEMA) {
    throw new PlanFileError(`it is not an mfx plan (expected "schema": "${PLAN_SCHEMA}")`);
  }
  if (data.version !== PLAN_VERSION) {
    throw new PlanFileError(`it has plan version ${String(data.version)}, this mfx reads version ${PLAN_VERSION}`);
  }
  const missing = ['title', 'dataset', 'model', 'optimizer', 'batch', 'seeds', 'testSets', 'arms', 'hash'].filter(
    (f) => !(f in data),
  );
  if (missing.length > 0) throw new PlanFileError(`it lacks the field(s) ${missing.join(', ')}`);
  if (!Array.isArray(data.arms) || !data.arms.every((a) => isObject(a) && typeof a.name === 'string' && Array.isArray(a.steps))) {
    throw new PlanFileError('its "arms" are not a list of arms with a name and steps');
  }
  if (!isObject(data.model) || !Array.isArray(data.model.layers)) {
    throw new PlanFileError('its "model" has no list of layers');
  }
  return data as unknown as Plan;
}
