// Runs work units on worker threads (runtime/parallel/worker.ts), at most `jobs` at a time,
// forwarding their events. Aborting sends every worker `abort`: each abandons its epoch in
// progress, as the sequential executor does, so the run folder stays resumable.
import { Worker } from 'node:worker_threads';
import type { RunEvent } from '../events.js';
import type { EvalRecord } from '../results.js';
import { deserializeError } from './errors.js';
import type { ArmOutcome, FromWorker, ToWorker, WorkerSetup } from './messages.js';
import type { WorkUnit } from './units.js';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export interface PoolCallbacks {
  onEvent(event: RunEvent): void;
  onArmDone(arm: string, seed: number, outcome: ArmOutcome, armEvals: EvalRecord[]): void;
}

/** Resolves when every unit ran (or the run was aborted); rejects with the first worker error. */
export function runInWorkers(setup: WorkerSetup, units: WorkUnit[], jobs: number, signal: AbortSignal | undefined, cb: PoolCallbacks): Promise<void> {
  return new Promise((resolve, reject) => {
    const queue = [...units];
    let failure: Error | null = null;
    let stopping = false;
    const workers: Worker[] = [];
    let running = 0;
    const send = (w: Worker, m: ToWorker) => w.postMessage(m);
    const next = (w: Worker) => {
      const unit = stopping ? undefined : queue.shift();
      send(w, unit ? { type: 'unit', unit } : { type: 'exit' });
    };
    const stopAll = () => {
      if (stopping) return;
      stopping = true;
      for (const w of workers) send(w, { type: 'abort' });
    };
    const onAbort = () => stopAll();
    signal?.addEventListener('abort', onAbort);
    const count = Math.max(1, Math.min(jobs, units.length));
    for (let i = 0; i < count; i++) {
      const w = new Worker(ENTRY, { workerData: setup });
      workers.push(w);
      running++;
      w.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
          case 'unit-done':
            next(w);
            break;
          case 'event':
            cb.onEvent(m.event);
            break;
          case 'arm-done':
            cb.onArmDone(m.arm, m.seed, m.outcome, m.armEvals);
            break;
          case 'error':
            failure ??= deserializeError(m.error);
            stopAll();
            send(w, { type: 'exit' });
            break;
        }
      });
      w.on('error', (err) => {
        failure ??= err;
        stopAll();
      });
      w.on('exit', () => {
        running--;
        if (running > 0) return;
        signal?.removeEventListener('abort', onAbort);
        if (failure) reject(failure);
        else resolve();
      });
    }
    if (signal?.aborted) stopAll();
  });
}
