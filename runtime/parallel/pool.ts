// Runs arm tasks on worker threads (runtime/parallel/worker.ts), at most `jobs` at a time,
// forwarding their events. A task that takes a shared prefix starts once the arm computing it
// has handed the state over (or finished without doing so: then it computes everything, as a
// sequential run would). Aborting sends every worker `abort`: each abandons its epoch in
// progress, as the sequential executor does, so the run folder stays resumable.
import { Worker } from 'node:worker_threads';
import type { RunEvent } from '../events.js';
import type { EvalRecord } from '../results.js';
import type { PrefixState } from '../shared-prefix.js';
import { deserializeError } from './errors.js';
import type { ArmOutcome, FromWorker, ToWorker, WorkerSetup } from './messages.js';
import type { ArmTask } from './units.js';

// The compiled worker (dist/) is plain JavaScript; from the TypeScript sources (tests, benchmarks)
// the worker starts from worker-entry.mjs, which registers tsx first.
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.mjs' : './worker.js', import.meta.url);

export interface PoolCallbacks {
  onEvent(event: RunEvent): void;
  onArmDone(arm: string, seed: number, outcome: ArmOutcome, armEvals: EvalRecord[]): void;
}

const key = (seed: number, arm: string) => `${seed}\u0000${arm}`;

/** Resolves when every task ran (or the run was aborted); rejects with the first worker error. */
export function runInWorkers(setup: WorkerSetup, tasks: ArmTask[], jobs: number, signal: AbortSignal | undefined, cb: PoolCallbacks): Promise<void> {
  return new Promise((resolve, reject) => {
    // Longest first among the ready ones; ties in plan order, so the schedule is deterministic.
    const pending = tasks.map((t, order) => ({ t, order })).sort((a, b) => b.t.epochs - a.t.epochs || a.order - b.order).map((x) => x.t);
    const prefixes = new Map<string, PrefixState>();
    const finished = new Set<string>();
    const idle: Worker[] = [];
    let failure: Error | null = null;
    let stopping = false;
    const workers: Worker[] = [];
    let alive = 0;
    const send = (w: Worker, m: ToWorker) => w.postMessage(m);
    const ready = (t: ArmTask) => prefixes.has(key(t.seed, t.arm)) || t.prefixFrom.every((a) => finished.has(key(t.seed, a)));

    // Hands ready tasks to idle workers; lets workers go when nothing is left for them.
    const dispatch = () => {
      while (idle.length > 0) {
        const i = stopping ? -1 : pending.findIndex(ready);
        if (i < 0) break;
        const [t] = pending.splice(i, 1);
        const prefix = prefixes.get(key(t.seed, t.arm)) ?? null;
        prefixes.delete(key(t.seed, t.arm));
        send(idle.pop()!, { type: 'arm', seed: t.seed, arm: t.arm, prefix });
      }
      const running = alive - idle.length; // busy with a task or still starting
      if (stopping || pending.length === 0 || running === 0) {
        while (idle.length > 0) send(idle.pop()!, { type: 'exit' });
      }
    };
    const stopAll = () => {
      if (stopping) return;
      stopping = true;
      for (const w of workers) send(w, { type: 'abort' });
      dispatch();
    };
    const onAbort = () => stopAll();
    signal?.addEventListener('abort', onAbort);

    const count = Math.max(1, Math.min(jobs, tasks.length));
    for (let i = 0; i < count; i++) {
      const w = new Worker(ENTRY, { workerData: setup });
      workers.push(w);
      alive++;
      w.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            idle.push(w);
            dispatch();
            break;
          case 'event':
            cb.onEvent(m.event);
            break;
          case 'prefix':
            prefixes.set(key(m.seed, m.arm), m.state);
            dispatch();
            break;
          case 'arm-done':
            finished.add(key(m.seed, m.arm));
            cb.onArmDone(m.arm, m.seed, m.outcome, m.armEvals);
            idle.push(w);
            dispatch();
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
        alive--;
        const at = idle.indexOf(w);
        if (at >= 0) idle.splice(at, 1);
        if (alive > 0) return;
        signal?.removeEventListener('abort', onAbort);
        if (failure) reject(failure);
        else resolve();
      });
    }
    if (signal?.aborted) stopAll();
  });
}
