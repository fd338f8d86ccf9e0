// Cross-run cache of trained states, content-addressed: a network and optimiser state after a
// step is stored under a hash of (the step's stateKey, seed, backend, data subset, dataset
// identity, cache format). The stateKey already hashes the dataset spec, model, optimiser, batch
// and every state-changing step so far, so an equal address means the same computation, and a
// rerun after editing only the tail of a schedule starts from the stored prefix.
// Entries use the tensor-file container (checksummed); an entry that cannot be read or does not
// match its address is ignored (the caller warns and recomputes), never trusted.
// The folder is bounded (1 GiB by default, MFX_CACHE_MB): after each store, the least recently
// used entries (a hit refreshes an entry's time) are deleted until it is back under 90% of the limit.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Subset } from '../events.js';
import type { Images } from '../training/image-batch.js';
import type { NamedArray } from '../store/tensor-file.js';
import type { SavedSlot } from '../training/optimizer.js';
import { decodeTensorFile, encodeTensorFile, TensorFileError } from '../store/tensor-file.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { packNetworkState, unpackNetworkState } from '../store/network-state.js';

/** Bumped whenever the entry layout or the meaning of a state changes. */
export const STATE_CACHE_FORMAT = 1;
const ENTRY_KIND = 'mfx.state-cache';

/** What, besides the stateKey and seed, decides the computed state. */
export interface CacheIdentity {
  backend: string;
  subset: Subset;
  /** Content hash of the training images and labels (see datasetIdentity). */
  dataset: string;
}

/** Mean training loss per epoch of each train step behind a state, keyed by the step's stateKey. */
export type LossHistory = Record<string, number[]>;

export interface CachedState {
  params: NamedArray[];
  optimizer: Record<string, SavedSlot>;
  /** Absent in entries written before it existed. */
  history?: LossHistory;
}

interface EntryMeta {
  format: number;
  address: string;
  optimizerSteps: Record<string, number>;
  history?: LossHistory;
}

/** An entry that exists but cannot be used; `reason` is one sentence for the warning. */
export class CacheEntryError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'CacheEntryError';
  }
}

/** sha256 of the training images and labels, so a changed data file never matches old entries. */
export function datasetIdentity(train: Images): string {
  const hash = createHash('sha256');
  hash.update(`${train.n}x${train.height}x${train.width}x${train.channels}\n`);
  hash.update(new Uint8Array(train.images.buffer, train.images.byteOffset, train.images.byteLength));
  hash.update(train.labels);
  return hash.digest('hex');
}

/** The default cache folder: $XDG_CACHE_HOME/mfx, else ~/.cache/mfx. */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'mfx');
}

/** Default bound of the cache folder's entries, in bytes. */
export const DEFAULT_STATE_CACHE_BYTES = 1024 * 1024 * 1024;

export class StateCache {
  constructor(
    readonly dir: string,
    readonly identity: CacheIdentity,
    readonly limitBytes: number = DEFAULT_STATE_CACHE_BYTES,
  ) {}

  /** The content address of the state after the step with this key, for this seed. */
  address(stateKey: string, seed: number): string {
    const { backend, subset, dataset } = this.identity;
    const id = JSON.stringify({ format: STATE_CACHE_FORMAT, stateKey, seed, backend, subset: [subset.train, subset.test], dataset });
    return createHash('sha256').update(id).digest('hex');
  }

  private file(address: string): string {
    return path.join(this.dir, `v${STATE_CACHE_FORMAT}`, address.slice(0, 2), `${address}.mfxs`);
  }

  has(stateKey: string, seed: number): boolean {
    return existsSync(this.file(this.address(stateKey, seed)));
  }

  /** The stored state, null when there is none; CacheEntryError when an entry is there but unusable. */
  get(stateKey: string, seed: number): CachedState | null {
    const address = this.address(stateKey, seed);
    const file = this.file(address);
    if (!existsSync(file)) return null;
    let decoded;
    try {
      decoded = decodeTensorFile<EntryMeta>(readFileSync(file), ENTRY_KIND, file);
    } catch (err) {
      // Pruned by another run or thread between the check and the read: simply not there.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (err instanceof TensorFileError) throw new CacheEntryError(file, err.reason);
      throw new CacheEntryError(file, `cannot be read (${(err as Error).message})`);
    }
    const meta = decoded.meta;
    if (meta?.format !== STATE_CACHE_FORMAT || meta.address !== address) throw new CacheEntryError(file, 'does not belong at its address');
    const { params, optimizer } = unpackNetworkState(decoded.tensors, meta.optimizerSteps);
    touch(file);
    return { params, optimizer, history: validHistory(meta.history) };
  }

  /** Stores a state (atomically: a crash leaves the old entry or none). */
  put(stateKey: string, seed: number, state: CachedState): void {
    const address = this.address(stateKey, seed);
    const { tensors, optimizerSteps } = packNetworkState(state.params, state.optimizer);
    const file = this.file(address);
    writeFileAtomic(file, encodeTensorFile<EntryMeta>({ kind: ENTRY_KIND, meta: { format: STATE_CACHE_FORMAT, address, optimizerSteps, history: state.history }, tensors }));
    this.prune(file);
  }

  /** Deletes the least recently used entries (never `keep`) while the folder is over its limit. */
  prune(keep?: string): void {
    const entries = listEntries(path.join(this.dir, `v${STATE_CACHE_FORMAT}`));
    let total = entries.reduce((sum, e) => sum + e.bytes, 0);
    if (total <= this.limitBytes) return;
    const target = Math.floor(this.limitBytes * 0.9);
    entries.sort((a, b) => a.usedMs - b.usedMs || a.file.localeCompare(b.file));
    for (const e of entries) {
      if (total <= target) break;
      if (e.file === keep) continue;
      try {
        unlinkSync(e.file);
      } catch {
        // Gone already (another run pruned it): its bytes are freed either way.
      }
      total -= e.bytes;
    }
  }
}

/** The history if it has the expected shape; a malformed one is dropped (it only feeds charts). */
function validHistory(h: unknown): LossHistory | undefined {
  if (!h || typeof h !== 'object') return undefined;
  const entries = Object.entries(h as Record<string, unknown>);
  return entries.every(([, v]) => Array.isArray(v) && v.every((x) => typeof x === 'number')) ? (h as LossHistory) : undefined;
}

function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    // A read-only cache still serves hits; it just forgets which were recent.
  }
}

function listEntries(root: string): Array<{ file: string; bytes: number; usedMs: number }> {
  const out: Array<{ file: string; bytes: number; usedMs: number }> = [];
  let shards: string[];
  try {
    shards = readdirSync(root);
  } catch {
    return out;
  }
  for (const shard of shards) {
    let names: string[];
    try {
      names = readdirSync(path.join(root, shard));
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.endsWith('.mfxs')) continue;
      const file = path.join(root, shard, name);
      try {
        const st = statSync(file);
        out.push({ file, bytes: st.size, usedMs: st.mtimeMs });
      } catch {
        // Deleted meanwhile.
      }
    }
  }
  return out;
}
