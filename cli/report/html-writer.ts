// Renders a ReportDocument as one self-contained HTML page: inline CSS, charts as SVG data URIs,
// raster images as data URIs, nothing fetched from the network.
//
// Wide tables scroll inside their own container, never the page. Figures that carry a Vega spec
// become interactive when scripts run (tooltips with per-seed values and intervals, a click on
// a legend entry hides it): Vega's own runtime is inlined once, after the content, and replaces
// each static image by the live chart. Without scripts (or if Vega fails) the static SVG stays.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Block, ReportDocument } from './document.js';
import { HIDDEN_SIGNAL } from './chart-specs.js';

const CSS = `
*, *::before, *::after { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: .3em; overflow-wrap: anywhere; }
h2 { font-size: 1.3em; margin-top: 1.8em; border-bottom: 1px solid #eee; padding-bottom: .2em; }
p, li { overflow-wrap: anywhere; }
.table-scroll { max-width: 100%; overflow-x: auto; margin: 1em 0; }
table { border-collapse: collapse; font-size: .92em; }
th, td { border: 1px solid #ccc; padding: .2em .6em; }
thead th { background: #f4f4f4; }
th[scope="row"] { text-align: left; font-weight: normal; white-space: nowrap; background: #fafafa; }
tbody th[scope="rowgroup"] { text-align: left; background: #eef3f8; font-size: .9em; letter-spacing: .02em; }
table.facts th[scope="row"] { color: #555; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { background: #f2f2f2; padding: 0 .25em; border-radius: 3px; font-size: .92em; }
figure { margin: 1.5em 0; max-width: 100%; overflow-x: auto; }
figure svg, figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .9em; }
img.pixels { image-rendering: pixelated; }
@media (max-width: 900px) { body { padding: 0 .6em; } table { font-size: .82em; } th, td { padding: .2em .35em; } }
.chart-hint { color: #777; font-size: .85em; }
.chart-tooltip { position: absolute; z-index: 10; pointer-events: none; background: #fff; border: 1px solid #999; border-radius: 4px; padding: .3em .5em; font-size: .8em; box-shadow: 0 2px 6px rgba(0,0,0,.15); max-width: min(30em, 90vw); }
.chart-tooltip table { border: 0; font-size: 1em; }
.chart-tooltip th, .chart-tooltip td { border: 0; padding: 0 .4em 0 0; vertical-align: top; background: none; }
.chart-tooltip th { color: #666; font-weight: normal; text-align: left; white-space: nowrap; }
`.trim();

// Runs after Vega's runtime: renders every figure's spec, keeps the static image on failure.
const CHART_SCRIPT = `
(function () {
  var tip = document.createElement('div');
  tip.className = 'chart-tooltip';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  document.body.appendChild(tip);
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }
  function tooltip(handler, event, item, value) {
    if (value == null || value === '') { tip.hidden = true; return; }
    var rows = typeof value === 'object' ? Object.keys(value).map(function (k) { return '<tr><th>' + esc(k) + '</th><td>' + esc(value[k]) + '</td></tr>'; }).join('') : '<tr><td>' + esc(value) + '</td></tr>';
    tip.innerHTML = '<table>' + rows + '</table>';
    tip.hidden = false;
    var x = event.pageX + 12, y = event.pageY + 12;
    if (event.clientY + 12 + tip.offsetHeight > window.innerHeight) y = Math.max(window.scrollY, event.pageY - tip.offsetHeight - 12);
    var max = document.documentElement.clientWidth + window.scrollX - tip.offsetWidth - 4;
    tip.style.left = Math.max(window.scrollX, Math.min(x, max)) + 'px';
    tip.style.top = y + 'px';
  }
  var figures = document.querySelectorAll('figure[data-chart]');
  Array.prototype.forEach.call(figures, function (figure) {
    var source = figure.querySelector('script.vega-spec');
    var image = figure.querySelector('img');
    if (!source || !window.vega) return;
    var container = document.createElement('div');
    container.className = 'chart';
    figure.insertBefore(container, figure.firstChild);
    var view = new vega.View(vega.parse(JSON.parse(source.textContent)), { renderer: 'svg', container: container, hover: true, logLevel: vega.Error });
    view.tooltip(tooltip);
    view.addEventListener('click', function (event, item) {
      if (!item || !item.mark || !/^legend-/.test(item.mark.role || '') || !item.datum || item.datum.value === undefined) return;
      var hidden = view.signal('${HIDDEN_SIGNAL}').slice();
      var at = hidden.indexOf(item.datum.value);
      if (at >= 0) hidden.splice(at, 1); else hidden.push(item.datum.value);
      view.signal('${HIDDEN_SIGNAL}', hidden).runAsync();
    });
    view.runAsync().then(function () {
      if (image) image.hidden = true;
      figure.classList.add('live');
      var hint = figure.querySelector('.chart-hint');
      if (hint) hint.hidden = false;
    }, function (error) {
      container.remove();
      console.warn('chart left static: ' + error);
    });
  });
})();
`.trim();

