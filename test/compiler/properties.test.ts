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

const selector = fc.constantFrom('conv*', 'fc*', 'conv1', 'conv2.weight', 'fc?.bias', '*', 'fc2', 'conv*.weight', 'missing.*', 'missing.fc1.bias');
const heads = fc.constantFrom('main', 'missing', 'main + missing', 'missing + main');
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
  fc.tuple(fc.constantFrom('0.1', '0.001'), selector).map(([x, sel]) => `lr ${x} for ${sel}`),
  fc.array(testSet, { minLength: 1, maxLength: 2 }).map((ts) => `eval ${ts.join(', ')}`),
  // heads: often used before `head missing` or after `pretrain` (errors), often fine
  fc.constant('head missing'),
  fc.tuple(epochs, heads).map(([n, h]) => `train ${n} on ${h}`),
  fc.constantFrom('relu6', 'tanh', 'off').map((a) => `invert ${a} on missing`),
  fc.tuple(testSet, heads).map(([t, h]) => `eval ${t} on ${h}`),
);
const steps = fc.array(step, { minLength: 1, maxLength: 8 });

/** The sweeps a program may declare, and steps that use them inside arm templates. */
const SWEEPS = { act: 'sweep act in [relu6, tanh, sigmoid]', rate: 'sweep rate in [0.1, 0.001]', n: 'sweep n in [1, 2]', layer: 'sweep layer in [conv1, fc2]' };
const templateStep = fc.constantFrom('invert $act', 'lr $rate', 'lr $rate for $layer', 'train $n', 'pretrain $n', 'freeze $layer', 'unfreeze $layer', 'eval pmnist.hcut as at-$act');
const armSteps = fc.array(fc.oneof({ weight: 3, arbitrary: step }, { weight: 1, arbitrary: templateStep }), { minLength: 1, maxLength: 8 });

/** An arm name that mentions every variable its steps use (else MFX2073, also fine to generate sometimes). */
function armName(i: number, body: string[], complete: boolean): string {
  const used = Object.keys(SWEEPS).filter((v) => body.some((s) => s.includes(`$${v}`)));
  return [`a${i}`, ...(complete ? used : used.slice(1)).map((v) => `$${v}`)].join('-');
}

/** A program as a list of statements: optional prefix, optional arms, trailing evals. */
const program = fc
  .record({
    sweeps: fc.subarray(Object.keys(SWEEPS) as (keyof typeof SWEEPS)[]),
    prefix: fc.array(step, { maxLength: 3 }),
    arms: fc.array(fc.tuple(armSteps, fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 3 }),
    suffix: fc.array(testSet.map((t) => `eval ${t}`), { maxLength: 2 }),
    own: steps,
  })
  .map(({ sweeps, prefix, arms, suffix, own }) => {
    const settings = sweeps.map((v) => SWEEPS[v]);
    if (arms.length === 0) return [...settings, ...prefix, ...own, ...suffix];
    const armText = arms.map(([body, r], i) => `arm ${armName(i, body, r > 0.1)} {\n${body.map((s) => `  ${s}`).join('\n')}\n}`);
    return [...settings, ...prefix, ...armText, ...suffix];
  });

const layouts = fc.constantFrom(
  (stmts: string[]) => stmts.join('\n'),
  (stmts: string[]) => stmts.map((s) => s.replace(/\n/g, '\n  # note\n')).join('\n\n# comment\n'),
  (stmts: string[]) => `# title comment\n${stmts.map((s) => `${s.replace(/ /g, '   ')}   # trailing`).join('\n')}\n\n`,
);

