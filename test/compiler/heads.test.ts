// Heads (docs/language.md, "Heads"): `head NAME`, `invert ... on HEAD`, `train N on EXPR`,
// `eval ... on EXPR`, lowered to the Plan's head step and the `on` / `heads` fields.
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { planToJson, readPlan } from '../../compiler/plan-io.js';
import type { StepSpec } from '../../compiler/plan.js';
import { arm, codes, expectClean, expectDiagnostic, expectPlan, FILE, spanText, stepsOf } from './helpers.js';

const SYNERGY = `
arm synergy {
  pretrain 2
  freeze conv*.weight
  head missing
  freeze fc*
  invert relu6 on missing
  train 3 on missing
  eval pmnist.* as normal on main
  eval pmnist.* as missing on missing
  eval pmnist.* as synergy on main + missing
}
arm joint {
  pretrain 2; freeze conv*; head missing; invert relu6 on missing
  train 3 on main + missing
}
eval pmnist.*
`;

type Kind<K extends StepSpec['kind']> = Extract<StepSpec, { kind: K }>;
const at = <K extends StepSpec['kind']>(steps: StepSpec[], kind: K, n = 0): Kind<K> => steps.filter((s): s is Kind<K> => s.kind === kind)[n];

describe('the head step', () => {
  const plan = expectClean(SYNERGY);
  const head = at(arm(plan, 'synergy').steps, 'head');

  it('copies the main head: the layers after flatten, renamed NAME.LAYER, same shapes', () => {
    const main = plan.model.layers.slice(plan.model.featureBoundary + 1);
    expect(head.name).toBe('missing');
    expect(head.layers.map((l) => l.kind)).toEqual(main.map((l) => l.kind));
    expect(head.layers.map((l) => ('name' in l ? l.name : l.kind))).toEqual(['missing.fc1', 'activation', 'dropout', 'missing.fc2']);
    head.layers.forEach((l, i) => expect([l.inShape, l.outShape]).toEqual([main[i].inShape, main[i].outShape]));
    expect(head.layers[0]).toMatchObject({ kind: 'dense', units: 50, params: ['missing.fc1.weight', 'missing.fc1.bias'] });
  });

  it('gives it parameters NAME.LAYER.weight|bias with the main head\'s shapes and fan-in', () => {
    const main = plan.model.params.filter((p) => p.layer.startsWith('fc'));
    expect(head.params).toEqual(main.map((p) => ({ ...p, name: `missing.${p.name}`, layer: `missing.${p.layer}` })));
    expect(head.params.map((p) => p.name)).toEqual(['missing.fc1.weight', 'missing.fc1.bias', 'missing.fc2.weight', 'missing.fc2.bias']);
  });

  it('leaves the model itself as it is (a head belongs to the arm that adds it)', () => {
    expect(plan.model.params.map((p) => p.name)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(plan.model.totalParams).toBe(21_840);
  });

  it('copies a custom model\'s head, whatever its layers', () => {
    const p = expectClean('model {\n  c: conv 4 5x5\n  relu6\n  flatten\n  h: dense 8\n  tanh\n  out: dense 10\n}\npretrain 1; head second; train 1 on second; eval pmnist.hcut');
    const h = at(p.arms[0].steps, 'head');
    expect(h.layers.map((l) => ('name' in l ? l.name : l.kind))).toEqual(['second.h', 'activation', 'second.out']);
    expect(h.params.map((q) => [q.name, q.shape, q.fanIn])).toEqual([
      ['second.h.weight', [2304, 8], 2304],
      ['second.h.bias', [8], 2304],
      ['second.out.weight', [8, 10], 8],
      ['second.out.bias', [10], 8],
    ]);
  });
});

describe('selectors and heads', () => {
  it('`missing.*` and `missing.fc1.weight` reach a head; `fc*` and `*` stay on the model\'s own layers', () => {
    const p = expectClean('pretrain 1; head missing; reset *.fc2; freeze missing.*; unfreeze missing.fc1.weight; freeze fc*; train 1 on main + missing; eval pmnist.hcut');
    const steps = p.arms[0].steps;
    expect(at(steps, 'freeze').params).toEqual(['missing.fc1.weight', 'missing.fc1.bias', 'missing.fc2.weight', 'missing.fc2.bias']);
    expect(at(steps, 'unfreeze').params).toEqual(['missing.fc1.weight']);
    expect(at(steps, 'freeze', 1).params).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(at(steps, 'reset').params).toEqual(['missing.fc2.weight', 'missing.fc2.bias']);
    const q = expectClean('pretrain 1; head missing; freeze *; train 1 on missing; eval pmnist.hcut');
    expect(at(q.arms[0].steps, 'freeze').params).toEqual(q.model.params.map((x) => x.name));
    const all = expectClean('pretrain 1; head missing; freeze *.*; unfreeze missing.fc2; train 1 on missing; eval pmnist.hcut');
    expect(at(all.arms[0].steps, 'freeze').params).toHaveLength(12);
  });

  it('suggests a head for a misspelt head selector', () => {
    const d = expectDiagnostic('pretrain 1; head missing; freeze mising.*; train 1 on missing; eval pmnist.hcut', 'MFX2032');
    expect(d.hint).toContain('did you mean `missing`?');
  });

  it('says so when a selector names a head that is added later', () => {
    const src = 'pretrain 1; freeze missing.*\nhead missing; train 1; eval pmnist.hcut';
    const d = expectDiagnostic(src, 'MFX2032');
    expect(spanText(src, d)).toBe('missing.*');
    expect(d.hint).toContain('the head `missing` is added later, on line 2');
  });
});

describe('invert on heads', () => {
  it('`invert ACT on HEAD` sets that head only; without `on`, every head there is', () => {
    const p = expectClean('pretrain 1; head missing; invert relu6 on missing; train 1 on main + missing; invert tanh; train 1 on main + missing; invert off on main; train 1 on main + missing; eval pmnist.hcut');
    const steps = p.arms[0].steps;
    expect(at(steps, 'invert', 0)).toMatchObject({ feature: { kind: 'inverted', activation: 'relu6' }, heads: ['missing'] });
    expect(at(steps, 'invert', 1)).not.toHaveProperty('heads');
    expect(at(steps, 'invert', 2)).toMatchObject({ feature: { kind: 'model' }, heads: ['main'] });
    const tanh = { kind: 'inverted', activation: 'tanh' };
    expect(at(steps, 'train', 1)).toMatchObject({ feature: { kind: 'model' }, heads: { main: { kind: 'model' }, missing: { kind: 'inverted', activation: 'relu6' } } });
    expect(at(steps, 'train', 2)).toMatchObject({ feature: tanh, heads: { main: tanh, missing: tanh } });
    expect(at(steps, 'train', 3)).toMatchObject({ feature: { kind: 'model' }, heads: { main: { kind: 'model' }, missing: tanh } });
  });

  it('a new head starts on the model\'s own features, whatever main reads', () => {
    const p = expectClean('pretrain 1; invert relu6; head missing; train 1 on main + missing; eval pmnist.hcut');
    expect(at(p.arms[0].steps, 'train', 1).heads).toEqual({ main: { kind: 'inverted', activation: 'relu6' }, missing: { kind: 'model' } });
  });

  it('`invert ... on main` with no other head is the plain form', () => {
    expect(expectClean('train 1; invert relu6 on main; train 1; eval pmnist.hcut').hash).toBe(expectClean('train 1; invert relu6; train 1; eval pmnist.hcut').hash);
  });
});

describe('train N on EXPR', () => {
  const plan = expectClean(SYNERGY);

  it('trains only the unfrozen parameters the expression reads: the trunk and its heads', () => {
    const synergy = at(arm(plan, 'synergy').steps, 'train', 1);
    expect(synergy.on).toEqual(['missing']);
    expect(synergy.trainable).toEqual(['conv1.bias', 'conv2.bias', 'missing.fc1.weight', 'missing.fc1.bias', 'missing.fc2.weight', 'missing.fc2.bias']);
    expect(synergy.frozen).toEqual(['conv1.weight', 'conv2.weight', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(synergy.trainableCount).toBe(10 + 20 + 16_560);
    const joint = at(arm(plan, 'joint').steps, 'train', 1);
    expect(joint.on).toEqual(['main', 'missing']);
    expect(joint.trainable).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'missing.fc1.weight', 'missing.fc1.bias', 'missing.fc2.weight', 'missing.fc2.bias']);
    expect(joint.trainableCount).toBe(2 * 16_560);
  });

  it('without `on` trains main: a head not in the expression does not change', () => {
    const p = expectClean('pretrain 1; head missing; train 1; eval pmnist.hcut');
    const t = at(p.arms[0].steps, 'train', 1);
    expect(t).not.toHaveProperty('on');
    expect(t.trainable).toEqual(p.model.params.map((x) => x.name));
    expect(t.heads).toEqual({ main: { kind: 'model' }, missing: { kind: 'model' } });
  });

  it('keeps `on main` out of the plan, so it means what no `on` means', () => {
    expect(expectClean('train 1 on main; eval pmnist.hcut on main').hash).toBe(expectClean('train 1; eval pmnist.hcut').hash);
  });
});

describe('eval on heads', () => {
  const plan = expectClean(SYNERGY);
  const evals = stepsOf(arm(plan, 'synergy'), 'eval');

  it('labelled evaluations carry their heads; the eval after the arms evaluates main', () => {
    expect(evals.map((e) => [e.label, e.on ?? ['main']])).toEqual([
      ['pretrained', ['main']],
      ['normal', ['main']],
      ['missing', ['missing']],
      ['synergy', ['main', 'missing']],
      ['final', ['main']],
    ]);
    expect(evals[0]).not.toHaveProperty('heads'); // the snapshot comes before the head
    for (const e of evals.slice(1)) expect(e.heads).toEqual({ main: { kind: 'model' }, missing: { kind: 'inverted', activation: 'relu6' } });
    expect(arm(plan, 'synergy').reportLabel).toBe('final');
  });
});

describe('first-wave plans are unchanged', () => {
  it('have no `on` or `heads` fields anywhere', () => {
    const p = expectPlan('pretrain 1; freeze conv*; invert relu6; reset fc*; train 1 alternate; eval pmnist.*');
    expect(planToJson(p)).not.toMatch(/"(on|heads)"/);
  });
});

describe('the plan hash and state keys', () => {
  const hash = (src: string) => expectPlan(src).hash;
  const base = 'pretrain 1; freeze conv*; head missing; invert relu6 on missing; train 1 on main + missing; eval pmnist.hcut on main + missing';

  it('change with the head, the `on` targets and the heads inverted', () => {
    const variants = [
      base,
      base.replace('head missing', 'head missing; head other'),
      base.replace(/missing/g, 'absent'),
      base.replace('train 1 on main + missing', 'train 1 on missing'),
      base.replace('train 1 on main + missing', 'train 1 on missing + main'),
      base.replace('eval pmnist.hcut on main + missing', 'eval pmnist.hcut on missing'),
      base.replace('invert relu6 on missing', 'invert relu6'),
      base.replace('invert relu6 on missing', 'invert relu6 on main'),
    ];
    const hashes = variants.map(hash);
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it('ignore layout: `main+missing` is `main + missing`', () => {
    expect(hash(base.replace(/ \+ /g, '+'))).toBe(hash(base));
  });

  it('chain the head step: the same steps after it get other keys than without it', () => {
    const withHead = expectClean('pretrain 1; head missing; train 1; eval pmnist.hcut').arms[0].steps;
    const without = expectClean('pretrain 1; train 1; eval pmnist.hcut').arms[0].steps;
    expect(withHead[0].stateKey).toBe(without[0].stateKey);
    expect(at(withHead, 'train', 1).stateKey).not.toBe(at(without, 'train', 1).stateKey);
  });

  it('round-trip through planToJson and readPlan', () => {
    const p = expectClean(SYNERGY);
    expect(readPlan(JSON.parse(planToJson(p)))).toEqual(p);
  });
});

describe('head diagnostics', () => {
  it.each([
    ['MFX2140', 'pretrain 1; head missing; train 1 on mising; eval pmnist.hcut', 'mising', 'did you mean `missing`?'],
    ['MFX2140', 'train 1; invert relu6 on other; eval pmnist.hcut', 'other', 'heads here: main'],
    ['MFX2141', 'pretrain 1; train 1 on missing; head missing; eval pmnist.hcut', 'missing', 'move this after `head missing`'],
    ['MFX2141', 'pretrain 1; invert relu6 on missing; head missing; train 1; eval pmnist.hcut', 'missing', ''],
    ['MFX2142', 'pretrain 1; head missing; head missing; train 1; eval pmnist.hcut', 'missing', 'own name'],
    ['MFX2143', 'pretrain 1; head fc1; train 1; eval pmnist.hcut', 'fc1', ''],
    ['MFX2143', 'pretrain 1; head main; train 1; eval pmnist.hcut', 'main', ''],
    ['MFX2144', 'head missing; pretrain 1; eval pmnist.hcut', 'pretrain', 'before the first `head`'],
    ['MFX2145', 'pretrain 1; head missing; train 1 on missing + main + missing; eval pmnist.hcut', 'missing', ''],
    ['MFX2146', 'pretrain 1; head missing; invert relu6; train 2 alternate; eval pmnist.hcut', 'train 2 alternate', ''],
    ['MFX2147', 'pretrain 1; head missing; freeze missing.*, conv*; train 1 on missing; eval pmnist.hcut', 'missing', 'unfreeze missing.*'],
  ])('%s for %s', (code, src, text, hint) => {
    const d = expectDiagnostic(src, code);
    expect(spanText(src, d)).toBe(text);
    expect(d.hint ?? '').toContain(hint);
  });

  it('reports an unknown head in the eval after the arms once per arm that lacks it', () => {
    const { diagnostics } = compile('pretrain 1\narm a { head missing; train 1 on missing }\narm b { train 1 }\neval pmnist.hcut on missing\n', FILE);
    expect(codes(diagnostics)).toEqual(['MFX2140']);
  });

  it('does not cascade from a rejected head step', () => {
    const { diagnostics } = compile('pretrain 1; head fc2; train 1 on fc2; eval pmnist.hcut on main + fc2', FILE);
    expect(codes(diagnostics)).toEqual(['MFX2143']);
  });

  it('limits the heads of one arm (MFX2080)', () => {
    const heads = Array.from({ length: 17 }, (_, i) => `head h${i}`).join('; ');
    const src = `pretrain 1; ${heads}; train 1; eval pmnist.hcut`;
    const d = expectDiagnostic(src, 'MFX2080');
    expect(spanText(src, d)).toBe('h16');
  });

  it('accepts a head in some arms only, and heads in sweeps', () => {
    const p = expectClean('sweep h in [left, right]\npretrain 1\narm two-$h { head $h; invert relu6 on $h; train 1 on main + $h; eval pmnist.hcut as sum on main + $h }\narm one { train 1 }\neval pmnist.hcut');
    expect(p.arms.map((a) => a.name)).toEqual(['two-left', 'two-right', 'one']);
    expect(at(arm(p, 'two-right').steps, 'train', 1).on).toEqual(['main', 'right']);
  });
});
