// `--quiet`: nothing while the run goes (warnings go to stderr), then the final table and
// the run folder.
import type { Paint } from '../format/color.js';
import { warningLine } from '../format/event-lines.js';
import { finalSummaryLines } from '../format/final-summary.js';
import type { Reporter } from './index.js';

export function createQuietReporter(options: { out: NodeJS.WritableStream; err: NodeJS.WritableStream; paint: Paint; width: number }): Reporter {
  let runDir: string | null = null;
  return {
    onEvent(event) {
      if (event.type === 'run-start') runDir = event.runDir;
      else if (event.type === 'warning') options.err.write(`${warningLine(event, options.paint)}\n`);
      else if (event.type === 'run-end') {
        for (const line of finalSummaryLines(event, runDir, options)) options.out.write(`${line}\n`);
      }
    },
    async close() {},
  };
}
