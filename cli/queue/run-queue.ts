// `mfx run --queue URL`: the queue address (checked before anything runs), the run's id on the
// queue (new, or the one a resumed run folder recorded, so `--resume` reattaches to its jobs),
// and the words for queue errors. The URL's password is never printed or stored: the run folder
// records only the run id (queue.json).
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Plan } from '../../compiler/plan.js';
import { QueueAddressError, parseQueueUrl, type QueueAddress } from '../../runtime/queue/url.js';
import { RUN_ID_PATTERN } from '../../runtime/queue/job.js';
import { slug } from '../../runtime/store/run-folder.js';
import { UserError } from '../context.js';

export const QUEUE_FILE = 'queue.json';

/** The address and run id of a queued run; a UserError for a bad URL or a run folder without a queue id. */
export function queueFor(url: string, runDir: string, plan: Plan, resume: boolean): { address: QueueAddress; runId: string } {
  let address: QueueAddress;
  try {
    address = parseQueueUrl(url);
  } catch (err) {
    if (err instanceof QueueAddressError) throw new UserError(`--queue ${err.shown}: ${err.reason}.`, 2);
    throw err;
  }
  if (!resume) return { address, runId: `${slug(plan.title).slice(0, 40)}-${randomBytes(6).toString('hex')}` };
  const file = join(runDir, QUEUE_FILE);
  let runId: unknown;
  try {
    runId = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { runId?: unknown }).runId : undefined;
  } catch {
    runId = undefined;
  }
  if (typeof runId !== 'string' || !RUN_ID_PATTERN.test(runId)) {
    throw new UserError(`Cannot resume ${runDir} on the queue: it has no readable ${QUEUE_FILE} (it was not started with --queue). Resume it without --queue.`);
  }
  return { address, runId };
}

/** A sentence for the queue's errors (they never hold the password); null for other errors. */
export function queueErrorText(err: unknown): string | null {
  const e = err as Error & { shown?: string; detail?: string; arm?: string; seed?: number; reason?: string };
  switch (e?.name) {
    case 'QueueUnreachableError':
      return `Cannot reach the queue at ${e.shown} (${e.detail}). Check that Redis runs there and that --queue has the right host, port and password.`;
    case 'QueueUnitError':
      return `The unit of arm ${e.arm}, seed ${e.seed} failed: ${e.reason}.`;
    default:
      return null;
  }
}

/** The --queue argument to repeat in a printed command: the address itself, or URL where it has credentials. */
export function queueResumeArg(a: QueueAddress): string {
  return a.password || a.username ? 'URL' : a.shown;
}
