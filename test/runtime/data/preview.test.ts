import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { ImageSet } from '../../../runtime/data/image-set.js';
import { resolveTestSet } from '../../../compiler/test-sets.js';
import { imageGrey, occlusionOutline, renderTerminalPreview, sampleGridPng } from '../../../runtime/data/preview.js';

/** Two 4x4 images: a white top half, and a white bottom-right pixel, normalised with mean .5 std .5. */
function tinySet(): ImageSet {
  const raw = [
    [255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255],
  ];
  const images = Float32Array.from(raw.flat().map((v) => (v / 255 - 0.5) / 0.5));
  return { name: 'tiny', images, labels: Uint8Array.from([3, 8]), n: 2, height: 4, width: 4, channels: 1, normalisation: { mean: [0.5], std: [0.5] } };
}

describe('terminal preview', () => {
  it('maps normalised floats back to bytes', () => {
    expect(Array.from(imageGrey(tinySet(), 1)).slice(12)).toEqual([0, 0, 0, 255]);
  });

  it('draws two pixel rows per text row with half blocks, side by side, with captions', () => {
    const text = renderTerminalPreview(tinySet(), { columns: 80, color: false, captions: ['a3', 'b8'] });
    expect(text.split('\n').slice(0, 3)).toEqual(['████', '         ▄', 'a3    b8']);
  });

  it('wraps images that do not fit the width', () => {
    const text = renderTerminalPreview(tinySet(), { columns: 5, color: false });
    expect(text.split('\n').filter((l) => l.startsWith('#')).length).toBe(2);
  });

  it('uses 256-colour greys when asked', () => {
    expect(renderTerminalPreview(tinySet(), { color: true })).toContain('\x1b[38;5;231m\x1b[48;5;231m▀');
  });
});

describe('PNG sample grid', () => {
  it('encodes a grid of scaled images that decodes to the right pixels', () => {
    const png = PNG.sync.read(sampleGridPng(tinySet(), { k: 2, scale: 3 }));
    // Two cells side by side: 2 + (12 + 2) * 2 wide; one row: 2 + 12 + caption 14 + 2 high.
    expect([png.width, png.height]).toEqual([30, 30]);
    const at = (x: number, y: number): number[] => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
    expect(at(2, 2)).toEqual([255, 255, 255]); // first image, top half
    expect(at(2, 2 + 6)).toEqual([0, 0, 0]); // first image, bottom half
    expect(at(16 + 11, 2 + 11)).toEqual([255, 255, 255]); // second image, bottom-right pixel
  });

  it('draws captions in the caption strip and an outline of a mask', () => {
    const mask = new Uint8Array(16);
    mask[0] = 1;
    const png = PNG.sync.read(sampleGridPng(tinySet(), { k: 2, scale: 3, captions: ['1', ''], outline: { mask, color: [200, 0, 0] } }));
    const at = (x: number, y: number): number[] => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
    expect(at(2, 2)).toEqual([200, 0, 0]);
    let ink = 0;
    for (let y = 14; y < 28; y++) for (let x = 2; x < 14; x++) if (at(x, y)[0] === 255) ink++;
    expect(ink).toBeGreaterThan(0); // the digit 1 in the first caption strip
    let ink2 = 0;
    for (let y = 14; y < 28; y++) for (let x = 16; x < 28; x++) if (at(x, y)[0] === 255) ink2++;
    expect(ink2).toBe(0); // empty caption
  });
});

describe('occlusion outline', () => {
  it('marks the removed region of occlusions and the squares of fillings, nothing for unmodified', () => {
    expect(occlusionOutline(resolveTestSet('pmnist.unmodified')!.variant, 28, 28)).toBeUndefined();
    expect(occlusionOutline(resolveTestSet('pmnist.hcut')!.variant, 28, 28)?.mask.reduce((a, b) => a + b, 0)).toBe(392);
    expect(occlusionOutline(resolveTestSet('pmnist-fill.noise')!.variant, 28, 28)?.mask.reduce((a, b) => a + b, 0)).toBe(243);
  });
});
