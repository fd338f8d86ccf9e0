// Whether to colour terminal output, and the few styles mfx uses when it does.
// NO_COLOR (any non-empty value) wins, then FORCE_COLOR, then whether the stream is a terminal.

export interface ColorEnv {
  NO_COLOR?: string;
  FORCE_COLOR?: string;
}

/** True when output to `stream` should carry ANSI colours (https://no-color.org, FORCE_COLOR). */
export function shouldUseColor(stream: { isTTY?: boolean }, env: ColorEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true;
}

export type Style = (text: string) => string;

/** Text styles; all identity functions when colour is off, so callers never branch. */
export interface Paint {
  enabled: boolean;
  green: Style;
  red: Style;
  yellow: Style;
  cyan: Style;
  dim: Style;
  bold: Style;
}

const sgr =
  (open: number, close: number): Style =>
  (text) =>
    text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`;

const identity: Style = (text) => text;

export function paint(enabled: boolean): Paint {
  if (!enabled) return { enabled, green: identity, red: identity, yellow: identity, cyan: identity, dim: identity, bold: identity };
  return { enabled, green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

/** Removes ANSI escape sequences (for width measurement and tests). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
}
