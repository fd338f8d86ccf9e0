// Vega-Lite spec → Vega → SVG (headless: renderer 'none', no canvas, no browser), and
// SVG → PNG with resvg. resvg draws text only with a font it can load: it scans the system
// fonts (fc-list) and maps the generic `sans-serif` family to DejaVu Sans when installed.
// On a machine without any font file the PNG is still produced and valid, with the text
// (titles, axis labels, legends) left out; the SVG always keeps its text.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

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
