// The Plan's identity: sha256 of its canonical JSON without `file`, `warnings`, `hash` and any
// `source` field, so layout, comments and the file's location do not change it.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { Plan } from './plan.js';

// testSetRefs is derived from testSets (compiler/test-sets.ts), so it adds nothing to the identity.
const NOT_HASHED_TOP = ['file', 'warnings', 'hash', 'testSetRefs'] as const;
const NOT_HASHED_ANYWHERE = new Set(['source']);

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash a Plan should carry (its own `hash` field is ignored). */
export function planHash(plan: Omit<Plan, 'hash'> & { hash?: string }): string {
  const rest: Record<string, unknown> = { ...plan };
  for (const k of NOT_HASHED_TOP) delete rest[k];
  // One shard is how plans without `shards` ran: their hashes stay as they were.
  if (rest.shards === 1) delete rest.shards;
  return sha256Hex(canonicalJson(rest, NOT_HASHED_ANYWHERE));
}
