// Whether handing shards to helper threads pays, judged from batch times: on a busy machine the
// kernel may give the process no more CPU for a second thread, and then every batch waits for
// the helper to be scheduled. Which thread computes a shard never changes the bits, so the
// team may choose freely: it times batches with and without the helpers (the time from one
// `offer` to the next) and shares while sharing is faster, trying the other way now and then.

/** Batches timed in each way before choosing. */
const WARM_UP = 4;
/** One batch in this many tries the way not chosen, so a change in the machine's load is seen. */
const PROBE_EVERY = 16;
/** Weight of the newest batch in each way's running average. */
const ALPHA = 0.25;

export interface PaysOff {
  /** Called once per batch, before it starts: whether to hand shards to the helpers. */
  share(now: number): boolean;
}

export function paysOff(): PaysOff {
  const avg = { shared: NaN, alone: NaN };
  const count = { shared: 0, alone: 0 };
  let last: { at: number; way: 'shared' | 'alone' } | null = null;
  let batch = 0;
  return {
    share(now) {
      if (last) {
        const ms = now - last.at;
        const prev = avg[last.way];
        // A gap far above the average is the work between epochs (checkpoints, evaluation), not a batch.
        if (!(ms > 5 * prev)) {
          avg[last.way] = Number.isNaN(prev) ? ms : prev + ALPHA * (ms - prev);
          count[last.way]++;
        }
      }
      batch++;
      let way: 'shared' | 'alone';
      if (count.shared < WARM_UP || count.alone < WARM_UP) way = count.shared <= count.alone ? 'shared' : 'alone';
      else {
        const better = avg.shared <= avg.alone ? 'shared' : 'alone';
        way = batch % PROBE_EVERY === 0 ? (better === 'shared' ? 'alone' : 'shared') : better;
      }
      last = { at: now, way };
      return way === 'shared';
    },
  };
}
