// The owner's side of a shard team (runtime/training/shards.ts ShardTeam): helper threads
// (helper.ts) that compute some shards of each full-network batch while the owning thread
// computes the rest. Per batch the owner writes the parameters, the image indices and the
// dropout masks into shared memory (shard-memory.ts), assigns shards, and bumps the hand-off
// word (Atomics.notify); each helper writes its shards' gradients into their slots and says
// done. The owner waits without blocking its event loop (Atomics.waitAsync). Until every helper
// has started, the owner computes every shard itself: start-up overlaps training, and which
// thread computes a shard never changes its bits.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { ModelSpec } from '../../../compiler/plan.js';
import type { BackendName } from '../../backend/select.js';
import type { Images } from '../../training/image-batch.js';
import { shardRange, type ShardBatch, type ShardTeam, type ShardValues } from '../../training/shards.js';
import { deserializeError } from '../workers/errors.js';
import type { FromHelper, HelperSetup } from './helper.js';
import { assignWord, CMD, CMD_BATCH, CMD_EXIT, CONFIG, createShardMemory, doneWord, GEN, ROWS, STATUS_FAILED, STATUS_OK, statusWord, type ShardConfig } from './shard-memory.js';

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
}

/** A team that is starting; `close` ends its threads. */
export interface ClosableTeam extends ShardTeam {
  /** Resolves once every helper has started (rejects with a helper's error). */
  ready(): Promise<void>;
  /** Batches whose shards the helpers shared so far. */
  readonly sharedBatches: number;
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
  const helpers: Helper[] = Array.from({ length: o.helpers }, (_, index) => {
    const channel = new MessageChannel();
    const setup: HelperSetup = { backend: o.backend, spec: o.spec, train: o.train, memory: m, index, config: channel.port2 };
    const worker = new Worker(ENTRY, { workerData: setup, transferList: [channel.port2] });
    let report: (e: Error) => void = () => {};
    let up: () => void = () => {};
    let down: (e: Error) => void = () => {};
    const started = new Promise<void>((resolve, reject) => ((up = resolve), (down = reject)));
    started.catch(() => {}); // a failure also reaches `take`
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

  const waitDone = async (h: Helper, index: number, gen: number): Promise<void> => {
    const word = doneWord(m, index);
    for (;;) {
      const now = Atomics.load(m.ctrl, word);
      if (now === gen) return;
      if (h.error) throw h.error;
      const r = waitAsync(m.ctrl, word, now, 1000);
      if (r.async) await Promise.race([r.value, h.failed]);
    }
  };

  let sharedBatches = 0;
  return {
    get sharedBatches() {
      return sharedBatches;
    },
    ready: async () => {
      await Promise.all(helpers.map((h) => h.started));
    },
    take(shards, n) {
      const failed = helpers.find((h) => h.error);
      if (failed) throw failed.error;
      if (closed || shards !== m.shards || n > m.maxBatch || !helpers.every((h) => h.ready)) return [];
      // Non-empty shards round-robin over the owner (thread 0) and the helpers.
      const taken: number[] = [];
      let k = 0;
      for (let s = 0; s < shards; s++) {
        const [a, z] = shardRange(n, shards, s);
        const thread = a < z ? k++ % (helpers.length + 1) : 0;
        Atomics.store(m.ctrl, assignWord(m, s), thread);
        if (thread > 0) taken.push(s);
      }
      return taken;
    },

    async run(b: ShardBatch, _shards: number, taken: number[]): Promise<Map<number, ShardValues>> {
      if (config.version === 0 || !sameConfig(config, b)) {
        config = { version: config.version + 1, trainable: b.names.slice(), feature: b.feature };
        for (const h of helpers) h.config.postMessage(config);
      }
      for (const p of m.paramSlots) m.params.set(b.net.params.get(p.name)!.dataSync() as Float32Array, p.offset);
      const rows = b.indices.length;
      m.indices.set(b.indices);
      for (const [layer, values] of b.masks) m.masks.set(values, m.maskOffsets[layer]);
      for (let h = 0; h < helpers.length; h++) Atomics.store(m.ctrl, statusWord(m, h), STATUS_OK);
      Atomics.store(m.ctrl, ROWS, rows);
      Atomics.store(m.ctrl, CONFIG, config.version);
      Atomics.store(m.ctrl, CMD, CMD_BATCH);
      const gen = Atomics.add(m.ctrl, GEN, 1) + 1;
      Atomics.notify(m.ctrl, GEN);
      await Promise.all(helpers.map((h, i) => waitDone(h, i, gen)));
      for (let h = 0; h < helpers.length; h++) {
        if (Atomics.load(m.ctrl, statusWord(m, h)) === STATUS_FAILED) throw await helpers[h].failed;
      }
      sharedBatches++;
      const out = new Map<number, ShardValues>();
      for (const s of taken) {
        const base = s * m.totalParams;
        const grads: Record<string, Float32Array> = {};
        for (const name of b.names) {
          const p = m.paramSlots.find((x) => x.name === name)!;
          grads[name] = m.slots.slice(base + p.offset, base + p.offset + p.size);
        }
        out.set(s, { loss: m.losses[s], grads });
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
