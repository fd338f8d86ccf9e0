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

export type Tone = Exclude<keyof Paint, 'enabled'>;
const TONES: Tone[] = ['green', 'red', 'yellow', 'cyan', 'dim', 'bold'];
const CLOSE = '\uE0FF';

/**
 * A Paint that marks styled spans with private-use characters instead of ANSI codes, so the
 * Ink UI can draw them with <Text color> (Ink re-tokenizes every ANSI string on each frame,
 * which costs the training loop). Spans do not nest; read them back with toneSegments.
 */
export const markupPaint: Paint = {
  enabled: true,
  ...(Object.fromEntries(
    TONES.map((tone, i) => [tone, (text: string) => (text === '' ? text : `${String.fromCharCode(0xe000 + i)}${text}${CLOSE}`)]),
  ) as Record<Tone, Style>),
};

export interface ToneSegment {
  text: string;
  tone: Tone | null;
}

/** Splits a markupPaint line into plain and styled spans. */
export function toneSegments(line: string): ToneSegment[] {
  const out: ToneSegment[] = [];
  const span = /([\uE000-\uE005])([^\uE0FF]*)\uE0FF/g;
  let last = 0;
  for (let m = span.exec(line); m !== null; m = span.exec(line)) {
    if (m.index > last) out.push({ text: line.slice(last, m.index), tone: null });
    out.push({ text: m[2], tone: TONES[m[1].charCodeAt(0) - 0xe000] });
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ text: line.slice(last), tone: null });
  return out;
}
