// Data parallelism within a batch (runtime/training/shards.ts, runtime/run/shards/): the shard
// ranges, the fixed-order sum, dropout masks cut per shard, and a shard team whose helper
// threads compute shards to the same bits as the owning thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../runtime/backend/select.js';
import { createPrng } from '../../runtime/data/prng.js';
import { drawBatchMasks, maskedLayers, seededDropout, shardDropout } from '../../runtime/model/dropout.js';
import { createNetwork, disposeNetwork, type Network } from '../../runtime/model/network.js';
import { Optimizer } from '../../runtime/training/optimizer.js';
import { trainEpoch } from '../../runtime/training/train-epoch.js';
import { shardRange, sumInOrder, sumNumbersInOrder } from '../../runtime/training/shards.js';
import { startShardTeam, type ClosableTeam } from '../../runtime/run/shards/team.js';
import { threadUse } from '../../runtime/run/threads.js';
import { evaluate } from '../../runtime/run/evaluate.js';
import { paysOff } from '../../runtime/run/shards/pays-off.js';
import type { Images } from '../../runtime/training/image-batch.js';
import { ALL_PARAMS, FC_PARAMS, syntheticImages, tinyModel } from './helpers/tiny-plan.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('shardRange', () => {
  it('cuts a batch into contiguous pieces that differ by at most one image', () => {
    for (const [n, shards] of [[64, 2], [40, 3], [7, 4], [1, 3]]) {
      const ranges = Array.from({ length: shards }, (_, s) => shardRange(n, shards, s));
      expect(ranges[0][0]).toBe(0);
      expect(ranges[shards - 1][1]).toBe(n);
      for (let s = 1; s < shards; s++) expect(ranges[s][0]).toBe(ranges[s - 1][1]);
      const sizes = ranges.map(([a, z]) => z - a);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(Array.from({ length: 3 }, (_, s) => shardRange(1, 3, s))).toEqual([[0, 0], [0, 0], [0, 1]]);
  });
});

describe('the fixed-order sum', () => {
  // 1 + 2^24 rounds back to 2^24 in float32, so ((1 + 2^24) - 2^24) is 0, while 1 + (2^24 - 2^24)
  // is 1: a sum in any other order (pairwise, sorted, reversed) gives another answer.
  const big = 2 ** 24;

  it('adds the shards left to right, one float32 rounding per addition', () => {
    const terms = [tf.tensor1d([1, 3]), tf.tensor1d([big, 0.5]), tf.tensor1d([-big, 0.25])];
    const sum = sumInOrder(terms);
    expect(Array.from(sum.dataSync())).toEqual([0, 3.75]);
    expect(Array.from(sumInOrder([terms[2], terms[1], terms[0]]).dataSync())).toEqual([1, 3.75]);
    tf.dispose([...terms, sum]);
    expect(sumNumbersInOrder([1, big, -big])).toBe(0);
    expect(sumNumbersInOrder([-big, big, 1])).toBe(1);
    expect(sumNumbersInOrder([0.1])).toBe(Math.fround(0.1));
  });

  it('returns a single shard unchanged', () => {
    const one = tf.tensor1d([0.1, -7]);
    const sum = sumInOrder([one]);
    expect(Array.from(sum.dataSync())).toEqual(Array.from(one.dataSync()));
    tf.dispose([one, sum]);
  });
});

describe('dropout masks per shard', () => {
  it('are the rows of the whole batch\'s masks, drawn from the stream the forward pass draws', () => {
    const spec = tinyModel();
    const layers = maskedLayers(spec);
    expect(layers).toEqual([4, 10]);
    const whole = drawBatchMasks(createPrng(5), spec, 7);
    const oneByOne = seededDropout(createPrng(5));
    for (const i of layers) {
      const mask = oneByOne.maskFor(i, spec.layers[i] as never, 7);
      expect(Array.from(mask.dataSync())).toEqual(Array.from(whole.get(i)!));
      const rows = shardDropout(whole, 3, 7).maskFor(i, spec.layers[i] as never, 4);
      const perImage = whole.get(i)!.length / 7;
      expect(Array.from(rows.dataSync())).toEqual(Array.from(whole.get(i)!.slice(3 * perImage, 7 * perImage)));
      tf.dispose([mask, rows]);
    }
  });
});

