// What one arm's run needs from its surroundings, on the main thread or in a worker thread.
import type { Plan } from '../../compiler/plan.js';
import type { RunEvent } from '../events.js';
import type { RunData } from './run-data.js';
import type { RunFolder } from '../store/run-folder.js';
import type { PrefixStore } from '../reuse/shared-prefix.js';
import type { FeatureCacheStore } from '../reuse/feature-cache.js';
import type { StateCache } from '../reuse/state-cache.js';
import type { ShardTeam } from '../training/shards.js';
import type { EvalTeam } from './evaluate.js';

export interface ArmContext {
  plan: Plan;
  data: RunData;
  folder: RunFolder;
  emit: (event: RunEvent) => void;
  now: () => number;
  signal?: AbortSignal;
  resume: boolean;
  batchEventIntervalMs: number;
  /** States at the end of shared prefixes, waiting for the later arms that start from them. */
  prefixes: PrefixStore;
  featureCacheBytes: number;
  /** The last frozen-feature cache, for the next arm that freezes the same layers. */
  featureCaches: FeatureCacheStore;
  reuse: boolean;
  /** Cross-run cache of states after train/reset steps; set to null after a failed write. */
  stateCache: StateCache | null;
  /** Helper threads for the shards of full-network batches (null or absent: all on this thread). */
  shardTeam?: (ShardTeam & EvalTeam) | null;
}
