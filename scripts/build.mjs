// `npm run build` (and `prepare`, so `npm ci` and `npm pack` build too): compiles grammar/,
// compiler/, runtime/ and cli/ with tsc into a fresh dist/ (source maps on), then records the
// sources' fingerprint in dist/build-stamp.json. bin/mfx.js runs dist/cli/main.js.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash } from './source-hash.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
// A fresh folder, so files whose sources were deleted or moved do not linger (and ship).
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(path.join(dist, 'build-stamp.json'), `${JSON.stringify({ sources: sourceHash(root) }, null, 2)}\n`);
