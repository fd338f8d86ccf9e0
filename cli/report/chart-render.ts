// Vega-Lite spec → Vega → SVG (headless: renderer 'none', no canvas, no browser), and
// SVG → PNG with resvg. resvg draws text only with a font it can load: it scans the system
// fonts (fc-list) and maps the generic `sans-serif` family to DejaVu Sans when installed.
// On a machine without any font file the PNG is still produced and valid, with the text
// (titles, axis labels, legends) left out; the SVG always keeps its text.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Compiles a Vega-Lite spec to the Vega spec report.html renders in the browser: the same
 * chart, with its legend entries made clickable (and faded while hidden through `hiddenSignal`).
 */
export function compileForBrowser(spec: TopLevelSpec, hiddenSignal: string): vega.Spec {
  const compiled = vegaLite.compile(spec).spec as vega.Spec;
  const faded = { signal: `indexof(${hiddenSignal}, datum.value) >= 0 ? 0.3 : 1` };
  const visit = (node: { legends?: vega.Legend[]; marks?: unknown[] }) => {
    for (const legend of node.legends ?? []) {
      const encode = (legend.encode ??= {});
      for (const part of ['symbols', 'labels'] as const) {
        const block = (encode[part] ??= {});
        block.interactive = true;
        const update = ((block as { update?: Record<string, unknown> }).update ??= {});
        update.opacity = faded;
        update.cursor = { value: 'pointer' };
      }
    }
    for (const mark of node.marks ?? []) {
      if (mark && typeof mark === 'object' && (mark as { type?: string }).type === 'group') visit(mark as typeof node);
    }
  };
  visit(compiled as typeof compiled & { legends?: vega.Legend[] });
  return compiled;
}

/** Renders a Vega-Lite spec to a standalone SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn, logger: silentLogger() });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises an SVG document at `scale` times its size (2 = sharp on high-DPI screens and in
 * papers). `systemFonts: false` renders as on a machine without fonts: shapes only, no text.
 */
export function svgToPng(svg: string, scale = 2, options: { systemFonts?: boolean } = {}): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: options.systemFonts ?? true, sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

// Vega logs warnings (e.g. an empty scale domain) to the console; library code must not print.
function silentLogger(): vega.LoggerInterface {
  let level = vega.Warn;
  const logger: vega.LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error: () => logger,
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
  } as vega.LoggerInterface;
  return logger;
}
