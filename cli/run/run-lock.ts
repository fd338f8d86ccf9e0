// One run at a time in a run folder: `mfx run --out DIR` and `mfx run --resume DIR` hold
// DIR/run.lock (the PID, the host and the start time) while they run. A second run on the
// same folder gets a clear error; a lock whose process is gone (SIGKILL, a crash, a reboot)
// is stale and is taken over, with a note.
import { hostname } from 'node:os';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../context.js';

export const LOCK_FILE = 'run.lock';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

export interface RunLock {
  /** Set when a stale lock was taken over: say so to the user. */
  staleNote: string | null;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    return typeof data.pid === 'number' ? { pid: data.pid, host: String(data.host ?? ''), since: String(data.since ?? '') } : null;
  } catch {
    return null; // half-written or damaged: whoever wrote it did not finish, so it holds nothing
  }
}

/**
 * Creates `file` with `text` only if it does not exist (EEXIST otherwise). Written aside and
 * hard-linked into place, so nobody ever reads a half-written lock; where the file system has
 * no hard links, an exclusive create.
 */
function createExclusive(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}-lock`;
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    writeFileSync(file, text, { flag: 'wx' });
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Takes the lock of `dir` (created when `create`), or throws a UserError naming the run that
 * holds it. File-system errors (read-only, full) propagate for the caller to explain.
 */
export function acquireRunLock(dir: string, create: boolean, isAlive: (pid: number) => boolean = alive): RunLock {
  if (create) mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  let staleNote: string | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      createExclusive(file, `${JSON.stringify(mine)}\n`);
      return {
        staleNote,
        release: () => {
          if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = readLock(file);
    // Another host's PID means nothing here: only a lock from this host can be judged stale.
    if (held && (held.host !== mine.host || isAlive(held.pid))) {
      throw new UserError(
        `${dir} is in use by another mfx run (PID ${held.pid}${held.host !== mine.host ? ` on ${held.host}` : ''}, since ${held.since}). ` +
          `Wait for it to finish or stop it; if no such run exists, delete ${file}.`,
      );
    }
    staleNote = `Took over a stale lock in ${dir}${held ? ` (PID ${held.pid} is gone)` : ''}.`;
    rmSync(file, { force: true });
  }
  throw new UserError(`${dir} is being locked and unlocked by another mfx run; try again.`);
}
