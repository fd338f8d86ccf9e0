// Range checks for numbers written in a program, each reported with what was expected.
import type { Diagnostic, NumberLit } from '../grammar/index.js';
import { makeDiagnostic } from '../grammar/index.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import { LIMITS_HINT } from './limits.js';

export type NumberRule = 'positive-int' | 'non-negative-int' | 'positive' | 'unit-interval';

const RULE_TEXT: Record<NumberRule, string> = {
  'positive-int': 'a whole number above 0',
  'non-negative-int': 'a whole number, 0 or more',
  positive: 'a number above 0',
  'unit-interval': 'at least 0 and below 1',
};

function satisfies(v: number, rule: NumberRule): boolean {
  if (!Number.isFinite(v)) return false;
  switch (rule) {
    case 'positive-int':
      return Number.isSafeInteger(v) && v > 0;
    case 'non-negative-int':
      return Number.isSafeInteger(v) && v >= 0;
    case 'positive':
      return v > 0;
    case 'unit-interval':
      return v >= 0 && v < 1;
  }
}

/**
 * The number's value when it satisfies the rule (and, with `max`, is at most that bound: see
 * compiler/limits.ts); otherwise reports and returns null.
 */
export function checkNumber(n: NumberLit, what: string, rule: NumberRule, diagnostics: Diagnostic[], max?: number): number | null {
  if (!satisfies(n.value, rule)) {
    // A whole number too large to be exact (1e300) is over any bound rather than "not whole".
    if (max !== undefined && rule.endsWith('-int') && n.value > max) return overLimit(n, what, max, diagnostics);
    diagnostics.push(makeDiagnostic(D.badNumber, n.span, [what, RULE_TEXT[rule], n.raw]));
    return null;
  }
  if (max !== undefined && n.value > max) return overLimit(n, what, max, diagnostics);
  return n.value;
}

function overLimit(n: NumberLit, what: string, max: number, diagnostics: Diagnostic[]): null {
  diagnostics.push(makeDiagnostic(D.overLimit, n.span, [capitalise(what), max, n.raw], { hint: LIMITS_HINT }));
  return null;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
