// The fingerprint of what `npm run build` compiles: every source file under grammar/, compiler/,
// runtime/ and cli/ plus the two tsconfig files, by path and content (not by time stamp, which
// a checkout or a copy changes). scripts/build.mjs writes it into dist/build-stamp.json;
// test/build/dist-fresh.test.ts fails when the sources no longer match it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const SOURCE_DIRS = ['grammar', 'compiler', 'runtime', 'cli'];
export const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];
const SOURCE_FILE = /\.(ts|tsx|mts|mjs|json)$/;

function listFiles(root, dir) {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(root, rel);
    return SOURCE_FILE.test(entry.name) ? [rel] : [];
  });
}

/** sha256 over the sorted source paths and their contents, as hex. */
export function sourceHash(root) {
  const files = [...SOURCE_DIRS.flatMap((dir) => listFiles(root, dir)), ...CONFIG_FILES].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
