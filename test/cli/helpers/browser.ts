// Launches the system's Chromium (Debian's `chromium`, installed by .ci/run when missing)
// through puppeteer-core, which never downloads a browser. Where no Chromium can be launched
// the browser tests are skipped with the reason in their name, except when
// MFX_REQUIRE_BROWSER=1 (as .ci/run sets it): then they fail, so CI cannot skip them silently.
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export interface LaunchedBrowser {
  browser: Browser | null;
  /** Why there is no browser (null when there is one). */
  reason: string | null;
}

/** The Chromium to drive: MFX_CHROMIUM, or the first of the usual system paths that exists. */
export function chromiumPath(): string | null {
  const fromEnv = process.env.MFX_CHROMIUM;
  if (fromEnv) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const path = chromiumPath();
  let reason: string | null = null;
  if (!path) reason = `no Chromium found (looked for ${CANDIDATES.join(', ')}; set MFX_CHROMIUM or run \`apt-get install chromium\`)`;
  else {
    try {
      // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
      const browser = await puppeteer.launch({ executablePath: path, headless: true, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
      return { browser, reason: null };
    } catch (err) {
      reason = `${path} could not be launched: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  if (process.env.MFX_REQUIRE_BROWSER === '1') throw new Error(`MFX_REQUIRE_BROWSER=1 but ${reason}`);
  return { browser: null, reason };
}
