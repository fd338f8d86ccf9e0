// What travels through the queue: one job per unit (plain JSON), its progress messages and its
// result. Workers trust none of it: cli/queue/validate-job.ts checks every payload (the plan with
// readPlan) before a unit runs.
import type { Plan } from '../../compiler/plan.js';
import type { RunEvent, Subset } from '../events.js';
import type { BackendName } from '../backend/choices.js';
import type { UnitResult } from '../run/runner.js';
import type { ArmUnit } from '../run/units.js';
import type { SerializedError } from '../run/workers/messages.js';

/** The BullMQ queue every coordinator and worker of one Redis database share. */
export const QUEUE_NAME = 'mfx-units';
/** Bumped when the payload or the result changes shape: a worker refuses jobs of another version. */
export const JOB_VERSION = 3;

/** A run's id in the queue and the name of its folder in a worker's store: letters, digits, '-'. */
export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,79}$/;

export interface UnitJob {
  version: typeof JOB_VERSION;
  runId: string;
  plan: Plan;
  subset: Subset;
  backend: BackendName;
  unit: ArmUnit;
  batchEventIntervalMs: number;
  featureCacheBytes: number;
  /** sha256 of the training images the coordinator loaded (datasetIdentity): a worker whose copy differs leaves the unit. */
  datasetIdentity: string;
  /** Whether units hand shared prefixes on to later arms (`mfx run --no-reuse`: no), as in a local run. */
  reuse: boolean;
  /** Whether workers may use their cross-run state cache (`mfx run --no-cache`: no), as a local run would. */
  cache: boolean;
}

/**
 * A run-folder file a worker sends back with a unit's result. The bytes travel beside the job, in
 * the Redis hash filesKey(jobId) (field = path), which the coordinator deletes once it wrote them:
 * Redis holds a unit's weights only until its coordinator takes them, while the job's return value
 * (kept for a resumed coordinator) stays small.
 */
export interface ReturnedFile {
  /** Relative to the run folder, '/'-separated (one of unitFiles()). */
  path: string;
  bytes: number;
  sha256: string;
}

/** A job's return value: the unit's result, and the files its run folder holds for it. */
export type UnitJobResult = UnitResult & { files?: ReturnedFile[] };

/** The Redis hash holding the bytes of a finished job's files (see ReturnedFile). */
export const filesKey = (jobId: string): string => `mfx:files:${jobId}`;

/** Seconds a finished job (its result and its files) waits on the queue for a coordinator. */
export const RESULT_TTL_S = 24 * 3600;

/**
 * Progress messages: an event of the unit with the worker attempt that sent it; a worker saying
 * it cannot run the unit (it lacks the dataset, a `load` file or the backend) and left it; or
 * the unit's state after a shared prefix, put in Redis for a later arm (prefix-handover.ts).
 */
export type UnitProgress = { attempt: string; event: RunEvent } | { left: string } | { handedOver: { arm: string; seed: number } };

/** BullMQ job id of a unit: the same unit of the same run is the same job (added twice, kept once). */
export function unitJobId(runId: string, unit: ArmUnit, plan: Plan): string {
  const arm = plan.arms.findIndex((a) => a.name === unit.arm);
  return `${runId}-s${unit.seed}-a${arm}`;
}

/** A failure the worker marks as final (a user error: retrying cannot help), carrying the error. */
export const USER_ERROR_PREFIX = 'mfx-user-error:';

export function encodeUserError(e: SerializedError): string {
  const { stack: _stack, ...rest } = e;
  return USER_ERROR_PREFIX + JSON.stringify(rest);
}

export function decodeUserError(failedReason: string): SerializedError | null {
  if (!failedReason.startsWith(USER_ERROR_PREFIX)) return null;
  try {
    return JSON.parse(failedReason.slice(USER_ERROR_PREFIX.length)) as SerializedError;
  } catch {
    return null;
  }
}

/** Errors a user can act on: the same input fails on every worker, so the job is not retried. */
export const USER_ERROR_NAMES: ReadonlySet<string> = new Set(['DataError', 'BackendError', 'RunFolderError', 'TensorFileError', 'PlanFormatError', 'JobFormatError']);
