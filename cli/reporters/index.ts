// PLACEHOLDER (issue "live terminal UI" replaces this file): picks how a run is shown.
import type { RunEvent } from '../../runtime/events.js';
import type { CliContext } from '../context.js';

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

/** Creates the reporter for a run; `ink` is the default only when stdout is a TTY (decided by the caller). */
export function createReporter(options: ReporterOptions, ctx: CliContext): Reporter {
  return {
    onEvent(event) {
      if (options.kind === 'json') ctx.stdout.write(`${JSON.stringify(event)}\n`);
      else if (options.kind !== 'quiet' && event.type !== 'batch') ctx.stdout.write(`${event.type} ${JSON.stringify(event).slice(0, 200)}\n`);
    },
    async close() {},
  };
}
