// The owner's side of a shard team (runtime/training/shards.ts ShardTeam): helper threads
// (helper.ts) that compute some shards of each full-network batch while the owning thread
// computes the rest. Per batch the owner writes the parameters, the image indices and the
// dropout masks into shared memory (shard-memory.ts), offers some shards, and bumps the hand-off
// word (Atomics.notify); a helper claims an offered shard, writes its gradient into the shard's
// slot and marks it finished. Once the owner has computed its own shards it takes back any
// offered shard no helper has claimed yet (a helper a busy machine has not scheduled costs no
// waiting), then waits for the claimed ones without blocking its event loop (Atomics.waitAsync).
// Until every helper has started, the owner computes every shard itself: start-up overlaps
// training. Which thread computes a shard never changes its bits.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { ModelSpec } from '../../../compiler/plan.js';
import type { BackendName } from '../../backend/select.js';
import type { Images } from '../../training/image-batch.js';
import * as tf from '@tensorflow/tfjs-core';
import { shardGradients, shardRange, type ShardBatch, type ShardGrads, type ShardTeam } from '../../training/shards.js';
import { deserializeError } from '../workers/errors.js';
import { paysOff } from './pays-off.js';
import { EVAL_BATCH, evalTensors, readFigures, type BatchFigures, type EvalTeam } from '../evaluate.js';
import type { Network } from '../../model/network.js';
import type { FromHelper, HelperSetup } from './helper.js';
import { claimWord, CMD, CMD_BATCH, CMD_EVAL, CMD_EXIT, CONFIG, createShardMemory, finishedWord, GEN, ROWS, STATUS_FAILED, statusWord, type EvalJob, type ShardConfig } from './shard-memory.js';

const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './helper-entry.mjs' : './helper.js', import.meta.url);

/** Node 20 has Atomics.waitAsync; the ES2023 library types do not. */
type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export interface TeamOptions {
  backend: BackendName;
  spec: ModelSpec;
  /** The training images, in SharedArrayBuffers (RunData.share). */
  train: Images;
  helpers: number;
  shards: number;
  batch: number;
  /**
   * Whether the owner computes offered shards no helper has claimed once its own are done, and
   * evaluation batches in any order (default true). Tests turn it off so that the helpers' part
   * is fixed, not a matter of timing: then the owner evaluates batches 0, h+1, 2(h+1), ... only.
   */
  takeBack?: boolean;
  /**
   * Whether the team hands out shards only while that makes batches faster (pays-off.ts;
   * default true). Tests turn it off: every batch is then shared.
   */
  adaptive?: boolean;
}

/** A team that is starting; `close` ends its threads. */
export interface ClosableTeam extends ShardTeam, EvalTeam {
  /** Resolves once every helper has started (rejects with a helper's error). */
  ready(): Promise<void>;
  /** Batches whose shards the helpers shared so far. */
  readonly sharedBatches: number;
  /** Evaluation batches the helpers computed so far. */
  readonly sharedEvalBatches: number;
  close(): Promise<void>;
}

interface Helper {
  worker: Worker;
  config: MessagePort;
  ready: boolean;
  started: Promise<void>;
  error: Error | null;
  /** Resolves with the helper's error once it reported one. */
  failed: Promise<Error>;
}
type MessagePort = InstanceType<typeof MessageChannel>['port1'];

