// Seeing what a test set looks like: terminal rendering with Unicode half blocks (two image
// rows per text row) and a PNG grid of samples with captions (in colour for three-channel
// images). Both return values; the CLI decides where they go. Pixels are mapped back from
// normalised floats to 0..255.
import { PNG } from 'pngjs';
import { GLYPH_HEIGHT, glyphPixel, textWidth } from './bitmap-font.js';
import type { TestSetVariant } from '../../compiler/test-sets.js';
import type { ImageSet } from './image-set.js';
import { imageSize } from './image-set.js';
import { occlusionMask } from './occlusions.js';

/** Image i mapped back to bytes 0..255, NHWC like the set (height*width*channels values). */
export function imageBytes(set: ImageSet, i: number): Uint8ClampedArray {
  const size = imageSize(set);
  const out = new Uint8ClampedArray(size);
  const base = i * size;
  if (set.normalisation) {
    const { mean, std } = set.normalisation;
    const per = mean.length;
    for (let k = 0; k < size; k++) {
      const ch = per === 1 ? 0 : k % set.channels;
      out[k] = Math.round((set.images[base + k] * std[ch] + mean[ch]) * 255);
    }
    return out;
  }
  // Hand-built sets without normalisation info: stretch each image's own range.
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < size; k++) {
    lo = Math.min(lo, set.images[base + k]);
    hi = Math.max(hi, set.images[base + k]);
  }
  const span = hi > lo ? hi - lo : 1;
  for (let k = 0; k < size; k++) out[k] = Math.round(((set.images[base + k] - lo) / span) * 255);
  return out;
}

/** Greyscale 0..255 of image i (channels averaged), height*width values. */
export function imageGrey(set: ImageSet, i: number): Uint8ClampedArray {
  const bytes = imageBytes(set, i);
  if (set.channels === 1) return bytes;
  const pixels = set.height * set.width;
  const out = new Uint8ClampedArray(pixels);
  for (let p = 0; p < pixels; p++) {
    let acc = 0;
    for (let ch = 0; ch < set.channels; ch++) acc += bytes[p * set.channels + ch];
    out[p] = acc / set.channels;
  }
  return out;
}

/** Image i as RGB bytes (height*width*3): the image itself when it has three channels, else its grey repeated. */
function imageRgb(set: ImageSet, i: number): Uint8ClampedArray {
  if (set.channels === 3) return imageBytes(set, i);
  const grey = imageGrey(set, i);
  const out = new Uint8ClampedArray(grey.length * 3);
  for (let p = 0; p < grey.length; p++) out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = grey[p];
  return out;
}

export interface TerminalPreviewOptions {
  /** Which images, in order (default: the first 8). */
  indices?: number[];
  /** Text width available; images wrap onto more rows when they do not fit (default 80). */
  columns?: number;
  /** ANSI 256-colour greys; false gives plain half blocks thresholded at mid-grey. */
  color?: boolean;
  /** One caption per shown image (default: `#index label L`). */
  captions?: string[];
}

/** xterm-256 colour index for a grey level: 16 (black), 232..255 (the grey ramp), 231 (white). */
function grey256(v: number): number {
  if (v < 4) return 16;
  if (v > 250) return 231;
  return 232 + Math.min(23, Math.max(0, Math.round((v - 8) / 10)));
}

/** Text lines showing the images side by side, two pixel rows per line. */
export function renderTerminalPreview(set: ImageSet, opts: TerminalPreviewOptions = {}): string {
  const indices = opts.indices ?? Array.from({ length: Math.min(8, set.n) }, (_, i) => i);
  const color = opts.color ?? false;
  const gap = 2;
  const perRow = Math.max(1, Math.floor(((opts.columns ?? 80) + gap) / (set.width + gap)));
  const lines: string[] = [];
  const textRows = Math.ceil(set.height / 2);
  for (let start = 0; start < indices.length; start += perRow) {
    const group = indices.slice(start, start + perRow);
    const greys = group.map((i) => imageGrey(set, i));
    for (let tr = 0; tr < textRows; tr++) {
      let line = '';
      greys.forEach((g, gi) => {
        if (gi > 0) line += ' '.repeat(gap);
        for (let c = 0; c < set.width; c++) {
          const top = g[2 * tr * set.width + c];
          const bottom = 2 * tr + 1 < set.height ? g[(2 * tr + 1) * set.width + c] : 0;
          if (color) line += `\x1b[38;5;${grey256(top)}m\x1b[48;5;${grey256(bottom)}m▀`;
          else line += top >= 128 ? (bottom >= 128 ? '█' : '▀') : bottom >= 128 ? '▄' : ' ';
        }
        if (color) line += '\x1b[0m';
      });
      lines.push(line.replace(/ +$/, ''));
    }
    const captions = group.map((i, gi) => (opts.captions?.[start + gi] ?? `#${i} label ${set.labels[i]}`).slice(0, set.width).padEnd(set.width));
    lines.push(captions.join(' '.repeat(gap)).replace(/ +$/, ''));
    lines.push('');
  }
  return lines.join('\n');
}

export type Rgb = [number, number, number];

