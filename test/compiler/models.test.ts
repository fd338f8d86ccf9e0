import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { arm, expectClean, expectDiagnostic, spanText, stepsOf } from './helpers.js';

describe('the reference model', () => {
  const plan = expectClean('train 1; eval pmnist.*');
  const model = plan.model;

  it('has the talk\'s 21,840 parameters in NHWC layout', () => {
    expect(model.totalParams).toBe(21840);
    expect(model.params.map((p) => [p.name, p.shape, p.fanIn])).toEqual([
      ['conv1.weight', [5, 5, 1, 10], 25],
      ['conv1.bias', [10], 25],
      ['conv2.weight', [5, 5, 10, 20], 250],
      ['conv2.bias', [20], 250],
      ['fc1.weight', [320, 50], 320],
      ['fc1.bias', [50], 320],
      ['fc2.weight', [50, 10], 50],
      ['fc2.bias', [10], 50],
    ]);
  });

  it('infers every layer shape from the 28x28x1 input', () => {
    expect(model.layers.map((l) => [l.kind, l.outShape])).toEqual([
      ['conv', [24, 24, 10]],
      ['pool', [12, 12, 10]],
      ['activation', [12, 12, 10]],
      ['conv', [8, 8, 20]],
      ['dropout2d', [8, 8, 20]],
      ['pool', [4, 4, 20]],
      ['activation', [4, 4, 20]],
      ['flatten', [320]],
      ['dense', [50]],
      ['activation', [50]],
      ['dropout', [50]],
      ['dense', [10]],
    ]);
  });

  it('puts the feature boundary at flatten and the feature activation at the relu before it', () => {
    expect(model.featureBoundary).toBe(7);
    expect(model.featureActivation).toBe(6);
    expect(model.layers[6]).toMatchObject({ kind: 'activation', activation: 'relu' });
  });

  it('is what `model reference` names explicitly', () => {
    expect(expectClean('model reference; train 1; eval pmnist.*').model).toEqual(model);
  });
});

describe('named models', () => {
  it('offers lenet5', () => {
    const m = expectClean('model lenet5; train 1; eval pmnist.*').model;
    expect(m.layers.find((l) => l.kind === 'flatten')?.outShape).toEqual([400]);
    expect(m.totalParams).toBe(156 + 2416 + 48120 + 10164 + 850);
  });

  it('offers research: the research code\'s net (mnist.py), relu and pool before the flatten', () => {
    const m = expectClean('model research; train 1; eval pmnist.*').model;
    expect(m.name).toBe('research');
    expect(m.layers.map((l) => l.kind)).toEqual(['conv', 'activation', 'pool', 'conv', 'activation', 'pool', 'flatten', 'dense', 'activation', 'dense']);
    expect(m.layers[6].outShape).toEqual([800]);
    expect(m.params.map((p) => `${p.name} ${p.shape.join('x')}`)).toEqual([
      'conv1.weight 5x5x1x20', 'conv1.bias 20', 'conv2.weight 5x5x20x50', 'conv2.bias 50',
      'fc1.weight 800x500', 'fc1.bias 500', 'fc2.weight 500x10', 'fc2.bias 10',
    ]);
    expect(m.totalParams).toBe(431_080);
    expect(m.featureBoundary).toBe(6);
    expect(m.featureActivation).toBe(4); // the relu after conv2, across the pool
  });

  it('rejects an unknown name with a suggestion', () => {
    const src = 'model referense';
    const d = expectDiagnostic(src, 'MFX2006');
    expect(spanText(src, d)).toBe('referense');
    expect(d.hint).toBe('did you mean `reference`?');
  });
});

const BLOCK = (body: string) => `model {\n${body}\n}\ntrain 1; eval pmnist.*`;

