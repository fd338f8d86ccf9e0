// Comparing a queued run's folder with a local run's of the same file, file by file: the same
// files (the queued one adds queue.json), byte-equal except where a run records its own times
// (start time, seconds), and the same evaluations, arm ends and training losses in events.jsonl.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Every file under `dir`, relative to it, '/'-separated, sorted. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Files whose text holds the run's own start time and duration. */
const TIMED = new Set(['run.json', 'results.json', 'results.md', 'report.md', 'report.html']);

const untimed = (text: string) =>
  text
    .replace(/"(startedAt|seconds)": [^,\n]+/g, '"$1": _')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME')
    .replace(/\d+(\.\d+)? s\b/g, 'N s');

/** What a reader of events.jsonl compares: evaluations, arm ends, and every epoch's loss. */
function eventFacts(dir: string) {
  const events = readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  // Distinct facts: a unit retried after its worker died repeats the events it had sent.
  const of = (type: string, keys: string[]) => [...new Set(events.filter((e) => e.type === type).map((e) => JSON.stringify(keys.map((k) => e[k]))))].sort();
  return {
    evals: of('eval-result', ['arm', 'seed', 'label', 'testSet', 'accuracy', 'loss', 'n']),
    armEnds: of('arm-end', ['arm', 'seed', 'status', 'message']),
    losses: of('epoch-end', ['arm', 'seed', 'step', 'epoch', 'loss']),
  };
}

/**
 * How the queued run folder differs from the local one, as sentences (none: the same). A queued
 * unit may compute a shared prefix itself (when no state was handed to it), so its events may
 * hold more epochs than a local run's: every local epoch must be there, with the same loss. A unit
 * whose worker was killed may lack events (the progress messages it had not sent yet are lost).
 */
export function runFolderDifferences(local: string, queued: string, killed?: { arm: string; seed: string }): string[] {
  const out: string[] = [];
  const a = filesUnder(local);
  const b = filesUnder(queued).filter((f) => f !== 'queue.json');
  for (const f of a) if (!b.includes(f)) out.push(`missing in the queued run: ${f}`);
  for (const f of b) if (!a.includes(f)) out.push(`only in the queued run: ${f}`);
  for (const f of a.filter((x) => b.includes(x) && x !== 'events.jsonl')) {
    const [x, y] = [readFileSync(path.join(local, f)), readFileSync(path.join(queued, f))];
    const same = TIMED.has(f) ? untimed(x.toString('utf8')) === untimed(y.toString('utf8')) : x.equals(y);
    if (!same) out.push(`differs: ${f}`);
  }
  const [l, q] = [eventFacts(local), eventFacts(queued)];
  const ofKilled = (e: string) => {
    const [arm, seed] = JSON.parse(e) as [string, number];
    return killed !== undefined && arm === killed.arm && String(seed) === killed.seed;
  };
  // Every fact of the queued run is the local run's; every local fact is there, but for the killed unit's.
  const compare = (what: string, local: string[], queued: string[], more: boolean) => {
    const [inLocal, inQueued] = [new Set(local), new Set(queued)];
    const wrong = queued.filter((e) => !inLocal.has(e) && !more);
    const lost = local.filter((e) => !inQueued.has(e) && !ofKilled(e));
    if (wrong.length > 0) out.push(`events.jsonl: ${what} not in the local run, e.g. ${wrong[0]}`);
    if (lost.length > 0) out.push(`events.jsonl: ${what} missing or different, e.g. ${lost[0]}`);
  };
  compare('evaluations', l.evals, q.evals, false);
  compare('arm ends', l.armEnds, q.armEnds, false);
  compare('epochs', l.losses, q.losses, true); // a queued arm may compute a prefix a local one took over
  return out;
}
