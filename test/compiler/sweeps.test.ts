// Sweeps (templates expanded into ordinary arms) and per-parameter learning rates (`lr X for SEL`).
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { MAX_ARMS } from '../../compiler/sweeps.js';
import { planToJson, readPlan } from '../../compiler/plan-io.js';
import { arm, codes, expectClean, expectDiagnostic, expectPlan, FILE, spanText, stepsOf } from './helpers.js';

const STUDY = `sweep act in [relu6, sigmoid, tanh]
sweep rate in [0.01, 0.03]
repeat 2
arm baseline { pretrain 2 }
arm hybrid-$act-$rate { pretrain 2; freeze conv*; reset fc*; invert $act; lr $rate; train 1 }
eval pmnist.*
`;

describe('sweep expansion', () => {
  it('expands a template into one arm per combination, the first sweep slowest, written arms untouched', () => {
    const plan = expectClean(STUDY);
    expect(plan.arms.map((a) => a.name)).toEqual([
      'baseline',
      'hybrid-relu6-0.01',
      'hybrid-relu6-0.03',
      'hybrid-sigmoid-0.01',
      'hybrid-sigmoid-0.03',
      'hybrid-tanh-0.01',
      'hybrid-tanh-0.03',
    ]);
    expect(arm(plan, 'baseline').template).toBeUndefined();
    const h = arm(plan, 'hybrid-sigmoid-0.03');
    expect(h.template).toBe('hybrid-$act-$rate');
    expect(h.bindings).toEqual({ act: 'sigmoid', rate: '0.03' });
    expect(stepsOf(h, 'invert')[0].feature).toEqual({ kind: 'inverted', activation: 'sigmoid' });
    expect(stepsOf(h, 'train').map((t) => t.lr)).toEqual([0.01, 0.03]);
    // repeat applies to every expanded arm; baselines and reports as for written arms
    expect(plan.seeds).toEqual([1, 2]);
    expect(h.baseline).toEqual({ arm: 'baseline', label: 'final', reason: 'baseline-arm' });
    expect(h.reportLabel).toBe('final');
  });

  it('computes identical prefixes of expanded arms once', () => {
    const plan = expectClean(STUDY);
    // every hybrid shares the baseline's pretraining; same-act arms share the inversion too
    expect(arm(plan, 'hybrid-relu6-0.01').sharedPrefix).toBe(2);
    expect(arm(plan, 'hybrid-relu6-0.03').sharedPrefix).toBe(5);
  });

  it('gives the same plan as the arms written by hand, apart from the template data', () => {
    const byHand = expectClean(`sweep act in [relu6, tanh]
arm h-relu6 { pretrain 1; invert relu6; train 1 }
arm h-tanh { pretrain 1; invert tanh; train 1 }
eval pmnist.*
`.replace('sweep act in [relu6, tanh]\n', ''));
    const swept = expectClean('sweep act in [relu6, tanh]\narm h-$act { pretrain 1; invert $act; train 1 }\neval pmnist.*\n');
    const strip = (p: typeof swept) => p.arms.map(({ template: _t, bindings: _b, source: _s, ...a }) => ({ ...a, steps: a.steps.map(({ source: _x, ...s }) => s) }));
    expect(strip(swept)).toEqual(strip(byHand));
    expect(swept.hash).not.toBe(byHand.hash); // the template is part of the plan
  });

  it('expands only over the variables an arm mentions, in numbers, names, globs and labels', () => {
    const plan = expectClean(`sweep n in [1, 2]
sweep layer in [conv1, conv2]
sweep unused_here in [a]
arm a-$n-$layer { train $n; freeze $layer; unfreeze $layer.bias; train 1; eval pmnist.hcut as at-$layer }
arm b-$unused_here { train 1; eval pmnist.hcut }
`);
    expect(plan.arms.map((a) => a.name)).toEqual(['a-1-conv1', 'a-1-conv2', 'a-2-conv1', 'a-2-conv2', 'b-a']);
    const a = arm(plan, 'a-2-conv2');
    expect(stepsOf(a, 'train')[0].epochs).toBe(2);
    expect(stepsOf(a, 'freeze')[0].params).toEqual(['conv2.weight', 'conv2.bias']);
    expect(stepsOf(a, 'unfreeze')[0].params).toEqual(['conv2.bias']);
    expect(stepsOf(a, 'eval')[0].label).toBe('at-conv2');
  });

  it('changes the plan hash with any sweep value, not with layout', () => {
    const hash = (src: string) => expectClean(src).hash;
    const base = 'sweep rate in [0.01, 0.03]\narm h-$rate { train 1; lr $rate; train 1 }\neval pmnist.*\n';
    expect(hash(base)).not.toBe(hash(base.replace('0.03', '0.02')));
    expect(hash(base)).toBe(hash(`# comment\nsweep   rate in [0.01,0.03]\n\narm h-$rate {\n  train 1\n  lr $rate\n  train 1\n}\neval pmnist.*\n`));
  });

  it('round-trips plans with templates through plan.json', () => {
    const plan = expectClean(STUDY);
    expect(readPlan(JSON.parse(planToJson(plan)))).toEqual(plan);
  });

  it('reports an unknown variable where it is used, naming the sweeps there are', () => {
    const src = 'sweep act in [relu6]\narm h-$act { train 1; invert $ac; train 1 }\neval pmnist.*';
    const d = expectDiagnostic(src, 'MFX2070');
    expect(spanText(src, d)).toBe('$ac');
    expect(d.hint).toContain('$act');
  });

  it('reports a value of the wrong kind at the use, with the value and the sweep line', () => {
    const src = 'sweep rate in [0.01]\nsweep act in [relu6]\narm h-$rate-$act { train $act; invert $rate; train 1 }\neval pmnist.*';
    const { diagnostics } = compile(src, FILE);
    const kinds = diagnostics.filter((d) => d.code === 'MFX2071');
    expect(kinds.map((d) => spanText(src, d))).toEqual(['$act', '$rate']);
    expect(kinds[0].message).toContain('`relu6` (a name, from `sweep act` on line 2), but `train` expects a number');
    expect(kinds[1].message).toContain('`0.01` (a number, from `sweep rate` on line 1), but `invert` expects a name');
  });

  it('rejects duplicate expanded names, templates whose names lack a variable, and mixed sweeps', () => {
    expectDiagnostic('sweep a in [x, x]\narm h-$a { train 1 }\neval pmnist.*', 'MFX2072');
    expectDiagnostic('sweep a in [x, y]\narm h-$a { train 1 }\narm h-y { train 2 }\neval pmnist.*', 'MFX2072');
    const src = 'sweep a in [x, y]\nsweep n in [1, 2]\narm h-$a { train $n }\neval pmnist.*';
    expect(spanText(src, expectDiagnostic(src, 'MFX2073'))).toBe('h-$a');
    expectDiagnostic('sweep a in [x, 1]\narm h-$a { train 1 }\neval pmnist.*', 'MFX2075');
    // two written arms with one name keep their own code
    expectDiagnostic('arm h { train 1 }\narm h { train 2 }\neval pmnist.*', 'MFX2020');
  });

  it('warns about a sweep no arm uses, and rejects a duplicate sweep name', () => {
    const d = expectDiagnostic('sweep a in [1]\ntrain 1; eval pmnist.*', 'MFX2170');
    expect(d.severity).toBe('warning');
    expectDiagnostic('sweep a in [1]\nsweep a in [2]\narm h-$a { train $a }\neval pmnist.*', 'MFX2001');
  });

  it(`allows ${MAX_ARMS} arms and rejects one more, without expanding a huge product`, () => {
    const values = (n: number) => `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;
    const atLimit = expectPlan(`sweep a in ${values(100)}\nsweep b in ${values(10)}\narm r-$a-$b { train 1 }\neval pmnist.hcut\n`);
    expect(atLimit.arms).toHaveLength(MAX_ARMS);
    expectDiagnostic(`sweep a in ${values(100)}\nsweep b in ${values(10)}\narm extra { train 1 }\narm r-$a-$b { train 1 }\neval pmnist.hcut\n`, 'MFX2074');
    const huge = `${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((v) => `sweep ${v} in ${values(30)}`).join('\n')}\narm r-$a-$b-$c-$d-$e-$f-$g-$h { train $a }\neval pmnist.*`;
    expect(expectDiagnostic(huge, 'MFX2074').message).toContain('656,100,000,000 arms');
  });

  it('keeps placeholders out of settings, shared steps and the evals after the arms', () => {
    for (const src of ['sweep a in [1]\nbatch $a\narm h-$a { train 1 }', 'sweep a in [1]\ntrain $a\narm h-$a { train 1 }', 'sweep a in [x]\narm h-$a { train 1 }\neval pmnist.* as $a']) {
      expect(codes(compile(src, FILE).diagnostics)).toContain('MFX1006');
    }
  });
});

describe('per-parameter learning rates', () => {
  it('gives the matched parameters their own rate in later train steps, until a plain `lr`', () => {
    const plan = expectClean('optimizer adam lr 0.001\npretrain 1\nlr 0.0001 for conv*\ntrain 1\nlr 0.0005 for conv2.bias\ntrain 1\nlr 0.002\ntrain 1\neval pmnist.*');
    const trains = stepsOf(plan.arms[0], 'train');
    expect(trains.map((t) => t.lr)).toEqual([0.001, 0.001, 0.001, 0.002]);
    expect(trains[0].rates).toBeUndefined();
    expect(trains[1].rates).toEqual({ 'conv1.weight': 0.0001, 'conv1.bias': 0.0001, 'conv2.weight': 0.0001, 'conv2.bias': 0.0001 });
    expect(trains[2].rates).toEqual({ 'conv1.weight': 0.0001, 'conv1.bias': 0.0001, 'conv2.weight': 0.0001, 'conv2.bias': 0.0005 });
    expect(trains[3].rates).toBeUndefined();
    expect(stepsOf(plan.arms[0], 'lr')[0]).toMatchObject({ lr: 0.0001, params: ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias'] });
  });

  it('lists only trainable parameters whose rate differs from the step rate', () => {
    const plan = expectClean('pretrain 1\nfreeze fc1\nlr 0.001 for conv1, fc*\nlr 0.01 for conv1\ntrain 1\neval pmnist.*');
    const [, train] = stepsOf(plan.arms[0], 'train');
    expect(train.lr).toBe(0.01);
    expect(train.rates).toEqual({ 'fc2.weight': 0.001, 'fc2.bias': 0.001 });
  });

  it('changes state keys and the plan hash with the rates', () => {
    const plain = expectClean('train 1; lr 0.01; train 1; eval pmnist.*');
    const own = expectClean('train 1; lr 0.01 for fc*; train 1; eval pmnist.*');
    const other = expectClean('train 1; lr 0.001 for fc*; train 1; eval pmnist.*');
    const lastKey = (p: typeof plain) => p.arms[0].steps[2].stateKey;
    expect(new Set([lastKey(plain), lastKey(own), lastKey(other)]).size).toBe(3);
    expect(new Set([plain.hash, own.hash, other.hash]).size).toBe(3);
  });

  it('keeps the hash of plans without per-parameter rates (no `rates` field appears)', () => {
    const plan = expectClean('pretrain 1; lr 0.1; train 1; eval pmnist.*');
    expect(JSON.stringify(plan)).not.toContain('"rates"');
    expect(stepsOf(plan.arms[0], 'lr')[0]).not.toHaveProperty('params');
  });

  it('reports a selector that matches nothing, and warns when only frozen parameters match', () => {
    const src = 'train 1; lr 0.01 for conv3; train 1; eval pmnist.*';
    expect(spanText(src, expectDiagnostic(src, 'MFX2032'))).toBe('conv3');
    expectDiagnostic('pretrain 1; freeze conv*; lr 0.01 for conv*; train 1; eval pmnist.*', 'MFX2171');
    expect(codes(compile('pretrain 1; freeze conv*; lr 0.01 for conv*, fc1; train 1; eval pmnist.*', FILE).diagnostics)).toEqual([]);
  });

  it('takes sweep values as rates', () => {
    const plan = expectClean('sweep slow in [0.001, 0.0001]\npretrain 1\narm d-$slow { lr $slow for conv*; train 1 }\neval pmnist.*');
    expect(plan.arms.map((a) => stepsOf(a, 'train')[1].rates?.['conv1.weight'])).toEqual([0.001, 0.0001]);
  });
});