describe('model blocks', () => {
  it('infers shapes and counts for a custom net, with stride and same padding', () => {
    const plan = expectClean(BLOCK('c1: conv 8 3x3 stride 2 padding same\nrelu\nflatten\nout: dense 10'));
    expect(plan.model.name).toBe('custom');
    expect(plan.model.layers[0].outShape).toEqual([14, 14, 8]);
    expect(plan.model.totalParams).toBe(3 * 3 * 8 + 8 + 14 * 14 * 8 * 10 + 10);
    expect(plan.model.featureActivation).toBe(1);
  });

  it('finds the feature activation across dropout and max-pooling, not across a conv', () => {
    expect(expectClean(BLOCK('c: conv 4 5x5\nrelu\ndropout2d 0.2\nflatten\nd: dense 10')).model.featureActivation).toBe(1);
    expect(expectClean(BLOCK('c: conv 4 5x5\nrelu\npool 2\nflatten\nd: dense 10')).model.featureActivation).toBe(1);
    expect(expectClean(BLOCK('c: conv 4 5x5\nrelu\npool 2\ndropout2d 0.1\nflatten\nd: dense 10')).model.featureActivation).toBe(1);
    expect(expectClean(BLOCK('c: conv 4 5x5\nrelu\ne: conv 4 3x3\npool 2\nflatten\nd: dense 10')).model.featureActivation).toBe(-1);
  });

  it('accepts invert on `relu, pool, flatten` (the research code\'s layer order)', () => {
    expectClean('model {\nc: conv 4 5x5\nrelu\npool 2\nflatten\nd: dense 10\n}\npretrain 1; invert sigmoid; train 1; eval pmnist.*');
  });

  it('reports a kernel that does not fit, at the layer', () => {
    const src = BLOCK('c1: conv 4 5x5\npool 2\npool 2\npool 2\nc2: conv 4 5x5\nflatten\nd: dense 10');
    const d = expectDiagnostic(src, 'MFX2052');
    expect(spanText(src, d)).toBe('c2: conv 4 5x5');
    expect(d.message).toMatch(/does not fit the 3x3 input/);
  });

  it('reports a dense layer on an image-shaped input with the remedy', () => {
    const d = expectDiagnostic(BLOCK('c: conv 4 5x5\nd: dense 10\nflatten'), 'MFX2052');
    expect(d.hint).toMatch(/add `flatten`/);
  });

  it.each([
    ['no flatten', 'c: conv 4 5x5\nrelu', 'MFX2050'],
    ['two flattens', 'flatten\nflatten\nd: dense 10', 'MFX2051'],
    ['duplicate layer names', 'c: conv 4 5x5\nc: conv 4 5x5\nflatten\nd: dense 10', 'MFX2053'],
    ['an unnamed conv', 'conv 4 5x5\nflatten\nd: dense 10', 'MFX2054'],
    ['a named pool', 'p: pool 2\nflatten\nd: dense 10', 'MFX2055'],
    ['a wrong output size', 'flatten\nd: dense 12', 'MFX2091'],
    ['an output that is not dense', 'flatten\nd: dense 10\nrelu', 'MFX2056'],
    ['an unknown padding', 'c: conv 4 5x5 padding full\nflatten\nd: dense 10', 'MFX2057'],
    ['zero filters', 'c: conv 0 5x5\nflatten\nd: dense 10', 'MFX2009'],
    ['a dropout rate of 1', 'flatten\ndropout 1\nd: dense 10', 'MFX2009'],
  ])('rejects %s', (_what, body, code) => {
    expectDiagnostic(BLOCK(body), code);
  });

  it('resolves selectors against the block\'s own layer names', () => {
    const plan = expectClean('model {\nfeat: conv 4 5x5\nrelu\nflatten\nhead: dense 10\n}\npretrain 1; freeze feat; invert relu6; train 1; eval pmnist.*');
    const train = stepsOf(arm(plan, 'main'), 'train')[1];
    expect(train.trainable).toEqual(['head.weight', 'head.bias']);
    expect(train.frozen).toEqual(['feat.weight', 'feat.bias']);
  });

  it('rejects invert on a model without a feature activation', () => {
    expectDiagnostic('model {\nc: conv 4 5x5\nflatten\nd: dense 10\n}\ninvert relu6; train 1; eval pmnist.*', 'MFX2036');
  });
});

describe('model blocks with syntax errors', () => {
  it('reports only the syntax error, not shape errors caused by the lost layer', () => {
    const { diagnostics } = compile('model {\n  c1: conv 4 5x5\n  relu\n  flaten\n  d: dense 10\n}\ntrain 1; eval pmnist.*', 'x.mfx');
    expect(diagnostics.map((d) => d.code)).toEqual(['MFX1012']);
  });
});
