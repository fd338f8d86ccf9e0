// What `mfx worker`'s main thread and its unit threads (unit-thread.ts) say to each other.
import type { RunEvent } from '../events.js';
import type { SerializedError } from '../run/workers/messages.js';
import type { UnitResult } from '../run/runner.js';
import type { UnitJob } from './job.js';
import type { PrefixHandover } from './prefix-handover.js';

/** A finished unit: its result and the files its run folder holds for it (unit-files.ts). */
export interface UnitThreadResult {
  result: UnitResult;
  files: { path: string; data: Uint8Array }[];
}

/** A unit to run, from the state an earlier arm handed over after their shared prefix when there is one. */
/** A worker's cross-run state cache (`mfx worker --cache DIR`; null with --no-cache). */
export interface WorkerCache {
  dir: string;
  limitBytes?: number;
}

export type ToUnitThread = { type: 'unit'; job: UnitJob; store: string; prefix: PrefixHandover | null; cache: WorkerCache | null } | { type: 'abort' } | { type: 'exit' };

/** `running`: the unit passed the checks (cannotRun) and runs; `cannot-run`: it did not, and did not start. */
export type FromUnitThread =
  | { type: 'running' }
  | { type: 'event'; event: RunEvent }
  /** The running arm reached the end of a prefix it shares with `arm` (a later arm of the plan). */
  | { type: 'prefix'; seed: number; arm: string; handover: PrefixHandover }
  | ({ type: 'done' } & UnitThreadResult)
  | { type: 'cannot-run'; reason: string }
  | { type: 'error'; error: SerializedError };
