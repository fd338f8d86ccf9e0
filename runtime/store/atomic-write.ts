// Every run-folder file is written to a temporary name and renamed into place, so a crash or
// SIGKILL leaves either the old file or the new one, never half of one.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

let counter = 0;

/** Writes `data` to `file` atomically (same-folder temp file, then rename). */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${counter++}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
