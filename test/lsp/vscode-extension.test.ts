// The VS Code extension's manifest points at files that exist and agree with each other, and
// the server command it starts is the one `mfx` registers.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = resolve(import.meta.dirname, '../../editors/vscode');
const json = (file: string) => JSON.parse(readFileSync(resolve(DIR, file), 'utf8'));

describe('editors/vscode', () => {
  const manifest = json('package.json');

  it('contributes the mfx language with its configuration and grammar', () => {
    const [language] = manifest.contributes.languages;
    expect(language).toMatchObject({ id: 'mfx', extensions: ['.mfx'] });
    expect(json(language.configuration).comments.lineComment).toBe('#');
    const [grammar] = manifest.contributes.grammars;
    expect(grammar.language).toBe('mfx');
    expect(json(grammar.path).scopeName).toBe(grammar.scopeName);
    expect(existsSync(resolve(DIR, manifest.main))).toBe(true);
  });

  it('starts `mfx lsp --stdio` and contributes the command it registers', () => {
    const source = readFileSync(resolve(DIR, manifest.main), 'utf8');
    expect(source).toContain("'lsp', '--stdio'");
    expect(manifest.contributes.configuration.properties['mfx.server.command'].default).toBe('mfx');
    for (const [, id] of source.matchAll(/registerCommand\('([^']+)'/g)) {
      expect(manifest.contributes.commands.map((c: { command: string }) => c.command)).toContain(id);
    }
    expect(manifest.dependencies['vscode-languageclient']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
