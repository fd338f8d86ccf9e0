// Benchmark: the agreement statistics of one pair on one 10,000-image test set, the work
// `mfx report` does per arm, baseline and test set: the 2x2 table and McNemar's test per seed,
// and the exact sign-flip test over seeds (its cost grows with discordant images x seeds).
// Prints the median of 5 runs for 1, 3 and 10 seeds at 2% and 40% disagreement.
// Usage: npx tsx bench/agreement.ts
import { performance } from 'node:perf_hooks';
import { agreement, type SeedPredictions } from '../runtime/results/agreement.js';
import { createPrng } from '../runtime/data/prng.js';

const N = 10_000;

function predictions(seeds: number, disagree: number): { labels: Uint8Array; pairs: SeedPredictions[] } {
  const prng = createPrng(7);
  const labels = Uint8Array.from({ length: N }, () => prng.intBetween(0, 9));
  const wrong = (l: number) => (l + 1) % 10;
  const pairs = Array.from({ length: seeds }, (_, s) => {
    const a = new Uint8Array(labels);
    const b = new Uint8Array(labels);
    for (let i = 0; i < N; i++) {
      if (prng.float() < disagree) {
        if (prng.float() < 0.5) a[i] = wrong(labels[i]);
        else b[i] = wrong(labels[i]);
      }
    }
    return { seed: s + 1, a, b };
  });
  return { labels, pairs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)];
}

for (const disagree of [0.02, 0.4]) {
  for (const seeds of [1, 3, 10]) {
    const { labels, pairs } = predictions(seeds, disagree);
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      agreement('bench', pairs, labels);
      times.push(performance.now() - t);
    }
    console.log(`${String(disagree * 100).padStart(2)}% discordant, ${String(seeds).padStart(2)} seed(s): ${median(times).toFixed(1)} ms`);
  }
}
