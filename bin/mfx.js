#!/usr/bin/env node
// Entry point: runs the compiled JavaScript in dist/ (`npm run build`; `npm ci` and `npm pack`
// build it through the `prepare` script), then hands over to cli/main, the only place that
// prints and exits.
import { existsSync } from 'node:fs';

// React (the live UI) in its production build unless told otherwise: the development build
// costs the training loop several times more per frame.
process.env.NODE_ENV ??= 'production';
// Stack traces (MFX_DEBUG=1) in terms of the TypeScript sources, through dist/'s source maps.
if (process.env.MFX_DEBUG) process.setSourceMapsEnabled(true);
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mfx: error: the compiled code (dist/) is missing. In a checkout of mfx, run `npm run build` (`npm ci` runs it too).\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
