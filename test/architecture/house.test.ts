// The house rules of docs/architecture.md, read from the imports: no import cycle inside
// runtime/, runtime/ imports nothing but types from compiler/ (and nothing from cli/ or
// grammar/), and no file in runtime/ is over 300 lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNTIME = path.join(ROOT, 'runtime');
const MAX_LINES = 300;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mjs)$/.test(name) ? [full] : [];
  });
}

interface Import {
  from: string;
  target: string;
  typeOnly: boolean;
}

/** Static relative imports and re-exports of a file (dynamic `import()` included). */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): Import[] {
  const out: Import[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^'";]*?\bfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const m of text.matchAll(statement)) {
    const clause = m[3] ?? '';
    // `import { type A, type B } from` is type-only too.
    const names = clause.match(/\{([^}]*)\}/)?.[1];
    const allTypes = names !== undefined && names.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '));
    out.push({ from: file, target: resolve(file, m[4]), typeOnly: m[2] !== undefined || (allTypes && !/^\s*\w/.test(clause.replace(/\{[^}]*\}/, '').replace(/from\s+$/, ''))) });
  }
  for (const m of text.matchAll(/import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)) out.push({ from: file, target: resolve(file, m[1]), typeOnly: false });
  return out;
}

function resolve(file: string, spec: string): string {
  const p = path.resolve(path.dirname(file), spec);
  return p.replace(/\.js$/, '.ts');
}

const rel = (p: string) => path.relative(ROOT, p);
const files = sourceFiles(RUNTIME);
const imports = files.flatMap((f) => importsOf(f));

describe('the house (docs/architecture.md)', () => {
  it('recognises type-only imports', () => {
    const f = path.join(RUNTIME, 'x.ts');
    const parse = (t: string) => importsOf(f, t).map((i) => i.typeOnly);
    expect(parse("import type { A } from '../compiler/plan.js';")).toEqual([true]);
    expect(parse("import { type A, type B } from '../compiler/plan.js';")).toEqual([true]);
    expect(parse("import { type A, b } from '../compiler/plan.js';")).toEqual([false]);
    expect(parse("import { a } from '../compiler/plan.js';")).toEqual([false]);
    expect(parse("export { a } from './a.js';")).toEqual([false]);
  });

  it('runtime/ imports nothing but types from compiler/, and nothing from grammar/ or cli/', () => {
    const upward = imports.filter((i) => {
      const to = rel(i.target);
      if (to.startsWith('grammar/') || to.startsWith('cli/')) return true;
      return to.startsWith('compiler/') && !i.typeOnly;
    });
    expect(upward.map((i) => `${rel(i.from)} -> ${rel(i.target)}`)).toEqual([]);
  });

  it(`no file in runtime/ is over ${MAX_LINES} lines`, () => {
    const long = files.map((f) => ({ f: rel(f), lines: readFileSync(f, 'utf8').split('\n').length - 1 })).filter((x) => x.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('runtime/ has no import cycle', () => {
    const edges = new Map<string, string[]>();
    for (const i of imports) {
      if (!i.target.startsWith(RUNTIME) || i.typeOnly) continue;
      edges.set(i.from, [...(edges.get(i.from) ?? []), i.target]);
    }
    // Depth-first search; a grey node reached again closes a cycle.
    const state = new Map<string, 'grey' | 'black'>();
    const cycles: string[] = [];
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === 'black') return;
      if (state.get(node) === 'grey') {
        cycles.push([...trail.slice(trail.indexOf(node)), node].map(rel).join(' -> '));
        return;
      }
      state.set(node, 'grey');
      for (const next of edges.get(node) ?? []) visit(next, [...trail, node]);
      state.set(node, 'black');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
