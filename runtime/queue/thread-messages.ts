// What `mfx worker`'s main thread and its unit threads (unit-thread.ts) say to each other.
import type { RunEvent } from '../events.js';
import type { SerializedError } from '../run/workers/messages.js';
import type { UnitJob, UnitJobResult } from './job.js';

export type ToUnitThread = { type: 'unit'; job: UnitJob; store: string } | { type: 'abort' } | { type: 'exit' };

export type FromUnitThread = { type: 'event'; event: RunEvent } | { type: 'done'; result: UnitJobResult } | { type: 'error'; error: SerializedError };
