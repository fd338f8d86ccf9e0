// Picks how a run is shown: the live Ink UI on a terminal, plain lines in a pipe or CI,
// JSON lines for tools, or only the final table.
import type { RunEvent } from '../../runtime/events.js';
import { paint, shouldUseColor } from '../format/color.js';
import type { CliContext } from '../context.js';
import { createInkReporter } from './ink-reporter.js';
import { createJsonReporter } from './json-reporter.js';
import { createPlainReporter } from './plain-reporter.js';
import { createQuietReporter } from './quiet-reporter.js';

export type ReporterKind = 'ink' | 'plain' | 'json' | 'quiet';

/** Consumes the run's events and draws them; close() waits until the output is flushed. */
export interface Reporter {
  onEvent(event: RunEvent): void;
  close(): Promise<void>;
}

export interface ReporterOptions {
  kind: ReporterKind;
  /** Called when the user asks the live UI to stop (`q`): the same graceful stop as the first Ctrl-C. */
  onStopRequest?: () => void;
}

/** Terminal width for tables: the stream's columns, else COLUMNS, else 80. */
function widthOf(stream: { columns?: number }): number {
  const env = Number(process.env.COLUMNS);
  return stream.columns || (Number.isFinite(env) && env > 0 ? env : 80);
}

/** Creates the reporter for a run; `ink` is the default only when stdout is a TTY (decided by the caller). */
export function createReporter(options: ReporterOptions, ctx: CliContext): Reporter {
  const color = shouldUseColor(ctx.stdout);
  switch (options.kind) {
    case 'ink':
      return createInkReporter({ stdout: ctx.stdout, stderr: ctx.stderr, color, onStopRequest: options.onStopRequest });
    case 'plain':
      return createPlainReporter({ out: ctx.stdout, paint: paint(color), width: widthOf(ctx.stdout) });
    case 'json':
      return createJsonReporter(ctx.stdout);
    case 'quiet':
      return createQuietReporter({ out: ctx.stdout, err: ctx.stderr, paint: paint(color), width: widthOf(ctx.stdout) });
    default: {
      const never: never = options.kind;
      return never;
    }
  }
}
