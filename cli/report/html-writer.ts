// Renders a ReportDocument as one self-contained HTML page: inline CSS, charts as SVG data URIs,
// raster images as data URIs. No scripts, no fonts or styles fetched from the network.
import type { Block, ReportDocument } from './document.js';

const CSS = `
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: .3em; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #eee; padding-bottom: .2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: .92em; }
th, td { border: 1px solid #ccc; padding: .3em .6em; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { background: #f2f2f2; padding: 0 .25em; border-radius: 3px; font-size: .92em; }
figure { margin: 1.5em 0; }
figure svg, figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .9em; }
img.pixels { image-rendering: pixelated; }
`.trim();

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escapes text and turns `code` spans into <code> elements. */
function inline(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join('');
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${inline(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${inline(block.text)}</p>`;
    case 'list':
      return `<ul>\n${block.items.map((i) => `<li>${inline(i)}</li>`).join('\n')}\n</ul>`;
    case 'table': {
      const head = `<tr>${block.header.map((h) => `<th>${inline(h)}</th>`).join('')}</tr>`;
      const rows = block.rows.map(
        (row) => `<tr>${row.map((c, i) => `<td${block.align?.[i] === 'right' ? ' class="num"' : ''}>${inline(c)}</td>`).join('')}</tr>`,
      );
      return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
    }
    case 'figure': {
      // SVGs go in as data URIs, not inline: Vega names its clip paths clip1, clip2, ... in
      // every chart, and inline copies in one page would resolve each other's ids.
      const body = block.svg
        ? `<img alt="${escapeHtml(block.caption)}" src="data:image/svg+xml;base64,${Buffer.from(block.svg, 'utf8').toString('base64')}">`
        : block.png
          ? `<img class="pixels" alt="${escapeHtml(block.caption)}" src="data:image/png;base64,${block.png.toString('base64')}">`
          : `<p>(${escapeHtml(block.file)})</p>`;
      return `<figure>\n${body}\n<figcaption>${inline(block.caption)}</figcaption>\n</figure>`;
    }
  }
}

export function renderHtml(doc: ReportDocument): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    `<h1>${inline(doc.title)}</h1>`,
    ...doc.blocks.map(renderBlock),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
