// Per-sample agreement of two evaluations on one test set: which samples only A gets right,
// which only B, and whether that imbalance could be chance (McNemar's exact test).
//
// Per seed, A and B are two fixed networks scored on the same images: the 2x2 table
// (both right / only A / only B / both wrong) and McNemar's exact two-sided test on the
// discordant pairs (b = only A, c = only B; Binomial(b + c, 1/2) under "equally accurate").
//
// Combined over seeds: every seed scores the SAME test images, so the per-seed tests are not
// independent. Fisher's or Stouffer's combination of the per-seed p-values assumes they are,
// and so does pooling the discordant counts of all seeds into one McNemar test (one image
// that is hard for A then counts once per seed as if it were new evidence). Both overstate
// the evidence. The combination used here keeps the image as the unit: for each image,
// net = (seeds in which A gets it right) - (seeds in which B does), an integer in -S..S. Under
// the null that A and B are exchangeable on every image, each nonzero net is as likely
// negative as positive, independently across images (the images are the independent draws),
// so the exact sign-flip test of sum(net) applies. It needs no independence between seeds,
// uses how consistently an image favours one side, and with one seed it is McNemar's test
// itself. Like McNemar's test it treats the trained networks as given: it says whether the
// test set supports a difference between these networks, not whether another training run
// would repeat it (the t-interval over seeds of the results table speaks to that).
import { mcnemarExact, signFlipTwoSided } from './stats.js';

export interface AgreementCounts {
  bothRight: number;
  onlyA: number;
  onlyB: number;
  bothWrong: number;
  n: number;
}

export interface SeedAgreement {
  seed: number;
  counts: AgreementCounts;
  /** McNemar's exact two-sided p-value of onlyA vs onlyB. */
  p: number;
}

export interface CombinedAgreement {
  seeds: number[];
  /** Images A gets right in more seeds than B, fewer, and as many. */
  aBetter: number;
  bBetter: number;
  tied: number;
  /** Sum over images of net (A right minus B right, counted over seeds). */
  netSum: number;
  /** Exact two-sided sign-flip test of netSum. */
  p: number;
}

export interface Agreement {
  testSet: string;
  perSeed: SeedAgreement[];
  /** Null with fewer than two seeds (one seed: the per-seed test is the whole answer). */
  combined: CombinedAgreement | null;
}

/** Both sides' predicted classes for one seed. */
export interface SeedPredictions {
  seed: number;
  a: Uint8Array;
  b: Uint8Array;
}

function checkLengths(labels: Uint8Array, ...arrays: Uint8Array[]): void {
  for (const a of arrays) if (a.length !== labels.length) throw new RangeError(`predictions for ${a.length} samples, labels for ${labels.length}`);
}

/** The 2x2 table of A's and B's predictions against the labels. */
export function agreementCounts(a: Uint8Array, b: Uint8Array, labels: Uint8Array): AgreementCounts {
  checkLengths(labels, a, b);
  const counts = { bothRight: 0, onlyA: 0, onlyB: 0, bothWrong: 0, n: labels.length };
  for (let i = 0; i < labels.length; i++) {
    const ra = a[i] === labels[i];
    const rb = b[i] === labels[i];
    if (ra && rb) counts.bothRight++;
    else if (ra) counts.onlyA++;
    else if (rb) counts.onlyB++;
    else counts.bothWrong++;
  }
  return counts;
}

/** The per-image sign-flip test over seeds described above. */
export function combineOverSeeds(seeds: SeedPredictions[], labels: Uint8Array): CombinedAgreement {
  const net = new Int32Array(labels.length);
  for (const s of seeds) {
    checkLengths(labels, s.a, s.b);
    for (let i = 0; i < labels.length; i++) net[i] += Number(s.a[i] === labels[i]) - Number(s.b[i] === labels[i]);
  }
  let aBetter = 0;
  let bBetter = 0;
  for (let i = 0; i < net.length; i++) {
    if (net[i] > 0) aBetter++;
    else if (net[i] < 0) bBetter++;
  }
  let netSum = 0;
  for (let i = 0; i < net.length; i++) netSum += net[i];
  return { seeds: seeds.map((s) => s.seed), aBetter, bBetter, tied: labels.length - aBetter - bBetter, netSum, p: signFlipTwoSided(net) };
}

/** Per seed and combined agreement of A and B on one test set. */
export function agreement(testSet: string, seeds: SeedPredictions[], labels: Uint8Array): Agreement {
  const perSeed = seeds.map((s) => {
    const counts = agreementCounts(s.a, s.b, labels);
    return { seed: s.seed, counts, p: mcnemarExact(counts.onlyA, counts.onlyB) };
  });
  return { testSet, perSeed, combined: seeds.length >= 2 ? combineOverSeeds(seeds, labels) : null };
}