function checkInvariants(plan: Plan): void {
  plan.arms.forEach((arm, armIndex) => {
    // the arm's parameters: the model's, then each head's from its `head` step on
    const params = new Map(plan.model.params.map((p) => [p.name, p.size]));
    const headNames = ['main'];
    let inverted = false;
    const labels = new Set<string>();
    for (const s of arm.steps) {
      switch (s.kind) {
        case 'head':
          expect(headNames).not.toContain(s.name);
          headNames.push(s.name);
          for (const p of s.params) params.set(p.name, p.size);
          break;
        case 'train': {
          expect(s.trainable.length).toBeGreaterThan(0);
          for (const f of s.frozen) expect(s.trainable).not.toContain(f);
          // everything the loss reads is trainable or frozen; a head it does not read is neither
          const on = s.on ?? ['main'];
          const read = [...params.keys()].filter((n) => !headNames.some((h) => h !== 'main' && !on.includes(h) && n.startsWith(`${h}.`)));
          const readsMain = on.includes('main');
          const expected = read.filter((n) => readsMain || !/^fc/.test(n));
          expect(new Set(s.trainable.filter((n) => !s.frozen.includes(n)))).toEqual(new Set(expected.filter((n) => !s.frozen.includes(n))));
          expect(s.trainableCount).toBe(s.trainable.reduce((a, n) => a + params.get(n)!, 0));
          if (s.pretrain) expect(inverted || headNames.length > 1).toBe(false);
          if (headNames.length > 1) expect(Object.keys(s.heads ?? {})).toEqual(headNames);
          else expect(s.heads).toBeUndefined();
          expect(s.on?.join('+')).not.toBe('main');
          for (const h of on) expect(headNames).toContain(h);
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
          for (const h of s.on ?? []) expect(headNames).toContain(h);
          if (headNames.length > 1) expect(Object.keys(s.heads ?? {})).toEqual(headNames);
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
  // after expansion: unique names, no placeholder left, each expanded arm named by its bindings
  expect(new Set(plan.arms.map((a) => a.name)).size).toBe(plan.arms.length);
  for (const a of plan.arms) {
    const { template: _t, bindings: _b, ...rest } = a;
    expect(JSON.stringify(rest)).not.toContain('$');
    if (a.template !== undefined) {
      expect(a.template.replace(/\$([A-Za-z0-9_]+)/g, (_m, v: string) => a.bindings![v])).toBe(a.name);
    } else expect(a.bindings).toBeUndefined();
    // per-parameter rates: only trainable parameters, only where they differ from the step rate
    for (const s of a.steps) {
      if (s.kind !== 'train' || !s.rates) continue;
      expect(Object.keys(s.rates).length).toBeGreaterThan(0);
      for (const [name, rate] of Object.entries(s.rates)) {
        expect(s.trainable).toContain(name);
        expect(rate).not.toBe(s.lr);
      }
    }
  }
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

describe('sweeps (property b)', () => {
  const ACTS = ['relu6', 'tanh', 'sigmoid', 'relu'];
  const RATES = ['0.1', '0.01', '0.001', '1e-4'];
  const study = fc.record({
    acts: fc.uniqueArray(fc.constantFrom(...ACTS), { minLength: 1, maxLength: 3 }),
    rates: fc.uniqueArray(fc.constantFrom(...RATES), { minLength: 1, maxLength: 3 }),
    which: fc.boolean(),
    pick: fc.nat(),
  });
  const text = (acts: string[], rates: string[]) =>
    `sweep act in [${acts.join(', ')}]\nsweep rate in [${rates.join(', ')}]\narm base { pretrain 1 }\narm h-$act-$rate { pretrain 1; freeze conv*; invert $act; lr $rate for fc2; train 1 }\neval pmnist.hcut\n`;

  it('expand to every combination, and hash differently when any sweep value changes', () => {
    fc.assert(
      fc.property(study, ({ acts, rates, which, pick }) => {
        const plan = compile(text(acts, rates), 'p.mfx').plan!;
        checkInvariants(plan);
        expect(plan.arms.map((a) => a.name)).toEqual(['base', ...acts.flatMap((a) => rates.map((r) => `h-${a}-${r}`))]);
        const list = which ? acts : rates;
        const pool = (which ? ACTS : RATES).filter((v) => !list.includes(v));
        fc.pre(pool.length > 0);
        const changed = [...list];
        changed[pick % changed.length] = pool[pick % pool.length];
        const other = compile(which ? text(changed, rates) : text(acts, changed), 'p.mfx').plan!;
        expect(other.hash).not.toBe(plan.hash);
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
    const piece = fc.constantFrom('arm', 'model', '{', '}', ';', '\n', 'train', '5', 'x', 'eval', 'pmnist.*', '"', '#', ':', ',', 'conv', '5x5', ' ', 'invert', 'relu6', 'flatten', 'fc1', 'dense', 'head', 'on', '+', 'main', 'missing', 'missing.fc1.weight');
    fc.assert(fc.property(fc.array(piece, { maxLength: 80 }).map((ps) => ps.join('')), checkNeverThrows), { numRuns: 300 });
  });

  it('never throws on mutations of the examples', () => {
    fc.assert(fc.property(mutation, checkNeverThrows), { numRuns: 200 });
  });
});