export function startShardTeam(o: TeamOptions): ClosableTeam {
  const m = createShardMemory(o.spec, o.helpers, o.shards, o.batch);
  let config: ShardConfig = { version: 0, trainable: [], feature: { kind: 'model' } };
  let closed = false;
  const helpers: Helper[] = Array.from({ length: o.helpers }, () => {
    const channel = new MessageChannel();
    const setup: HelperSetup = { backend: o.backend, spec: o.spec, train: o.train, memory: m, config: channel.port2 };
    const worker = new Worker(ENTRY, { workerData: setup, transferList: [channel.port2] });
    let report: (e: Error) => void = () => {};
    let up: () => void = () => {};
    let down: (e: Error) => void = () => {};
    const started = new Promise<void>((resolve, reject) => ((up = resolve), (down = reject)));
    started.catch(() => {}); // a failure also reaches `offer`
    const h: Helper = { worker, config: channel.port1, ready: false, started, error: null, failed: new Promise((resolve) => (report = resolve)) };
    const fail = (e: Error) => {
      h.error ??= e;
      report(h.error);
      down(h.error);
    };
    worker.on('message', (msg: FromHelper) => {
      if (msg.type === 'ready') {
        h.ready = true;
        up();
      } else fail(deserializeError(msg.error));
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!closed) fail(new Error(`a shard helper thread stopped (exit code ${code})`));
    });
    return h;
  });

  /** Waits until a helper finished shard s of batch `gen`; throws a helper's error. */
  const waitFinished = async (s: number, gen: number): Promise<void> => {
    const word = finishedWord(m, s);
    for (;;) {
      const now = Atomics.load(m.ctrl, word);
      if (now === gen) break;
      const failed = helpers.find((h) => h.error);
      if (failed) throw failed.error;
      // A helper that died says so by message: look again at least once a second.
      const r = waitAsync(m.ctrl, word, now, 1000);
      if (r.async) await r.value;
    }
    if (Atomics.load(m.ctrl, statusWord(m, s)) === STATUS_FAILED) {
      throw helpers.find((h) => h.error)?.error ?? (await Promise.race(helpers.map((h) => h.failed)));
    }
  };

  /** Writes the owner's parameters into shared memory. */
  const broadcast = (net: Network) => {
    for (const p of m.paramSlots) m.params.set(net.params.get(p.name)!.dataSync() as Float32Array, p.offset);
  };
  /** Sends the configuration to every helper and wakes them for `cmd`. */
  const handOut = (next: ShardConfig | null, cmd: number): number => {
    if (next) {
      config = next;
      for (const h of helpers) h.config.postMessage(config);
    }
    Atomics.store(m.ctrl, CONFIG, config.version);
    Atomics.store(m.ctrl, CMD, cmd);
    const gen = Atomics.load(m.ctrl, GEN) + 1; // only the owner moves GEN
    return gen;
  };
  const wake = (gen: number) => {
    Atomics.store(m.ctrl, GEN, gen);
    Atomics.notify(m.ctrl, GEN);
  };

  let sharedBatches = 0;
  let sharedEvalBatches = 0;
  const judge = o.adaptive === false ? null : paysOff();
  return {
    get sharedBatches() {
      return sharedBatches;
    },
    get sharedEvalBatches() {
      return sharedEvalBatches;
    },

    async evaluate(net, set, feature) {
      const isShared = (a: ArrayBufferView) => a.buffer instanceof SharedArrayBuffer;
      const batches = Math.ceil(set.n / EVAL_BATCH);
      if (closed || batches < 2 || !isShared(set.images) || !isShared(set.labels) || !helpers.every((h) => h.ready && !h.error)) return null;
      const ints = (n: number) => new Int32Array(new SharedArrayBuffer(4 * n));
      const job: EvalJob = {
        set, feature, batch: EVAL_BATCH, predicted: new Uint8Array(new SharedArrayBuffer(set.n)),
        sums: new Float32Array(new SharedArrayBuffer(8 * batches)), claims: ints(batches), done: ints(batches),
      };
      broadcast(net);
      wake(handOut({ ...config, version: config.version + 1, eval: job }, CMD_EVAL));
      const out: BatchFigures[] = [];
      for (let k = 0; k < batches; k++) {
        // Without taking back (tests) the owner leaves every batch but its own turn to the helpers.
        if (o.takeBack === false && k % (helpers.length + 1) !== 0) continue;
        if (Atomics.compareExchange(job.claims, k, 0, 1) !== 0) continue;
        const start = k * EVAL_BATCH;
        out[k] = readFigures(evalTensors(net, set, start, Math.min(start + EVAL_BATCH, set.n), { feature }));
      }
      for (let k = 0; k < batches; k++) {
        if (out[k]) continue;
        for (;;) {
          const state = Atomics.load(job.done, k);
          if (state === 1) break;
          const failed = helpers.find((h) => h.error);
          if (state === -1 || failed) throw failed?.error ?? (await Promise.race(helpers.map((h) => h.failed)));
          const r = waitAsync(job.done, k, 0, 1000);
          if (r.async) await r.value;
        }
        const start = k * EVAL_BATCH;
        out[k] = { hits: job.sums[2 * k], nll: job.sums[2 * k + 1], classes: job.predicted.slice(start, Math.min(start + EVAL_BATCH, set.n)) };
        sharedEvalBatches++;
      }
      return out;
    },
    ready: async () => {
      await Promise.all(helpers.map((h) => h.started));
    },
    offer(shards, n) {
      const failed = helpers.find((h) => h.error);
      if (failed) throw failed.error;
      if (closed || shards !== m.shards || n > m.maxBatch || !helpers.every((h) => h.ready)) return [];
      if (judge && !judge.share(performance.now())) return [];
      // Non-empty shards round-robin over the owner (thread 0) and the helpers; the owner keeps thread 0's.
      const offered: number[] = [];
      let k = 0;
      for (let s = 0; s < shards; s++) {
        const [a, z] = shardRange(n, shards, s);
        if (a < z && k++ % (helpers.length + 1) !== 0) offered.push(s);
      }
      return offered;
    },

    async run(b: ShardBatch, _shards: number, offered: number[]): Promise<Map<number, ShardGrads>> {
      const changed = config.version === 0 || !sameConfig(config, b);
      broadcast(b.net);
      const rows = b.indices.length;
      m.indices.set(b.indices);
      for (const [layer, values] of b.masks) m.masks.set(values, m.maskOffsets[layer]);
      Atomics.store(m.ctrl, ROWS, rows);
      const gen = handOut(changed ? { version: config.version + 1, trainable: b.names.slice(), feature: b.feature } : null, CMD_BATCH);
      for (let s = 0; s < m.shards; s++) Atomics.store(m.ctrl, claimWord(m, s), offered.includes(s) ? gen : 0);
      wake(gen);
      // The caller computes its own shards now; what no helper has claimed by then, the owner
      // computes itself (last first: the helpers claim from the front).
      await Promise.resolve();
      const out = new Map<number, ShardGrads>();
      for (const s of [...offered].reverse()) {
        if (o.takeBack === false || Atomics.compareExchange(m.ctrl, claimWord(m, s), gen, -gen) !== gen) continue;
        const [a, z] = shardRange(rows, m.shards, s);
        out.set(s, shardGradients(b, a, z));
      }
      const theirs = offered.filter((s) => !out.has(s));
      await Promise.all(theirs.map((s) => waitFinished(s, gen)));
      if (theirs.length > 0) sharedBatches++;
      for (const s of theirs) {
        const base = s * m.totalParams;
        const grads: Record<string, tf.Tensor> = {};
        for (const name of b.names) {
          const p = m.paramSlots.find((x) => x.name === name)!;
          grads[name] = tf.tensor(m.slots.subarray(base + p.offset, base + p.offset + p.size).slice(), p.shape, 'float32');
        }
        out.set(s, { loss: tf.scalar(m.losses[s], 'float32'), grads });
      }
      return out;
    },

    async close() {
      if (closed) return;
      closed = true;
      Atomics.store(m.ctrl, CMD, CMD_EXIT);
      Atomics.add(m.ctrl, GEN, 1);
      Atomics.notify(m.ctrl, GEN);
      await Promise.all(helpers.map((h) => h.worker.terminate()));
    },
  };
}

function sameConfig(c: ShardConfig, b: ShardBatch): boolean {
  return c.trainable.length === b.names.length && c.trainable.every((n, i) => n === b.names[i]) && JSON.stringify(c.feature) === JSON.stringify(b.feature);
}
