// The worker-thread UnitRunner: runs units on worker threads (worker.ts), at most `jobs` at a time,
// forwarding their events. A task that takes a shared prefix starts once the arm computing it
// has handed the state over (or finished without doing so: then it computes everything, as a
// sequential run would). Aborting sends every worker `abort`: each abandons its epoch in
// progress, as the sequential executor does, so the run folder stays resumable.
import { Worker } from 'node:worker_threads';
import type { PrefixState } from '../../reuse/shared-prefix.js';
import type { UnitRunner, UnitSink } from '../runner.js';
import { unitKey as key, type Unit } from '../units.js';
import { deserializeError } from './errors.js';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';

// The compiled worker (dist/) is plain JavaScript; from the TypeScript sources (tests, benchmarks)
// the worker starts from worker-entry.mjs, which registers tsx first.
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.mjs' : './worker.js', import.meta.url);

/** A runner whose threads each load `setup` (plan, data, backend, run folder) once. */
export function workerRunner(setup: WorkerSetup, jobs: number): UnitRunner {
  return { run: (units, sink, signal) => runInWorkers(setup, units, jobs, signal, sink) };
}

/** Resolves when every task ran (or the run was aborted); rejects with the first worker error. */
function runInWorkers(setup: WorkerSetup, tasks: Unit[], jobs: number, signal: AbortSignal | undefined, sink: UnitSink): Promise<void> {
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
    const ready = (t: Unit) => prefixes.has(key(t.seed, t.arm)) || t.prefixFrom.every((a) => finished.has(key(t.seed, a)));

    // Hands ready tasks to idle workers; lets workers go when nothing is left for them.
    const dispatch = () => {
      while (idle.length > 0) {
        const i = stopping ? -1 : pending.findIndex(ready);
        if (i < 0) break;
        const [t] = pending.splice(i, 1);
        const prefix = prefixes.get(key(t.seed, t.arm)) ?? null;
        prefixes.delete(key(t.seed, t.arm));
        send(idle.pop()!, { type: 'unit', unit: t, prefix });
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
            sink.event(m.event);
            break;
          case 'prefix':
            prefixes.set(key(m.seed, m.arm), m.state);
            dispatch();
            break;
          case 'unit-done':
            finished.add(key(m.result.seed, m.result.arm));
            sink.unitDone(m.result);
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
