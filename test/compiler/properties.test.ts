// Property tests for the compiler: (b) invariants every compiled Plan satisfies, and (c) the
// compiler never throws on any input and keeps every diagnostic range inside the input.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import type { Plan } from '../../compiler/plan.js';
import { planHash } from '../../compiler/plan-hash.js';
import { planToJson, readPlan } from '../../compiler/plan-io.js';
import { renderDiagnostics } from '../../cli/diagnostics/render.js';

const selector = fc.constantFrom('conv*', 'fc*', 'conv1', 'conv2.weight', 'fc?.bias', '*', 'fc2', 'conv*.weight');
const testSet = fc.constantFrom('pmnist.*', 'pmnist.hcut', 'pmnist-fill.*', 'pmnist.?cut');
const epochs = fc.integer({ min: 1, max: 30 });

/** One step as text; a mix that compiles often but not always (all frozen, pretrain after invert). */
const step = fc.oneof(
  epochs.map((n) => `pretrain ${n}`),
  epochs.map((n) => `train ${n}`),
  epochs.map((n) => `train ${n} alternate`),
  selector.map((s) => `freeze ${s}`),
  selector.map((s) => `unfreeze ${s}`),
  selector.map((s) => `reset ${s}`),
  fc.constantFrom('relu6', 'sigmoid', 'tanh', 'off').map((a) => `invert ${a}`),
  fc.constantFrom('0.1', '0.001').map((x) => `lr ${x}`),
  fc.array(testSet, { minLength: 1, maxLength: 2 }).map((ts) => `eval ${ts.join(', ')}`),
);
const steps = fc.array(step, { minLength: 1, maxLength: 8 });

/** A program as a list of statements: optional prefix, optional arms, trailing evals. */
const program = fc
  .record({
    prefix: fc.array(step, { maxLength: 3 }),
    arms: fc.array(steps, { maxLength: 3 }),
    suffix: fc.array(testSet.map((t) => `eval ${t}`), { maxLength: 2 }),
    own: steps,
  })
  .map(({ prefix, arms, suffix, own }) => {
    if (arms.length === 0) return [...prefix, ...own, ...suffix];
    return [...prefix, ...arms.map((body, i) => `arm a${i} {\n${body.map((s) => `  ${s}`).join('\n')}\n}`), ...suffix];
  });

const layouts = fc.constantFrom(
  (stmts: string[]) => stmts.join('\n'),
  (stmts: string[]) => stmts.map((s) => s.replace(/\n/g, '\n  # note\n')).join('\n\n# comment\n'),
  (stmts: string[]) => `# title comment\n${stmts.map((s) => `${s.replace(/ /g, '   ')}   # trailing`).join('\n')}\n\n`,
);

function checkInvariants(plan: Plan): void {
  const params = new Map(plan.model.params.map((p) => [p.name, p.size]));
  plan.arms.forEach((arm, armIndex) => {
    let inverted = false;
    const labels = new Set<string>();
    for (const s of arm.steps) {
      switch (s.kind) {
        case 'train': {
          expect(s.trainable.length).toBeGreaterThan(0);
          for (const f of s.frozen) expect(s.trainable).not.toContain(f);
          expect(new Set([...s.trainable, ...s.frozen])).toEqual(new Set(params.keys()));
          expect(s.trainableCount).toBe(s.trainable.reduce((a, n) => a + params.get(n)!, 0));
          if (s.pretrain) expect(inverted).toBe(false);
          break;
        }
        case 'freeze':
        case 'unfreeze':
        case 'reset':
          expect(s.params.length).toBeGreaterThan(0);
          for (const p of s.params) expect(params.has(p)).toBe(true);
          break;
        case 'invert':
          inverted = true;
          break;
        case 'eval':
          expect(labels.has(s.label)).toBe(false);
          labels.add(s.label);
          expect(s.testSets.length).toBeGreaterThan(0);
          for (const t of s.testSets) expect(plan.testSets).toContain(t);
          break;
        default:
          break;
      }
    }
    const written = arm.steps.filter((s) => s.kind === 'eval' && !s.snapshot);
    const last = written[written.length - 1];
    expect(arm.reportLabel).toBe(last && last.kind === 'eval' ? last.label : null);
    expect(arm.sharedPrefix).toBeLessThanOrEqual(arm.steps.length);
    if (arm.sharedPrefix > 0) {
      const keys = new Set(plan.arms.slice(0, armIndex).flatMap((a) => a.steps.map((s) => s.stateKey)));
      for (const s of arm.steps.slice(0, arm.sharedPrefix)) expect(keys.has(s.stateKey)).toBe(true);
    }
  });
  expect(planHash(plan)).toBe(plan.hash);
  expect(readPlan(JSON.parse(planToJson(plan)))).toEqual(plan);
}

