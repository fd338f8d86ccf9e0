// The cross-run cache folder stays under its limit: after a store, the least recently used
// entries go (a hit counts as a use), never the entry just stored.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StateCache } from '../../runtime/reuse/state-cache.js';

const IDENTITY = { backend: 'cpu', subset: { train: 100, test: 10 }, dataset: 'test-data' } as const;
const state = (k: number) => ({ params: [{ name: 'w', shape: [1000], values: new Float32Array(1000).fill(k) }], optimizer: {} });

/** A cache whose limit holds `entries` entries of the size state() makes. */
function cacheHolding(entries: number): { cache: StateCache; fileOf: (key: string) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'mfx-state-cache-'));
  const probe = new StateCache(dir, IDENTITY);
  probe.put('probe', 1, state(0));
  const fileOf = (key: string) => path.join(dir, 'v1', probe.address(key, 1).slice(0, 2), `${probe.address(key, 1)}.mfxs`);
  const bytes = statSync(fileOf('probe')).size;
  const cache = new StateCache(dir, IDENTITY, Math.floor(bytes * (entries + 0.5)));
  cache.prune(); // the probe stays: it fits
  return { cache, fileOf };
}

/** Marks an entry as last used `secondsAgo` seconds ago. */
function usedAgo(file: string, secondsAgo: number): void {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(file, t, t);
}

describe('StateCache limit', () => {
  it('deletes the least recently used entries after a store; a hit keeps an entry', () => {
    const { cache, fileOf } = cacheHolding(3);
    usedAgo(fileOf('probe'), 500);
    cache.put('a', 1, state(1));
    usedAgo(fileOf('a'), 400);
    cache.put('b', 1, state(2));
    usedAgo(fileOf('b'), 300);
    // probe, a, b: 3 entries, at the limit. A hit on the oldest makes it the newest.
    expect(cache.get('probe', 1)?.params[0].values[0]).toBe(0);
    cache.put('c', 1, state(3)); // 4 entries: over; down to 90% of 3.5 entries = 3 entries
    expect(existsSync(fileOf('a'))).toBe(false); // least recently used
    for (const k of ['probe', 'b', 'c']) expect(existsSync(fileOf(k)), k).toBe(true);
    expect(cache.get('a', 1)).toBeNull();
    expect(cache.get('c', 1)?.params[0].values[0]).toBe(3);
  });

  it('keeps the entry just stored even when it alone is over the limit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-state-cache-'));
    const cache = new StateCache(dir, IDENTITY, 10);
    cache.put('a', 1, state(1));
    cache.put('b', 1, state(2));
    expect(cache.get('a', 1)).toBeNull();
    expect(cache.get('b', 1)?.params[0].values[0]).toBe(2);
  });
});
