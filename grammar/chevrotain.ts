// Chevrotain, loaded from the single-file ES module its package ships (lib/chevrotain.mjs)
// instead of its package entry: the entry is ~150 small modules (lodash-es included) that
// cost Node ~0.2 s to load on every `mfx` start, the bundle ~10 ms. Same code, same version.
// Every runtime use of Chevrotain goes through this module, so only one copy is ever loaded
// (its classes are compared with instanceof). Types still come from 'chevrotain' itself.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type Chevrotain = typeof import('chevrotain');

async function loadChevrotain(): Promise<Chevrotain> {
  const entry = createRequire(import.meta.url).resolve('chevrotain'); // <package>/lib/src/api.js
  const bundle = path.join(path.dirname(entry), '..', 'chevrotain.mjs');
  if (existsSync(bundle)) return (await import(pathToFileURL(bundle).href)) as Chevrotain;
  return import('chevrotain'); // a release without the bundle: the slower, equal entry
}

const chevrotain = await loadChevrotain();
export const { createToken, CstParser, Lexer, generateCstDts } = chevrotain;
