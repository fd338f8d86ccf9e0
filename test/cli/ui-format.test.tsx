import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatLoss } from '../../cli/format/numbers.js';
import { percent as formatPercent, points as formatPoints } from '../../runtime/results/numbers.js';
import { groupParams as summarizeParams, subsetNotice } from '../../runtime/results/step-text.js';
import { sparkline } from '../../cli/ui/sparkline.js';

describe('terminal number formats', () => {
  it('shows accuracy in percent and Delta in signed points', () => {
    expect(formatPercent(0.98553)).toBe('98.55');
    expect(formatPoints(0.0031)).toBe('+0.31');
    expect(formatPoints(-0.012)).toBe('-1.20');
    expect(formatPoints(-0.00001)).toBe('+0.00');
  });

  it('shows durations as seconds, minutes or hours', () => {
    expect(formatDuration(4.25)).toBe('4.3s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(245)).toBe('4m05s');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(null)).toBe('--');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--');
  });

  it('groups thousands and spells out a diverged loss', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(-1234)).toBe('-1,234');
    expect(formatLoss(Number.NaN)).toBe('NaN');
    expect(formatLoss(Number.POSITIVE_INFINITY)).toBe('Inf');
    expect(formatLoss(0.123456)).toBe('0.1235');
  });
});

describe('sparkline', () => {
  it('scales the window between its min and max and marks non-finite losses', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([2, 2, 2], 10)).toBe('▁▁▁');
    expect(sparkline([1, Number.NaN, 3], 10)).toBe('▁!█');
    expect(sparkline([5, 4, 3, 2, 1], 3)).toBe('█▅▁'); // only the most recent values
  });
});

describe('parameter and subset wording', () => {
  it('collapses weight+bias into the layer name', () => {
    expect(summarizeParams(['conv1.weight', 'conv1.bias', 'conv2.weight', 'fc1.bias'])).toEqual(['conv1', 'conv2.weight', 'fc1.bias']);
  });

  it('says which subset a run uses, or nothing for full data', () => {
    expect(subsetNotice({ train: 256, test: null })).toBe('subset: first 256 training images, all test images (quick look, not a full run)');
    expect(subsetNotice({ train: null, test: null })).toBeNull();
  });
});