describe('threads', () => {
  const unit = (arm: string, prefixFrom: string[] = []) => ({ kind: 'arm' as const, seed: 1, arm, prefixFrom, epochs: 1 });

  it('go to arms when as many can start as there are threads, else to the shards of one arm', () => {
    expect(threadUse([unit('a'), unit('b')], 2, 2)).toEqual({ armThreads: 2, shardHelpers: 0 });
    expect(threadUse([unit('a')], 2, 2)).toEqual({ armThreads: 0, shardHelpers: 1 });
    expect(threadUse([unit('a'), unit('b', ['a'])], 2, 2)).toEqual({ armThreads: 0, shardHelpers: 1 });
    expect(threadUse([unit('a')], 4, 2)).toEqual({ armThreads: 0, shardHelpers: 1 });
    expect(threadUse([unit('a')], 1, 2)).toEqual({ armThreads: 0, shardHelpers: 0 });
    expect(threadUse([unit('a')], 2, 1)).toEqual({ armThreads: 0, shardHelpers: 0 });
  });
});

describe('whether sharing pays', () => {
  /** The ways chosen for `batches` batches that take `shared` or `alone` ms. */
  function ways(batches: number, shared: number, alone: number): string {
    const judge = paysOff();
    let now = 0;
    let out = '';
    for (let b = 0; b < batches; b++) {
      const share = judge.share(now);
      out += share ? 'S' : 'A';
      now += share ? shared : alone;
    }
    return out;
  }

  it('times both ways in streaks first, then keeps the faster one and tries the other in a streak every 32nd batch', () => {
    const probe = (keep: string, other: string) => keep.repeat(31) + other.repeat(4);
    expect(ways(8 + 35 * 2, 5, 10)).toBe('SSSSAAAA' + probe('S', 'A').repeat(2));
    expect(ways(8 + 35 * 2, 10, 5)).toBe('SSSSAAAA' + probe('A', 'S').repeat(2));
  });

  it('does not count the first batch after a switch: a cold helper does not make sharing look slow', () => {
    // Sharing takes 5 ms, but 40 ms on the first batch after the helper idled; alone takes 10.
    const judge = paysOff();
    let now = 0;
    let prev = false;
    let out = '';
    for (let b = 0; b < 80; b++) {
      const share = judge.share(now);
      out += share ? 'S' : 'A';
      now += share ? (prev ? 5 : 40) : 10;
      prev = share;
    }
    expect(out.slice(8)).not.toContain('A'.repeat(5));
    expect(out.slice(8, 39)).toBe('S'.repeat(31));
  });

  it('does not count the work between epochs as a batch', () => {
    const judge = paysOff();
    let now = 0;
    const seen: boolean[] = [];
    for (let b = 0; b < 14; b++) {
      seen.push(judge.share(now));
      now += seen[b] ? 5 : 10;
      if (b === 9) now += 1000; // an evaluation after a batch
    }
    expect(seen.slice(8)).toEqual([true, true, true, true, true, true]);
  });
});

function snapshot(net: Network): Record<string, Float32Array> {
  return Object.fromEntries([...net.params].map(([n, v]) => [n, (v.dataSync() as Float32Array).slice()]));
}

/** Two epochs from the same start; returns the parameters and the epochs' mean losses. */
async function trainTwoEpochs(data: Images, o: { shards: number; team?: ClosableTeam; trainable?: string[]; batchSize?: number }) {
  const net = createNetwork(tinyModel(), 3);
  const optimizer = new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.5 });
  const losses: number[] = [];
  for (const epoch of [1, 2]) {
    const out = await trainEpoch({
      net, optimizer, data, batchSize: o.batchSize ?? 8, shards: o.shards, team: o.team ?? null, trainable: o.trainable ?? ALL_PARAMS,
      feature: epoch === 2 ? { kind: 'inverted', activation: 'relu6' } : { kind: 'model' }, lr: 0.1, seed: 1, stepIndex: 0, epoch,
    });
    if (out.kind !== 'done') throw new Error(out.kind);
    losses.push(out.meanLoss);
  }
  const params = snapshot(net);
  disposeNetwork(net);
  optimizer.dispose();
  return { params, losses };
}

