// The cross-run state cache through `mfx run --cache DIR`, on tiny slices of MNIST (wasm).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMain as mfx } from './helpers/run-main.js';
import { resolveCacheDir } from '../../cli/run/cache-dir.js';
import { readRunFolder } from '../../cli/report/read-run-folder.js';
import { lossCurves } from '../../cli/report/loss-curves.js';

const TINY = ['--backend', 'wasm', '--train-subset', '128', '--test-subset', '50', '--quiet'];


const schedule = (tailEpochs: number) => `experiment "cache"
seed 3
arm baseline {
  pretrain 1
}
arm hybrid {
  pretrain 1
  freeze conv*
  reset fc*
  invert relu6
  train ${tailEpochs}
}
eval pmnist.unmodified, pmnist.hcut
`;

interface Finished {
  out: string;
  evals: { arm: string; label: string; testSet: string; accuracy: number; loss: number }[];
  reused: string[];
  warnings: string[];
  /** `arm/step` → per-epoch losses, from epoch-end events and from reused step-ends. */
  epochLosses: Record<string, number[]>;
  reusedLosses: Record<string, number[]>;
}

async function runFile(dir: string, name: string, text: string, cacheFlags: string[]): Promise<Finished> {
  const file = path.join(dir, `${name}.mfx`);
  writeFileSync(file, text);
  const out = path.join(dir, `${name}-run`);
  const r = await mfx(['run', file, ...TINY, '--out', out, ...cacheFlags]);
  expect(r.code, r.stderr).toBe(0);
  const events = readFileSync(path.join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const epochLosses: Record<string, number[]> = {};
  for (const e of events.filter((e) => e.type === 'epoch-end')) (epochLosses[`${e.arm}/${e.step}`] ??= [])[e.epoch - 1] = e.loss;
  const reusedLosses = Object.fromEntries(
    events.filter((e) => e.type === 'step-end' && e.status === 'reused' && e.losses).map((e) => [`${e.arm}/${e.step}`, e.losses]),
  );
  return {
    out,
    epochLosses,
    reusedLosses,
    evals: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).evals,
    reused: events.filter((e) => e.type === 'step-end' && e.status === 'reused').map((e) => `${e.arm}/${e.step}`),
    warnings: events.filter((e) => e.type === 'warning').map((e) => e.message),
  };
}

function cacheFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile());
}

describe('mfx run --cache', () => {
  it('reuses the trained prefix after the tail of the schedule changed, with the same results; ignores damaged entries', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mfx-run-cache-'));
    const cache = path.join(dir, 'cache');
    const first = await runFile(dir, 'first', schedule(1), ['--cache', cache]);
    // Within the run the hybrid takes the baseline's pretraining; nothing came from the cache yet.
    expect(first.reused).toEqual(['hybrid/0', 'hybrid/1']);
    expect(cacheFiles(cache).length).toBeGreaterThan(0);

    const edited = await runFile(dir, 'edited', schedule(2), ['--cache', cache]);
    const fresh = await runFile(dir, 'fresh', schedule(2), ['--no-cache']);
    expect(edited.evals).toEqual(fresh.evals);
    // The baseline's pretraining comes from the cache; the hybrid still starts from the baseline
    // (its snapshot eval is recomputed), then from the cached reset state, and trains its new tail.
    expect(edited.reused).toEqual(['baseline/0', 'hybrid/0', 'hybrid/1', 'hybrid/2', 'hybrid/3']);
    expect(fresh.reused).toEqual(['hybrid/0', 'hybrid/1']);
    expect(edited.warnings).toEqual([]);
    // Reused steps carry the losses of the computation they stand for: the baseline's from the
    // cache entry the first run wrote, the hybrid's from the baseline within the run. So the
    // edited run's report still draws the pretraining epoch of both arms.
    expect(first.epochLosses['baseline/0']).toHaveLength(1);
    expect(edited.reusedLosses['baseline/0']).toEqual(first.epochLosses['baseline/0']);
    expect(edited.reusedLosses['hybrid/0']).toEqual(first.epochLosses['baseline/0']);
    const folder = readRunFolder(edited.out);
    const curves = lossCurves(folder.epochEnds, folder.plan);
    for (const arm of ['baseline', 'hybrid']) {
      expect(curves.find((p) => p.arm === arm && p.epoch === 1)?.loss, arm).toBe(first.epochLosses['baseline/0'][0]);
    }

    for (const f of cacheFiles(cache)) {
      const bytes = readFileSync(f);
      bytes[bytes.length - 5] ^= 0xff; // flip data bits: the checksum no longer matches
      writeFileSync(f, bytes);
    }
    const damaged = await runFile(dir, 'damaged', schedule(2), ['--cache', cache]);
    expect(damaged.evals).toEqual(fresh.evals);
    expect(damaged.reused).toEqual(['hybrid/0', 'hybrid/1']);
    expect(damaged.warnings.length).toBeGreaterThan(0);
    expect(damaged.warnings[0]).toMatch(/ignored the cache entry .*damaged/);
  });

  it('finds its folder from --cache, --no-cache, MFX_CACHE_DIR and XDG_CACHE_HOME', () => {
    expect(resolveCacheDir('/tmp/c', {})).toBe('/tmp/c');
    expect(resolveCacheDir(false, { MFX_CACHE_DIR: '/tmp/x' })).toBeNull();
    expect(resolveCacheDir(undefined, { MFX_CACHE_DIR: 'off' })).toBeNull();
    expect(resolveCacheDir(undefined, { MFX_CACHE_DIR: '/tmp/x' })).toBe('/tmp/x');
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/tmp/xdg' })).toBe('/tmp/xdg/mfx');
    expect(resolveCacheDir(true, { XDG_CACHE_HOME: '/tmp/xdg' })).toBe('/tmp/xdg/mfx');
  });
});
