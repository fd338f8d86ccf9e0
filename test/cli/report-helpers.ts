// Shared checks for report and compare tests: run the CLI in-process and validate chart files.
import { readFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { runMain } from './helpers/run-main.js';

export const runCli = runMain;

/** Parses an SVG file with resvg (a real XML + SVG parser: malformed files throw) and returns its size. */
export function checkSvg(path: string): { width: number; height: number; text: string } {
  const text = readFileSync(path, 'utf8');
  if (!/^(<\?xml[^>]*>\s*)?<svg[\s>]/.test(text) || !text.trimEnd().endsWith('</svg>')) throw new Error(`${path} is not an SVG document`);
  const r = new Resvg(text, { font: { loadSystemFonts: false } });
  return { width: r.width, height: r.height, text };
}

/** Decodes a PNG file with pngjs (throws on a corrupt file) and returns its size. */
export function checkPng(path: string): { width: number; height: number } {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height };
}
