// docs/language.md is the user's manual: it documents every diagnostic code in the catalogue,
// and its examples of diagnostics are the golden files (so they cannot drift from mfx's output).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CATALOGUE } from '../../compiler/diagnostics.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const manual = readFileSync(path.join(ROOT, 'docs', 'language.md'), 'utf8');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'errors');
const fixtures = readdirSync(FIXTURES);

/** The manual's section for one code: from its `### CODE:` heading to the next heading. */
function sectionOf(code: string): string | null {
  const start = manual.indexOf(`\n### ${code}:`);
  if (start < 0) return null;
  const rest = manual.slice(start + 1);
  const end = rest.search(/\n##+ /);
  return rest.slice(0, end < 0 ? undefined : end);
}

describe('docs/language.md', () => {
  it.each(Object.values(DIAGNOSTIC_CATALOGUE).map((d) => [d.code, d]))('documents %s', (code, d) => {
    const section = sectionOf(code);
    expect(section, `no "### ${code}:" section`).not.toBeNull();
    expect(section).toContain(d.summary);
    expect(section).toContain(`(${d.severity})`);
  });

  it.each(Object.values(DIAGNOSTIC_CATALOGUE).map((d) => [d.code]))('shows the golden example for %s, as mfx prints it', (code) => {
    const fixture = fixtures.find((f) => f.startsWith(`${code}-`) && f.endsWith('.mfx'));
    if (!fixture) return; // MFX1013 has no input that produces it (see its section)
    const source = readFileSync(path.join(FIXTURES, fixture), 'utf8').trimEnd();
    const output = readFileSync(path.join(FIXTURES, fixture.replace(/\.mfx$/, '.errors.txt')), 'utf8')
      .trimEnd()
      .replaceAll(`test/fixtures/errors/${fixture}`, 'example.mfx');
    const section = sectionOf(code)!;
    expect(section).toContain(`\`\`\`\n${source}\n\`\`\``);
    expect(section).toContain(`\`\`\`text\n${output}\n\`\`\``);
  });

  it('links only to files that exist in the repository', () => {
    const links = [...manual.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l));
    for (const link of links) expect(existsSync(path.join(ROOT, 'docs', link)), link).toBe(true);
  });
});

