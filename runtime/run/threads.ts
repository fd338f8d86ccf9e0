// How a run spends its threads (--jobs): arms across threads when at least as many arms can run
// at once as there are threads (the worker pool, workers/pool.ts, each arm's shards computed in
// turn on its thread), otherwise the arms in turn on this thread with the shards of each
// full-network batch spread over a shard team (shards/team.ts). Either way the results are the
// same: the plan's shard count, not the threads, fixes every rounding.
import type { Unit } from './units.js';

export interface ThreadUse {
  /** Run the units on this many worker threads (0: on this thread, in plan order). */
  armThreads: number;
  /** Helper threads for the shards of each batch (with armThreads 0). */
  shardHelpers: number;
}

/**
 * `jobs` threads for `units` whose batches are cut into `shards`. Units waiting for another
 * unit's shared prefix do not count as runnable at the start.
 */
export function threadUse(units: readonly Unit[], jobs: number, shards: number): ThreadUse {
  const runnable = units.filter((u) => u.prefixFrom.length === 0).length;
  if (jobs > 1 && units.length > 1 && runnable >= jobs) return { armThreads: jobs, shardHelpers: 0 };
  return { armThreads: 0, shardHelpers: Math.max(0, Math.min(jobs, shards) - 1) };
}
