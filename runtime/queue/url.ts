// The queue's address, `redis://[[user]:password@]host:port[/db]`: parsed into connection
// options for ioredis, and shown to people only without its credentials (a password never
// reaches a terminal, an event or the run folder).

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** `rediss://`: TLS to the server. */
  tls: boolean;
  /** The address as it may be shown: no user name, no password. */
  shown: string;
}

/** Why an address was refused; `shown` never holds credentials. */
export class QueueAddressError extends Error {
  constructor(
    readonly shown: string,
    readonly reason: string,
  ) {
    super(`${shown}: ${reason}`);
    this.name = 'QueueAddressError';
  }
}

/** Parses a redis:// or rediss:// URL; throws QueueAddressError (without the password) otherwise. */
export function parseQueueUrl(text: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text itself may hold a password: show only its scheme and what follows the '@'.
    const at = text.lastIndexOf('@');
    throw new QueueAddressError(at >= 0 ? `…@${text.slice(at + 1)}` : text, 'not a URL; expected redis://HOST:PORT[/DB]');
  }
  const tls = url.protocol === 'rediss:';
  const base = `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`;
  if (url.protocol !== 'redis:' && !tls) throw new QueueAddressError(base, 'expected a redis:// (or rediss://) URL');
  if (!url.hostname) throw new QueueAddressError(base, 'names no host; expected redis://HOST:PORT[/DB]');
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw new QueueAddressError(base, `the database "${dbText}" is not a number (redis://HOST:PORT/DB)`);
  const db = dbText === '' ? 0 : Number(dbText);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls,
    shown: `${url.protocol}//${url.hostname}:${port}/${db}`,
  };
}

/** ioredis options for an address. BullMQ's workers need `maxRetriesPerRequest: null`. */
export function redisOptions(a: QueueAddress): Record<string, unknown> {
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    ...(a.username ? { username: a.username } : {}),
    ...(a.password ? { password: a.password } : {}),
    ...(a.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
