// Every run-folder file is written to a temporary name and renamed into place, so a crash or
// SIGKILL leaves either the old file or the new one, never half of one.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

let counter = 0;

/** Writes `data` to `file` atomically (same-folder temp file, then rename). */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // Threads of one process (--jobs, mfx worker) each count from 0: the thread id keeps their names apart.
  const tmp = `${file}.tmp-${process.pid}-${threadId}-${counter++}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    // A full disk must not leave half a file behind; and a failed `write` names no path.
    rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e === 'object' && e.path === undefined) e.path = file;
    throw err;
  }
}

const TEMP_NAME = /\.tmp-(\d+)-(?:\d+-)?\d+$/;

/**
 * Removes the temporary files that writers which died (SIGKILL, a full disk in another version)
 * left under `dir`; those of live processes are kept. Returns how many were removed.
 */
export function sweepTempFiles(dir: string, isAlive: (pid: number) => boolean = processAlive): number {
  let removed = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const m = entry.isFile() ? TEMP_NAME.exec(entry.name) : null;
    if (!m || isAlive(Number(m[1]))) continue;
    rmSync(path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name), { force: true });
    removed++;
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