const bits = (p: Record<string, Float32Array>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')]));

describe('a shard team', () => {
  // 41 images in batches of 8: the last batch has one image, so some of its shards are empty.
  const data = syntheticImages(41, 4);
  const teams: ClosableTeam[] = [];
  afterAll(async () => {
    await Promise.all(teams.map((t) => t.close()));
  });
  const team = async (helpers: number, shards: number, takeBack = false) => {
    // Taking back and judging what pays are what `mfx run` does; without them the helpers' part is fixed.
    const t = startShardTeam({ backend: 'wasm', spec: tinyModel(), train: data, helpers, shards, batch: 8, takeBack, adaptive: takeBack });
    teams.push(t);
    await t.ready();
    return t;
  };

  it('trains to the bits of the same shards computed on this thread (2 shards, 1 helper)', async () => {
    const alone = await trainTwoEpochs(data, { shards: 2 });
    const t = await team(1, 2);
    const shared = await trainTwoEpochs(data, { shards: 2, team: t });
    // Every batch of both epochs but the last one-image batches, whose one non-empty shard stays here.
    expect(t.sharedBatches).toBe(10);
    expect(bits(shared.params)).toEqual(bits(alone.params));
    expect(shared.losses).toEqual(alone.losses);
  });

  it('does so with more shards than threads, frozen parameters, and two helpers', async () => {
    for (const [helpers, shards] of [[1, 3], [2, 3]]) {
      const alone = await trainTwoEpochs(data, { shards, trainable: FC_PARAMS });
      const t = await team(helpers, shards);
      const shared = await trainTwoEpochs(data, { shards, team: t, trainable: FC_PARAMS });
      expect(t.sharedBatches).toBeGreaterThan(0);
      expect(bits(shared.params)).toEqual(bits(alone.params));
    }
  });

  it('gives the same bits when this thread takes back shards and shares only while it pays (as mfx run does)', async () => {
    const alone = await trainTwoEpochs(data, { shards: 3 });
    const t = await team(1, 3, true);
    const shared = await trainTwoEpochs(data, { shards: 3, team: t });
    expect(bits(shared.params)).toEqual(bits(alone.params));
  });

  it('fails the epoch with the helper\'s error when a helper cannot compute its shard', async () => {
    // The helper's replica is built from a spec whose fc2 differs from the owner's network, so
    // copying the owner's parameters into it fails there (and only there).
    const spec = tinyModel();
    const wrong = { ...spec, params: spec.params.map((p) => (p.name === 'fc2.bias' ? { ...p, shape: [4], size: 4 } : p)) };
    const t = startShardTeam({ backend: 'wasm', spec: wrong, train: data, helpers: 1, shards: 2, batch: 8, takeBack: false, adaptive: false });
    teams.push(t);
    await t.ready();
    await expect(trainTwoEpochs(data, { shards: 2, team: t })).rejects.toThrow(/in a worker thread/);
  });

  it('evaluates to the bits of one thread, with some batches on a helper', async () => {
    const spec = tinyModel();
    const net = createNetwork(spec, 5);
    const big = syntheticImages(2500, 6);
    const shared = (a: Float32Array | Uint8Array) => {
      const out = new (a.constructor as Float32ArrayConstructor)(new SharedArrayBuffer(a.byteLength)) as typeof a;
      out.set(a);
      return out;
    };
    const set = { ...big, images: shared(big.images) as Float32Array, labels: shared(big.labels) as Uint8Array };
    const alone = await evaluate(net, set, { feature: { kind: 'inverted', activation: 'relu6' } });
    const t = startShardTeam({ backend: 'wasm', spec, train: data, helpers: 1, shards: 2, batch: 8, takeBack: false, adaptive: false });
    teams.push(t);
    await t.ready();
    const both = await evaluate(net, set, { feature: { kind: 'inverted', activation: 'relu6' } }, t);
    // Batch 1 is the helper's alone (the owner takes only its turns, 0 and 2, unless the helper
    // claimed them first: timing decides that part).
    expect(t.sharedEvalBatches).toBeGreaterThanOrEqual(1);
    expect(both).toEqual(alone);
    // Unshared images would be copied to the helper: evaluated here instead.
    expect(await t.evaluate(net, big, { kind: 'model' })).toBeNull();
    disposeNetwork(net);
  });

  it('sums shard gradients to the batch-mean gradient: 2 shards train as 1 does, up to rounding', async () => {
    const one = await trainTwoEpochs(data, { shards: 1 });
    const two = await trainTwoEpochs(data, { shards: 2 });
    for (const name of ALL_PARAMS) {
      const a = one.params[name];
      const b = two.params[name];
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 + 1e-4 * Math.abs(a[i]));
    }
    expect(bits(two.params)).not.toEqual(bits(one.params)); // the shard count is part of the arithmetic
    expect(Math.abs(one.losses[0] - two.losses[0])).toBeLessThan(1e-5);
  });
});