describe('compiled plans (property b)', () => {
  it('satisfy the invariants; errors and a plan never come together', () => {
    fc.assert(
      fc.property(program, (stmts) => {
        const { plan, diagnostics } = compile(stmts.join('\n'), 'p.mfx');
        const hasErrors = diagnostics.some((d) => d.severity === 'error');
        expect(plan === null).toBe(hasErrors);
        if (plan) checkInvariants(plan);
      }),
      { numRuns: 300 },
    );
  });

  it('hash equally whatever the layout and comments', () => {
    fc.assert(
      fc.property(program, layouts, layouts, (stmts, a, b) => {
        const pa = compile(a(stmts), 'p.mfx').plan;
        const pb = compile(b(stmts), 'p.mfx').plan;
        expect(pa?.hash).toBe(pb?.hash);
      }),
      { numRuns: 100 },
    );
  });

  it('hash differently when any step differs', () => {
    fc.assert(
      fc.property(program, fc.nat(), (stmts, pick) => {
        const plan = compile(stmts.join('\n'), 'p.mfx').plan;
        const trainAt = stmts.map((s, i) => (/^(pre)?train \d+/.test(s) ? i : -1)).filter((i) => i >= 0);
        fc.pre(plan !== null && trainAt.length > 0);
        const i = trainAt[pick % trainAt.length];
        const changed = [...stmts];
        changed[i] = changed[i].replace(/\d+/, (n) => String(Number(n) + 1));
        const other = compile(changed.join('\n'), 'p.mfx').plan;
        expect(other).not.toBeNull();
        expect(other!.hash).not.toBe(plan!.hash);
      }),
      { numRuns: 100 },
    );
  });
});

const EXAMPLES = readdirSync(new URL('../../examples/', import.meta.url))
  .filter((f) => f.endsWith('.mfx'))
  .map((f) => readFileSync(new URL(`../../examples/${f}`, import.meta.url), 'utf8'));

function checkNeverThrows(text: string): void {
  const { diagnostics } = compile(text, 'fuzz.mfx');
  for (const d of diagnostics) {
    expect(d.offset).toBeGreaterThanOrEqual(0);
    expect(d.length).toBeGreaterThanOrEqual(0);
    expect(d.offset + d.length).toBeLessThanOrEqual(text.length);
    for (const r of d.related ?? []) expect(r.offset + r.length).toBeLessThanOrEqual(text.length);
  }
  expect(typeof renderDiagnostics(diagnostics, text, 'fuzz.mfx', { color: false })).toBe('string');
}

/** A mutation of a valid program: delete, insert or replace a few characters. */
const mutation = fc.tuple(
  fc.constantFrom(...EXAMPLES),
  fc.array(fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 4, unit: fc.constantFrom('{', '}', ';', '\n', '"', '#', ':', ',', '*', '.', 'x', '5', '-', ' ', '\\', 'é') })), {
    minLength: 1,
    maxLength: 4,
  }),
).map(([src, edits]) => {
  let s = src;
  for (const [at, del, ins] of edits) {
    const i = at % (s.length + 1);
    s = s.slice(0, i) + ins + s.slice(i + del);
  }
  return s;
});

describe('check on any input (property c)', () => {
  it('never throws on arbitrary strings, and ranges stay inside the input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), checkNeverThrows), { numRuns: 200 });
  });

  it('never throws on strings made of mfx\'s own characters and words', () => {
    const piece = fc.constantFrom('arm', 'model', '{', '}', ';', '\n', 'train', '5', 'x', 'eval', 'pmnist.*', '"', '#', ':', ',', 'conv', '5x5', ' ', 'invert', 'relu6', 'flatten', 'fc1', 'dense');
    fc.assert(fc.property(fc.array(piece, { maxLength: 80 }).map((ps) => ps.join('')), checkNeverThrows), { numRuns: 300 });
  });

  it('never throws on mutations of the examples', () => {
    fc.assert(fc.property(mutation, checkNeverThrows), { numRuns: 200 });
  });
});
