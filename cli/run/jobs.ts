// `mfx run`'s default --jobs: $MFX_JOBS when it is a whole number above 0, else one per core.
import { availableParallelism } from 'node:os';

export function defaultJobs(env: Record<string, string | undefined>): number {
  const n = Number(env.MFX_JOBS);
  return Number.isInteger(n) && n >= 1 ? n : availableParallelism();
}
