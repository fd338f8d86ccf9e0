// The seam for executing work: a UnitRunner runs units (units.ts) and reports, as plain data,
// every event and every unit's result. Implementations: in-process.ts (this thread, in order),
// workers/pool.ts (worker threads). Another runner (a queue, data-parallel replicas) implements
// the same interface; execute.ts does not change.
import type { RunEvent } from '../events.js';
import type { EvalRecord } from '../results.js';
import { unitKey, type Unit } from './units.js';

/** Why an arm stopped for one seed, when it did not finish. */
export type ArmOutcome = { kind: 'done' } | { kind: 'stopped' } | { kind: 'diverged'; message: string };

/** What running one unit produced (structured-clone safe). */
export interface UnitResult {
  seed: number;
  arm: string;
  outcome: ArmOutcome;
  /** The unit's evaluations, in the order they were made. */
  evals: EvalRecord[];
}

/** Where a runner reports; called on the main thread, in the order things happened. */
export interface UnitSink {
  event(event: RunEvent): void;
  unitDone(result: UnitResult): void;
}

export interface UnitRunner {
  /**
   * Runs the units, honouring their prefix dependencies (a unit with `prefixFrom` starts from
   * the state those arms hand over, or computes everything when they finished without one).
   * Resolves when every unit ran or the signal stopped the run (units not started get no
   * result); rejects with the first error. A runner may run units in any order.
   */
  run(units: Unit[], sink: UnitSink, signal?: AbortSignal): Promise<void>;
}

/** Runs units with a runner; resolves to their results in the order the units were given. */
export async function runUnits(units: Unit[], runner: UnitRunner, sink: UnitSink, signal?: AbortSignal): Promise<UnitResult[]> {
  const results = new Map<string, UnitResult>();
  await runner.run(
    units,
    {
      event: (e) => sink.event(e),
      unitDone: (r) => {
        results.set(unitKey(r.seed, r.arm), r);
        sink.unitDone(r);
      },
    },
    signal,
  );
  return units.flatMap((u) => results.get(unitKey(u.seed, u.arm)) ?? []);
}