export interface SampleGridOptions {
  /** Grid side: k x k samples (default 8, fewer cells when the set is smaller). */
  k?: number;
  /** Which images fill the grid, row by row (default: the first k*k). */
  indices?: number[];
  /** Pixel magnification of each image (default 3). */
  scale?: number;
  /** One caption per cell (default: the label). Drawn with a 3x5 font: digits, A-Z, / - . : # */
  captions?: string[];
  /** Caption colour per cell (default white), e.g. red for wrong predictions. */
  captionColors?: Rgb[];
  /**
   * Draws the edge of a per-pixel mask (height*width, non-zero = inside) over every image,
   * e.g. the occluded region, which is otherwise black on a black background. The line is
   * drawn on the mask's own border pixels, so no pixel outside the mask is covered.
   */
  outline?: { mask: Uint8Array; color: Rgb };
}

const BORDER: Rgb = [90, 90, 90];
const CAPTION_BG: Rgb = [32, 32, 32];
const FONT_SCALE = 2;

/** A PNG (encoded bytes) showing k x k samples of a set, each with its caption underneath. */
export function sampleGridPng(set: ImageSet, opts: SampleGridOptions = {}): Buffer {
  const k = Math.max(1, Math.floor(opts.k ?? 8));
  const indices = (opts.indices ?? Array.from({ length: k * k }, (_, i) => i)).filter((i) => i < set.n).slice(0, k * k);
  const cols = Math.max(1, Math.min(k, indices.length));
  const rows = Math.max(1, Math.ceil(indices.length / cols));
  const scale = Math.max(1, Math.floor(opts.scale ?? 3));
  const imgW = set.width * scale;
  const imgH = set.height * scale;
  const captionH = GLYPH_HEIGHT * FONT_SCALE + 4;
  const border = 2;
  const cellW = imgW + border;
  const cellH = imgH + captionH + border;
  const width = cols * cellW + border;
  const height = rows * cellH + border;
  const png = new PNG({ width, height });
  const put = (x: number, y: number, [r, g, b]: Rgb): void => {
    const o = (y * width + x) * 4;
    png.data[o] = r;
    png.data[o + 1] = g;
    png.data[o + 2] = b;
    png.data[o + 3] = 255;
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(x, y, BORDER);

  indices.forEach((index, cell) => {
    const x0 = (cell % cols) * cellW + border;
    const y0 = Math.floor(cell / cols) * cellH + border;
    const rgb = imageRgb(set, index);
    for (let y = 0; y < imgH; y++) {
      for (let x = 0; x < imgW; x++) {
        const p = 3 * (Math.floor(y / scale) * set.width + Math.floor(x / scale));
        put(x0 + x, y0 + y, [rgb[p], rgb[p + 1], rgb[p + 2]]);
      }
    }
    if (opts.outline) drawMaskEdge(opts.outline.mask, opts.outline.color, set.width, set.height, scale, (x, y, c) => put(x0 + x, y0 + y, c));
    for (let y = 0; y < captionH; y++) for (let x = 0; x < imgW; x++) put(x0 + x, y0 + imgH + y, CAPTION_BG);
    const caption = opts.captions?.[cell] ?? String(set.labels[index]);
    const ink = opts.captionColors?.[cell] ?? [255, 255, 255];
    // Centre the caption; clip what does not fit the cell.
    const tx0 = x0 + Math.max(0, Math.floor((imgW - textWidth(caption) * FONT_SCALE) / 2));
    const ty0 = y0 + imgH + 2;
    [...caption].forEach((ch, ci) => {
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
        for (let gx = 0; gx < 3; gx++) {
          if (!glyphPixel(ch, gx, gy)) continue;
          for (let sy = 0; sy < FONT_SCALE; sy++) {
            for (let sx = 0; sx < FONT_SCALE; sx++) {
              const x = tx0 + (ci * 4 + gx) * FONT_SCALE + sx;
              if (x < x0 + imgW) put(x, ty0 + gy * FONT_SCALE + sy, ink);
            }
          }
        }
      }
    });
  });
  return PNG.sync.write(png);
}

/** For each masked pixel, colours the sides (one scaled pixel thick) that face an unmasked pixel or the image edge. */
function drawMaskEdge(
  mask: Uint8Array,
  color: Rgb,
  width: number,
  height: number,
  scale: number,
  put: (x: number, y: number, c: Rgb) => void,
): void {
  const inside = (r: number, c: number): boolean => r >= 0 && r < height && c >= 0 && c < width && mask[r * width + c] !== 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (!inside(r, c)) continue;
      const x0 = c * scale;
      const y0 = r * scale;
      const last = scale - 1;
      for (let t = 0; t < scale; t++) {
        if (!inside(r - 1, c)) put(x0 + t, y0, color);
        if (!inside(r + 1, c)) put(x0 + t, y0 + last, color);
        if (!inside(r, c - 1)) put(x0, y0 + t, color);
        if (!inside(r, c + 1)) put(x0 + last, y0 + t, color);
      }
    }
  }
}

/**
 * The outline option that marks what a test set replaced (the occluded region, or the
 * triple-cut squares of a filling) in dim red, so black squares show on a black background.
 * Undefined for `unmodified`.
 */
export function occlusionOutline(variant: TestSetVariant, height: number, width: number): SampleGridOptions['outline'] {
  const occlusion = variant.kind === 'occlusion' ? variant.occlusion : 'tcut';
  if (occlusion === 'unmodified') return undefined;
  return { mask: occlusionMask(occlusion, height, width), color: [160, 40, 40] };
}
