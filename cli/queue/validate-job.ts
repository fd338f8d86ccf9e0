// Checks a job taken from the queue before a worker runs it: the payload's shape, the plan with
// readPlan (schema, version, shape, hash), and that its unit is one of that plan's units. A job
// that fails is rejected, never executed.
import { readPlan } from '../../compiler/plan-io.js';
import { BACKEND_CHOICES, type BackendName } from '../../runtime/backend/choices.js';
import { JOB_VERSION, RUN_ID_PATTERN, type UnitJob } from '../../runtime/queue/job.js';
import type { Subset } from '../../runtime/events.js';

export class JobFormatError extends Error {
  constructor(message: string) {
    super(`invalid job: ${message}`);
    this.name = 'JobFormatError';
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const fail = (msg: string): never => {
  throw new JobFormatError(msg);
};

function subsetOf(v: unknown): Subset {
  if (!isObj(v)) return fail('subset: expected an object');
  for (const k of ['train', 'test'] as const) {
    if (v[k] !== null && !(isCount(v[k]) && v[k] > 0)) fail(`subset.${k}: expected null or a positive whole number`);
  }
  return { train: v.train as number | null, test: v.test as number | null };
}

export function validateJob(data: unknown): UnitJob {
  if (!isObj(data)) return fail('expected an object');
  if (data.version !== JOB_VERSION) fail(`version: this mfx runs job version ${JOB_VERSION}, the job has ${JSON.stringify(data.version)} (run the same mfx version on the coordinator and the workers)`);
  if (typeof data.runId !== 'string' || !RUN_ID_PATTERN.test(data.runId)) fail('runId: expected lower-case letters, digits and dashes');
  const plan = readPlan(data.plan);
  const subset = subsetOf(data.subset);
  const backend = data.backend;
  if (typeof backend !== 'string' || backend === 'auto' || !(BACKEND_CHOICES as readonly string[]).includes(backend)) fail('backend: not a backend name');
  const u = data.unit;
  if (!isObj(u) || u.kind !== 'arm') return fail('unit: expected an arm unit');
  if (typeof u.arm !== 'string' || !plan.arms.some((a) => a.name === u.arm)) fail('unit.arm: not an arm of the plan');
  if (!isCount(u.seed) || !plan.seeds.includes(u.seed)) fail('unit.seed: not a seed of the plan');
  if (!Array.isArray(u.prefixFrom) || !u.prefixFrom.every((a) => typeof a === 'string')) fail('unit.prefixFrom: expected arm names');
  if (!isCount(u.epochs)) fail('unit.epochs: expected a whole number');
  if (!isCount(data.batchEventIntervalMs)) fail('batchEventIntervalMs: expected a whole number');
  if (!isCount(data.featureCacheBytes)) fail('featureCacheBytes: expected a whole number');
  if (typeof data.reuse !== 'boolean') fail('reuse: expected true or false');
  if (typeof data.cache !== 'boolean') fail('cache: expected true or false');
  if (typeof data.datasetIdentity !== 'string' || !/^[0-9a-f]{64}$/.test(data.datasetIdentity)) fail('datasetIdentity: expected a sha256 in hex');
  return {
    version: JOB_VERSION,
    runId: data.runId as string,
    plan,
    subset,
    backend: backend as BackendName,
    unit: { kind: 'arm', arm: u.arm as string, seed: u.seed as number, prefixFrom: u.prefixFrom as string[], epochs: u.epochs as number },
    batchEventIntervalMs: data.batchEventIntervalMs as number,
    featureCacheBytes: data.featureCacheBytes as number,
    datasetIdentity: data.datasetIdentity as string,
    reuse: data.reuse as boolean,
    cache: data.cache as boolean,
  };
}
