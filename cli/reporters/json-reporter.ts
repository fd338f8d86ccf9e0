// `--reporter json`: one event per line, exactly as events.jsonl stores them, for tools.
import type { Reporter } from './index.js';

export function createJsonReporter(out: NodeJS.WritableStream): Reporter {
  return {
    onEvent(event) {
      out.write(`${JSON.stringify(event)}\n`);
    },
    async close() {},
  };
}
