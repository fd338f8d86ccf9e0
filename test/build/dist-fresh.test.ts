// dist/ (what bin/mfx.js and the package run) must be compiled from the sources in the checkout.
// `npm ci` builds it through `prepare`; after editing a source, `npm run build`.
import { appendFileSync, cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_FILES, SOURCE_DIRS, sourceHash } from '../../scripts/source-hash.mjs';
import { distProblem, ROOT } from '../helpers/built-cli.js';

describe('the compiled build', () => {
  it('dist/ was built from the current sources', () => {
    expect(distProblem()).toBeNull();
  });

  describe('the sources fingerprint in dist/build-stamp.json', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'mfx-hash-'));
    for (const entry of [...SOURCE_DIRS, ...CONFIG_FILES]) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    afterAll(() => rmSync(copy, { recursive: true, force: true }));

    it('depends on the contents, not on where the tree lies or when it was written', () => {
      expect(sourceHash(copy)).toBe(sourceHash(ROOT));
    });

    it('changes when a source file changes', () => {
      const before = sourceHash(copy);
      appendFileSync(path.join(copy, 'cli', 'main.ts'), '\n');
      expect(sourceHash(copy)).not.toBe(before);
    });

    it('changes when a source file is renamed', () => {
      const before = sourceHash(copy);
      renameSync(path.join(copy, 'cli', 'context.ts'), path.join(copy, 'cli', 'context2.ts'));
      expect(sourceHash(copy)).not.toBe(before);
    });

    it('changes with the compiler settings', () => {
      const before = sourceHash(copy);
      appendFileSync(path.join(copy, 'tsconfig.build.json'), ' ');
      expect(sourceHash(copy)).not.toBe(before);
    });
  });
});
