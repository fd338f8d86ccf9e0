// Shared prefixes on the queue: the worker running the arm that computes a shared prefix puts
// the state at its end into Redis (a hash per receiving unit: the network and optimiser as a
// tensor file, and the prediction files of the prefix's evaluations); the coordinator then puts
// the receiving unit on the queue, and the worker that takes it starts from that state, as a
// later arm of a local run does. A unit whose prefix state is not there (expired, or its source
// finished without one) computes the prefix itself: the same numbers, more work.
import type { Plan } from '../../compiler/plan.js';
import type { PrefixState } from '../reuse/shared-prefix.js';
import type { EvalRecord } from '../results.js';
import type { LossHistory } from '../reuse/state-cache.js';
import { decodeTensorFile, encodeTensorFile } from '../store/tensor-file.js';
import { packNetworkState, unpackNetworkState } from '../store/network-state.js';
import { unitJobId } from './job.js';

const PREFIX_KIND = 'mfx.prefix';

interface PrefixMeta {
  steps: number;
  evals: EvalRecord[];
  history?: LossHistory;
  optimizerSteps: Record<string, number>;
}

/** The prefix state for a run's (seed, arm), with the bytes of the files it needs (field → bytes). */
export interface PrefixHandover {
  state: PrefixState;
  /** Run-folder files of the source arm the receiving arm copies (its prefix evaluations' predictions), by relative path. */
  files: { path: string; data: Uint8Array }[];
}

/** The Redis hash holding the prefix state handed to this unit (see the file comment). */
export function prefixKey(runId: string, plan: Plan, seed: number, arm: string): string {
  return `mfx:prefix:${unitJobId(runId, { kind: 'arm', seed, arm, prefixFrom: [], epochs: 0 }, plan)}`;
}

const STATE_FIELD = 'state';
const FILE_FIELD = 'file:';

/** The hash's fields: the state as a tensor file, and one field per file. */
export function encodeHandover(h: PrefixHandover): Map<string, Buffer> {
  const { tensors, optimizerSteps } = packNetworkState(h.state.params, h.state.optimizer);
  const meta: PrefixMeta = { steps: h.state.steps, evals: h.state.evals, history: h.state.history, optimizerSteps };
  const fields = new Map<string, Buffer>([[STATE_FIELD, encodeTensorFile<PrefixMeta>({ kind: PREFIX_KIND, meta, tensors })]]);
  for (const f of h.files) fields.set(FILE_FIELD + f.path, Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
  return fields;
}

/** The inverse of encodeHandover; null when the hash holds no state. TensorFileError when it is damaged. */
export function decodeHandover(fields: Record<string, Buffer>, where: string): PrefixHandover | null {
  const bytes = fields[STATE_FIELD];
  if (!bytes) return null;
  const decoded = decodeTensorFile<PrefixMeta>(bytes, PREFIX_KIND, where);
  const { params, optimizer } = unpackNetworkState(decoded.tensors, decoded.meta.optimizerSteps);
  const m = decoded.meta;
  const files = Object.entries(fields)
    .filter(([k]) => k.startsWith(FILE_FIELD))
    .map(([k, v]) => ({ path: k.slice(FILE_FIELD.length), data: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) }));
  return { state: { steps: m.steps, params, optimizer, evals: Array.isArray(m.evals) ? m.evals : [], history: m.history }, files };
}