let vegaRuntime: string | null = null;

/** Vega's browser build (vega.min.js), read once from the installed package. */
function vegaScript(): string {
  if (vegaRuntime === null) {
    const module = fileURLToPath(import.meta.resolve('vega'));
    vegaRuntime = readFileSync(module.replace(/vega\.module\.js$/, 'vega.min.js'), 'utf8');
  }
  return vegaRuntime;
}

/** Text safe inside a <script> element (no `</script`, no `<!--`). */
function scriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

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

function tableRow(row: string[], block: Extract<Block, { kind: 'table' }>): string {
  const cells = row.map((c, i) => {
    if (i === 0 && block.rowHeaders) return `<th scope="row">${inline(c)}</th>`;
    return `<td${block.align?.[i] === 'right' ? ' class="num"' : ''}>${inline(c)}</td>`;
  });
  return `<tr>${cells.join('')}</tr>`;
}

function renderTable(block: Extract<Block, { kind: 'table' }>): string {
  const head = `<tr>${block.header.map((h) => `<th scope="col">${inline(h)}</th>`).join('')}</tr>`;
  const bodies: string[] = [];
  let next = 0;
  for (const section of block.sections ?? [{ title: null, rows: block.rows.length }]) {
    const rows = block.rows.slice(next, next + section.rows).map((r) => tableRow(r, block));
    next += section.rows;
    if (section.title !== null) rows.unshift(`<tr><th scope="rowgroup" colspan="${block.header.length}">${inline(section.title)}</th></tr>`);
    bodies.push(`<tbody>\n${rows.join('\n')}\n</tbody>`);
  }
  const id = block.id ? ` id="${escapeHtml(block.id)}"` : '';
  return `<div class="table-scroll">\n<table${id}>\n<thead>${head}</thead>\n${bodies.join('\n')}\n</table>\n</div>`;
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${inline(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${inline(block.text)}</p>`;
    case 'list':
      return `<ul>\n${block.items.map((i) => `<li>${inline(i)}</li>`).join('\n')}\n</ul>`;
    case 'facts': {
      const rows = block.rows.map(([name, value]) => `<tr><th scope="row">${inline(name)}</th><td>${inline(value)}</td></tr>`);
      return `<div class="table-scroll">\n<table class="facts">\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>\n</div>`;
    }
    case 'table':
      return renderTable(block);
    case 'figure': {
      // SVGs go in as data URIs, not inline: Vega names its clip paths clip1, clip2, ... in
      // every chart, and inline copies in one page would resolve each other's ids.
      const body = block.svg
        ? `<img alt="${escapeHtml(block.caption)}" src="data:image/svg+xml;base64,${Buffer.from(block.svg, 'utf8').toString('base64')}">`
        : block.png
          ? `<img class="pixels" alt="${escapeHtml(block.caption)}" src="data:image/png;base64,${block.png.toString('base64')}">`
          : `<p>(${escapeHtml(block.file)})</p>`;
      if (block.vega === undefined) return `<figure>\n${body}\n<figcaption>${inline(block.caption)}</figcaption>\n</figure>`;
      const name = block.file.replace(/^.*\//, '').replace(/\.[a-z]+$/, '');
      return [
        `<figure data-chart="${escapeHtml(name)}">`,
        body,
        `<script type="application/json" class="vega-spec">${scriptText(JSON.stringify(block.vega))}</script>`,
        `<figcaption>${inline(block.caption)} <span class="chart-hint" hidden>(hover for per-seed values; click a legend entry to hide it)</span></figcaption>`,
        '</figure>',
      ].join('\n');
    }
  }
}

export function renderHtml(doc: ReportDocument): string {
  const interactive = doc.blocks.some((b) => b.kind === 'figure' && b.vega !== undefined);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    `<h1>${inline(doc.title)}</h1>`,
    ...doc.blocks.map(renderBlock),
    ...(interactive ? [`<script>${scriptText(vegaScript())}</script>`, `<script>\n${CHART_SCRIPT}\n</script>`] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
