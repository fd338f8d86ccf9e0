// Connecting to the queue's Redis without hanging: one probe connection that must answer PING
// within a deadline before any BullMQ object is made (their connections retry for ever), and
// closing that never waits long on a connection that went away.
import { Redis } from 'ioredis';
import { redisOptions, type QueueAddress } from './url.js';

/** Redis did not answer; `shown` is the address without credentials. */
export class QueueUnreachableError extends Error {
  constructor(
    readonly shown: string,
    readonly detail: string,
  ) {
    super(`cannot reach the queue at ${shown} (${detail})`);
    this.name = 'QueueUnreachableError';
  }
}

/** Resolves like `p`, or rejects with QueueUnreachableError after `ms`. */
export async function withTimeout<T>(p: Promise<T>, ms: number, shown: string, lastError: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnreachableError(shown, lastError() || `no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Closable {
  close(): Promise<void>;
  disconnect(): Promise<void>;
}

/** Closes BullMQ objects, and cuts their connections if closing takes over 2 s (Redis gone); returns within about 4 s. */
export async function closeAll(items: Closable[]): Promise<void> {
  const within2s = async (p: Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
  };
  await within2s(Promise.allSettled(items.map((i) => i.close())));
  // Cutting a connection to a Redis that went away can itself wait for ever (BullMQ's worker).
  await within2s(Promise.allSettled(items.map((i) => i.disconnect())));
}

/**
 * A plain Redis connection beside BullMQ's (for the units' files), retrying like BullMQ's;
 * `closable` closes it with closeAll. Connection errors go to `onError`, not thrown.
 */
export function plainConnection(address: QueueAddress, onError: (e: Error) => void): { redis: Redis; closable: Closable } {
  const redis = new Redis(redisOptions(address));
  redis.on('error', onError);
  return {
    redis,
    closable: {
      close: async () => void (await redis.quit()),
      disconnect: async () => redis.disconnect(),
    },
  };
}

/** Connects once, without retrying, and PINGs; throws QueueUnreachableError (no credentials in it). */
export async function probeRedis(address: QueueAddress, ms = 5000): Promise<void> {
  let lastError = '';
  const probe = new Redis({ ...redisOptions(address), lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: ms });
  probe.on('error', (e: Error) => (lastError = e.message));
  try {
    await withTimeout(
      probe.connect().then(() => probe.ping()),
      ms,
      address.shown,
      () => lastError,
    );
  } catch (err) {
    if (err instanceof QueueUnreachableError) throw err;
    throw new QueueUnreachableError(address.shown, lastError || (err as Error).message);
  } finally {
    probe.disconnect();
  }
}
