// The end of every run, whatever the reporter: the results table, how the run ended, and
// where its folder is.
import type { RunEvent } from '../../runtime/events.js';
import type { Paint } from './color.js';
import { runEndLine } from './event-lines.js';
import { formatResultsTable } from './results-table.js';

export function finalSummaryLines(
  end: Extract<RunEvent, { type: 'run-end' }>,
  runDir: string | null,
  options: { width: number; paint: Paint },
): string[] {
  const lines = [options.paint.bold(end.results.title), ...formatResultsTable(end.results.table, options)];
  if (end.results.protocol) lines.push('final, validation-selected and best test epoch per arm: results.md and the report');
  lines.push('', runEndLine(end, options.paint));
  if (runDir) lines.push(`run folder: ${runDir}`);
  return lines;
}
