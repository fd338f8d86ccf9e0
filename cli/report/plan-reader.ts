// Reads plan.json back through the compiler's own validator (compiler/plan-io.ts readPlan:
// schema, version, shape and hash), turning its errors into PlanFileError for the CLI.
import type { Plan } from '../../compiler/plan.js';
import { PlanFormatError, readPlan } from '../../compiler/plan-io.js';

/** Why a plan.json cannot be used, in words fit for a one-paragraph error. */
export class PlanFileError extends Error {}

/** Parses and checks the text of a plan.json; throws PlanFileError saying what is wrong. */
export function parsePlanJson(text: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PlanFileError(`it is not valid JSON (${(err as Error).message})`);
  }
  try {
    return readPlan(data);
  } catch (err) {
    if (err instanceof PlanFormatError) throw new PlanFileError(err.message);
    throw err;
  }
}
