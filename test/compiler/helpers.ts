// Check helpers: sources inline, expectations by diagnostic code.
import { expect } from 'vitest';
import type { Diagnostic } from '../../compiler/index.js';
import { compile } from '../../compiler/index.js';
import type { ArmSpec, Plan, StepSpec } from '../../compiler/plan.js';

export const FILE = '/experiments/test.mfx';

export function codes(diags: Diagnostic[]): string[] {
  return diags.map((d) => d.code);
}

/** Compiles and expects a diagnostic with `code`; returns it (the first one) for further checks. */
export function expectDiagnostic(src: string, code: string): Diagnostic {
  const { diagnostics, plan } = compile(src, FILE);
  const d = diagnostics.find((x) => x.code === code);
  expect(d, `expected ${code} in ${JSON.stringify(codes(diagnostics))} for:\n${src}`).toBeDefined();
  if (d!.severity === 'error') expect(plan).toBeNull();
  return d!;
}

/** Compiles and expects no diagnostic at all; returns the plan. */
export function expectClean(src: string): Plan {
  const { diagnostics, plan } = compile(src, FILE);
  expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  expect(plan).not.toBeNull();
  return plan!;
}

/** Compiles and expects no errors (warnings allowed); returns the plan. */
export function expectPlan(src: string): Plan {
  const { diagnostics, plan } = compile(src, FILE);
  expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return plan!;
}

/** The text the diagnostic points at. */
export function spanText(src: string, d: Diagnostic): string {
  return src.slice(d.offset, d.offset + d.length);
}

export function arm(plan: Plan, name: string): ArmSpec {
  const a = plan.arms.find((x) => x.name === name);
  if (!a) throw new Error(`no arm ${name}`);
  return a;
}

export function stepsOf<K extends StepSpec['kind']>(a: ArmSpec, kind: K): Extract<StepSpec, { kind: K }>[] {
  return a.steps.filter((s): s is Extract<StepSpec, { kind: K }> => s.kind === kind);
}
