// What the main thread and the --jobs worker threads say to each other (structured-clone data).
import type { Plan } from '../../../compiler/plan.js';
import type { RunEvent, Subset } from '../../events.js';
import type { BackendName } from '../../backend/select.js';
import type { CacheIdentity } from '../../reuse/state-cache.js';
import type { PrefixState } from '../../reuse/shared-prefix.js';
import type { BackendProblem } from '../../backend/errors.js';
import type { SharedRunData } from '../run-data.js';
import type { UnitResult } from '../runner.js';
import type { Unit } from '../units.js';
import type { RunFolderProblem } from '../../store/run-folder-error.js';
import type { SubsetProblem } from '../../data/errors.js';

/** Everything a worker needs to run arms like the main thread would. */
export interface WorkerSetup {
  plan: Plan;
  /** The main thread's data in shared memory (null: the worker loads its own). */
  data: SharedRunData | null;
  backend: BackendName;
  runDir: string;
  subset: Subset;
  resume: boolean;
  batchEventIntervalMs: number;
  featureCacheBytes: number;
  reuse: boolean;
  cache: { dir: string; identity: CacheIdentity; limitBytes: number } | null;
}

/** Run one unit, starting from `prefix` (an earlier arm's state) when given. */
export type ToWorker = { type: 'unit'; unit: Unit; prefix: PrefixState | null } | { type: 'abort' } | { type: 'exit' };

/** An error crossing threads: its class name and the fields its constructor needs. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  file?: string;
  reason?: string;
  backend?: string;
  path?: string;
  /** A RunFolderError's fields. */
  problem?: RunFolderProblem;
  /** A DataError's subset fields. */
  subset?: SubsetProblem;
  /** A BackendError's problem. */
  backendProblem?: BackendProblem;
  /** errno code and system call of a file-system error (ENOSPC, write). */
  code?: string;
  syscall?: string;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'event'; event: RunEvent }
  | { type: 'unit-done'; result: UnitResult }
  /** State after a shared prefix, for a later arm (which may run on another thread). */
  | { type: 'prefix'; seed: number; arm: string; state: PrefixState }
  | { type: 'error'; error: SerializedError };
