// Whether handing shards to helper threads pays, judged from batch times: on a busy machine the
// kernel may give the process no more CPU for a second thread, and then every batch waits for
// the helper to be scheduled. Which thread computes a shard never changes the bits, so the
// team may choose freely: it times batches with and without the helpers (the time from one
// `offer` to the next) and shares while sharing is faster, trying the other way now and then.
//
// Each way is timed in streaks of a few batches, and the first batch after a switch is not
// counted: the thread that was idle starts cold (a sleeping helper, cold caches), so single
// probe batches made sharing look slower than it is and kept the team from ever sharing on an
// idle machine (measured: adaptive ×0.85 of one thread where sharing every batch gave ×1.37).

/** Batches in each warm-up or probe streak (the first of each is not counted). */
const STREAK = 4;
/** After the warm-up, one probe streak of the way not chosen per this many batches. */
const PROBE_EVERY = 32;
/** Weight of the newest batch in each way's running average. */
const ALPHA = 0.25;

type Way = 'shared' | 'alone';

export interface PaysOff {
  /** Called once per batch, before it starts: whether to hand shards to the helpers. */
  share(now: number): boolean;
}

export function paysOff(): PaysOff {
  const avg: Record<Way, number> = { shared: NaN, alone: NaN };
  /** The ways of the batches to come before choosing again: the warm-up, then each probe. */
  let queued: Way[] = [...Array<Way>(STREAK).fill('shared'), ...Array<Way>(STREAK).fill('alone')];
  let last: { at: number; way: Way; counted: boolean } | null = null;
  let sinceProbe = 0;
  return {
    share(now) {
      if (last?.counted) {
        const ms = now - last.at;
        const prev = avg[last.way];
        // A gap far above the average is the work between epochs (checkpoints, evaluation), not a batch.
        if (!(ms > 5 * prev)) avg[last.way] = Number.isNaN(prev) ? ms : prev + ALPHA * (ms - prev);
      }
      let way: Way;
      if (queued.length > 0) way = queued.shift()!;
      else {
        const better: Way = Number.isNaN(avg.alone) || avg.shared <= avg.alone ? 'shared' : 'alone';
        const other: Way = better === 'shared' ? 'alone' : 'shared';
        if (++sinceProbe >= PROBE_EVERY) {
          sinceProbe = 0;
          queued = Array<Way>(STREAK - 1).fill(other);
          way = other;
        } else way = better;
      }
      last = { at: now, way, counted: last !== null && last.way === way };
      return way === 'shared';
    },
  };
}
