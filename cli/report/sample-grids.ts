// One PNG grid of sample images per test set, so a reader sees what "hcut" or "tcut+noise"
// actually removed. Generated from the plan's dataset with the plan's seed, as the runtime
// generates them for every repeat (the triple-cut fillings depend on it); first images only.
import type { Plan } from '../../compiler/plan.js';
import { loadDataset } from '../../runtime/data/datasets.js';
import { DataError } from '../../runtime/data/errors.js';
import { sampleGridPng } from '../../runtime/data/preview.js';
import { makeTestSet } from '../../runtime/data/test-sets.js';
import { resolveTestSet } from '../../compiler/test-sets.js';

export interface SampleGrid {
  testSet: string;
  png: Buffer;
  width: number;
  height: number;
}

export const GRID_SIDE = 8;
const PIXEL_SCALE = 2;

function pngSize(png: Buffer): { width: number; height: number } {
  // IHDR is the first chunk: width and height are big-endian at bytes 16 and 20.
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Grids for the given test sets. When the dataset cannot be loaded (e.g. an idx folder that
 * is not on this machine) returns no grids and a note saying why, instead of failing the report.
 */
export async function sampleGrids(plan: Plan, testSets: string[]): Promise<{ grids: SampleGrid[]; notes: string[] }> {
  let dataset;
  try {
    dataset = await loadDataset(plan.dataset, { trainSubset: 1, testSubset: GRID_SIDE * GRID_SIDE });
  } catch (err) {
    if (err instanceof DataError) return { grids: [], notes: [`No sample images: the dataset could not be loaded here. ${err.message}`] };
    throw err;
  }
  const grids: SampleGrid[] = [];
  const notes: string[] = [];
  const seed = plan.seed; // the runtime scores every repeat on the test sets of the plan's seed
  for (const testSet of testSets) {
    try {
      const ref = resolveTestSet(testSet);
      if (!ref) {
        notes.push(`No sample images for \`${testSet}\`: it is not a test set name.`);
        continue;
      }
      const png = sampleGridPng(makeTestSet(ref, dataset, seed), { k: GRID_SIDE, scale: PIXEL_SCALE });
      grids.push({ testSet, png, ...pngSize(png) });
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      notes.push(`No sample images for \`${testSet}\`: ${err.message}`);
    }
  }
  return { grids, notes };
}

/** An SVG document that shows a PNG at its own size (so every chart exists as SVG and PNG). */
export function pngAsSvg(png: Buffer, width: number, height: number, title: string): string {
  const esc = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>${esc}</title>` +
    `<image width="${width}" height="${height}" style="image-rendering:pixelated" xlink:href="data:image/png;base64,${png.toString('base64')}"/>` +
    '</svg>\n'
  );
}
