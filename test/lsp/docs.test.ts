// Hover texts come from the user manual's tables (docs/language.md), with the grammar's usage line.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerDoc, parseManual, statementDoc } from '../../cli/lsp/docs.js';
import { SETTING_KEYWORDS, STEP_KEYWORDS } from '../../grammar/index.js';

const MANUAL = readFileSync(resolve(import.meta.dirname, '../../docs/language.md'), 'utf8');

describe('statement docs from the manual', () => {
  it('reads the rows of the Settings, Steps and Models tables by keyword', () => {
    const rows = parseManual(MANUAL);
    // Every statement the grammar knows (but `arm`, described in prose) has a row.
    for (const k of [...SETTING_KEYWORDS, ...STEP_KEYWORDS]) expect(rows.get(k)?.length, k).toBeGreaterThan(0);
    expect(rows.get('train')).toEqual(expect.arrayContaining([expect.stringMatching(/^`train N alternate`: N epochs alternating/)]));
    expect(rows.get('relu6')).toEqual([expect.stringMatching(/activations/)]);
    // Links are reduced to their text; escaped pipes stay inside their cell.
    expect(rows.get('model')?.[0]).toContain('(see Models)');
    expect(rows.get('conv')?.[0]).toContain('[padding valid|same]');
  });

  it('hovers show the usage line and the manual rows', () => {
    const train = statementDoc('train') ?? '';
    expect(train).toMatch(/^```mfx\ntrain N \[alternate\] \[select\] \[on HEAD \[\+ HEAD\.\.\.\]\]\n```\n- `train N`:/);
    expect(train).toContain('`train N alternate`');
    expect(train).toContain('`train N on HEAD [+ HEAD...]`');
    expect(statementDoc('head')).toMatch(/^```mfx\nhead NAME\n```\n- `head NAME`: add a head/);
    expect(layerDoc('flatten')).toContain('the *feature boundary*');
    // `arm` has no table row: the built-in sentence stands in.
    expect(statementDoc('arm')).toContain('One variant of the experiment');
  });
});
