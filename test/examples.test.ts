// Every example checks clean (warnings allowed where the example says why) and is formatted.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, parse, print } from '../compiler/index.js';
import { readDatasetInfo } from '../runtime/data/dataset-info.js';

const DIR = new URL('../examples/', import.meta.url);
const EXAMPLES = readdirSync(DIR).filter((f) => f.endsWith('.mfx')).sort();
const read = (name: string) => readFileSync(new URL(name, DIR), 'utf8');

describe('examples', () => {
  it('include the required ones', () => {
    expect(EXAMPLES).toEqual(expect.arrayContaining(['oneliner.mfx', 'quickstart.mfx', 'reference.mfx', 'custom-model.mfx']));
  });

  it.each(EXAMPLES)('%s compiles without errors and is in canonical layout', (name) => {
    const text = read(name);
    // With the reader `mfx check` uses: a dataset that is not on this machine (EMNIST) is a warning, not an error.
    const { plan, diagnostics } = compile(text, `examples/${name}`, { datasetInfo: readDatasetInfo });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan).not.toBeNull();
    expect(print(parse(text, name).ast)).toBe(text);
  });

  it('oneliner.mfx is the card\'s line verbatim', () => {
    expect(read('oneliner.mfx')).toBe('pretrain 10; freeze conv*; invert relu6; reset fc*; train 20; eval pmnist.*\n');
  });

  it('quickstart.mfx has the one-liner\'s schedule with one epoch per phase', () => {
    const quick = compile(read('quickstart.mfx'), 'quickstart.mfx').plan!;
    const one = compile(read('oneliner.mfx'), 'oneliner.mfx').plan!;
    const kinds = (p: typeof one) => p.arms[0].steps.map((s) => s.kind);
    expect(kinds(quick)).toEqual(kinds(one));
    expect(quick.arms[0].steps.filter((s) => s.kind === 'train').map((s) => (s.kind === 'train' ? s.epochs : 0))).toEqual([1, 1]);
  });

  it('reference.mfx has torch_reference.py\'s four arms plus the research code\'s other variants, on pmnist.*', () => {
    const plan = compile(read('reference.mfx'), 'reference.mfx').plan!;
    expect(plan.arms.map((a) => a.name)).toEqual(['baseline', 'inverted', 'hybrid', 'hybrid-relu6', 'hybrid-nr', 'alternate']);
    const epochs = (name: string) =>
      plan.arms.find((a) => a.name === name)!.steps.reduce((n, s) => n + (s.kind === 'train' ? s.epochs : 0), 0);
    expect(epochs('baseline')).toBe(10);
    expect(epochs('inverted')).toBe(10);
    for (const arm of ['hybrid', 'hybrid-relu6', 'hybrid-nr', 'alternate']) expect(epochs(arm)).toBe(20); // 10 + 10
    for (const a of plan.arms) expect(a.reportLabel).toBe('final');
    // every hybrid shares the baseline's 10 pretraining epochs: computed once
    for (const arm of ['hybrid', 'hybrid-relu6', 'hybrid-nr', 'alternate']) {
      expect(plan.arms.find((a) => a.name === arm)!.sharedPrefix).toBeGreaterThanOrEqual(2);
    }
    expect(plan.testSets).toEqual(['pmnist.unmodified', 'pmnist.hcut', 'pmnist.vcut', 'pmnist.dcut', 'pmnist.tcut']);
    // invert relu (MFX2100) in `inverted` and `hybrid` (as torch_reference.py does), `hybrid-nr` and `alternate`
    // (as the research code does); `alternate`'s 10 epochs end inverted, so no MFX2104
    expect(plan.warnings).toHaveLength(4);
    expect(plan.warnings.every((w) => w.includes('MFX2100'))).toBe(true);
    const alternate = plan.arms.find((a) => a.name === 'alternate')!.steps.find((s) => s.kind === 'train' && s.alternate);
    expect(alternate).toMatchObject({ epochs: 10, feature: { kind: 'inverted', activation: 'relu' } });
    const nr = plan.arms.find((a) => a.name === 'hybrid-nr')!.steps.filter((s) => s.kind === 'train');
    expect(nr[1]).toMatchObject({ feature: { kind: 'inverted', activation: 'relu' }, frozen: ['conv1.weight', 'conv2.weight'] });
  });

  it('research-code.mfx has mnist.py\'s net, settings and five arms, step for step', () => {
    const plan = compile(read('research-code.mfx'), 'research-code.mfx').plan!;
    expect(plan.model.name).toBe('research');
    expect(plan.optimizer).toMatchObject({ kind: 'sgd', lr: 0.01, momentum: 0.5 });
    expect(plan.batch).toBe(64);
    expect(plan.seeds).toEqual([42, 43, 44]);
    expect(plan.testSets).toEqual(['pmnist.unmodified', 'pmnist.hcut', 'pmnist.vcut', 'pmnist.dcut', 'pmnist.tcut']);
    const shape = (name: string) =>
      plan.arms.find((a) => a.name === name)!.steps
        .filter((s) => s.kind !== 'eval')
        .map((s) => {
          switch (s.kind) {
            case 'train':
              return `train ${s.epochs}${s.alternate ? ' alternate' : ''} ${s.feature.kind === 'inverted' ? `1-${s.feature.activation}` : 'own'} frozen=${s.frozen.join(',')}`;
            case 'invert':
              return `invert ${s.feature.kind === 'inverted' ? s.feature.activation : 'off'}`;
            case 'reset':
            case 'freeze':
            case 'unfreeze':
              return `${s.kind} ${s.params.join(',')}`;
            default:
              return s.kind;
          }
        });
    const pretrain = 'train 10 own frozen=';
    const frozen = 'frozen=conv1.weight,conv2.weight'; // biases keep training (mnist.py lines 169-170)
    expect(plan.arms.map((a) => a.name)).toEqual(['normal', 'negative_relu', 'hybrid', 'hybrid_nr', 'hybrid_alt']);
    expect(shape('normal')).toEqual([pretrain]);
    expect(shape('negative_relu')).toEqual(['invert relu', 'train 10 1-relu frozen=']);
    const reset = 'reset fc1.weight,fc1.bias,fc2.weight,fc2.bias';
    const freeze = 'freeze conv1.weight,conv2.weight';
    expect(shape('hybrid')).toEqual([pretrain, 'invert relu', reset, freeze, `train 10 1-relu ${frozen}`]);
    expect(shape('hybrid_nr')).toEqual([pretrain, 'invert relu', freeze, `train 10 1-relu ${frozen}`]);
    expect(shape('hybrid_alt')).toEqual([pretrain, 'invert relu', reset, freeze, `train 10 alternate 1-relu ${frozen}`]);
    // every arm is compared with normal; only the four `invert relu` warnings (1 - x, as mnist.py)
    for (const a of plan.arms.slice(1)) expect(a.baseline).toMatchObject({ arm: 'normal', label: 'final' });
    expect(plan.warnings).toHaveLength(4);
    expect(plan.warnings.every((w) => w.includes('MFX2100'))).toBe(true);
  });

  it('emnist.mfx checks without EMNIST on the machine, and gets a 47-way head when the folder is there', () => {
    const text = read('emnist.mfx');
    const absent = compile(text, 'examples/emnist.mfx', { datasetInfo: () => ({ kind: 'absent', reason: 'not here' }) });
    expect(absent.diagnostics.map((d) => d.code)).toEqual(['MFX2130']);
    const found = compile(text, 'examples/emnist.mfx', {
      datasetInfo: (spec) => {
        expect(spec).toEqual({ kind: 'idx', dir: new URL('../examples/data/emnist-balanced', import.meta.url).pathname });
        return { kind: 'found', shape: { height: 28, width: 28, channels: 1, classes: 47 }, labelsFile: 'train-labels-idx1-ubyte.gz' };
      },
    });
    expect(found.diagnostics).toEqual([]);
    expect(found.plan!.model.classes).toBe(47);
    expect(found.plan!.model.params.find((p) => p.name === 'fc2.weight')!.shape).toEqual([50, 47]);
    expect(found.plan!.testSets).toEqual(['pidx.unmodified', 'pidx.hcut', 'pidx.vcut', 'pidx.dcut', 'pidx.tcut']);
  });

  it('custom-model.mfx declares its own model', () => {
    const plan = compile(read('custom-model.mfx'), 'custom-model.mfx').plan!;
    expect(plan.model.name).toBe('custom');
    expect(plan.model.totalParams).toBe(16 * 25 + 16 + 32 * 16 * 25 + 32 + 512 * 64 + 64 + 64 * 10 + 10);
  });
});

describe('docs/results/reference-repeat3.mfx', () => {
  it('is examples/reference.mfx with repeat 3: the same arms and steps, seeds 1..3', () => {
    const docs = compile(readFileSync(new URL('../docs/results/reference-repeat3.mfx', import.meta.url), 'utf8'), 'docs/results/reference-repeat3.mfx');
    expect(docs.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const reference = compile(read('reference.mfx'), 'examples/reference.mfx').plan!;
    expect(docs.plan!.seeds).toEqual([1, 2, 3]);
    const steps = (p: typeof reference) => p.arms.map((a) => [a.name, a.steps.map((s) => s.stateKey)]);
    expect(steps(docs.plan!)).toEqual(steps(reference));
  });
});

describe('docs/results/research-code/slice-2x2.mfx', () => {
  it('is examples/research-code.mfx with 2 epochs per phase and one seed: the same arms and steps otherwise', () => {
    const slice = compile(readFileSync(new URL('../docs/results/research-code/slice-2x2.mfx', import.meta.url), 'utf8'), 'slice-2x2.mfx');
    expect(slice.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const full = compile(read('research-code.mfx'), 'examples/research-code.mfx').plan!;
    expect(slice.plan!.seeds).toEqual([42]);
    const steps = (p: typeof full, epochs: (n: number) => number) =>
      p.arms.map((a) => [a.name, a.steps.map(({ stateKey: _k, source: _s, ...s }) => (s.kind === 'train' ? { ...s, epochs: epochs(s.epochs) } : s))]);
    expect(steps(slice.plan!, (n) => n)).toEqual(steps(full, (n) => (n === 10 ? 2 : n)));
  });
});

describe('synergy.mfx', () => {
  it('has a baseline of 10 + 10 normal epochs and the design\'s synergy and joint arms, each head evaluated', () => {
    const plan = compile(read('synergy.mfx'), 'synergy.mfx').plan!;
    expect(plan.arms.map((a) => a.name)).toEqual(['baseline', 'synergy', 'joint']);
    const epochs = (name: string) => plan.arms.find((a) => a.name === name)!.steps.reduce((n, s) => n + (s.kind === 'train' ? s.epochs : 0), 0);
    for (const a of plan.arms) expect(epochs(a.name)).toBe(20);
    const arm = (name: string) => plan.arms.find((a) => a.name === name)!;
    const written = (name: string) =>
      arm(name).steps.flatMap((s) => {
        switch (s.kind) {
          case 'train':
            return [`${s.pretrain ? 'pretrain' : 'train'} ${s.epochs} on ${(s.on ?? ['main']).join(' + ')}`];
          case 'head':
            return [`head ${s.name}`];
          case 'invert':
            return [`invert ${s.feature.kind === 'inverted' ? s.feature.activation : 'off'} on ${(s.heads ?? ['every head']).join(', ')}`];
          case 'freeze':
            return [`freeze ${s.params.join(', ')}`];
          case 'eval':
            return [`eval ${s.label} on ${(s.on ?? ['main']).join(' + ')}`];
          default:
            return [s.kind];
        }
      });
    expect(written('baseline')).toEqual(['pretrain 10 on main', 'eval pretrained on main', 'train 10 on main', 'eval final on main']);
    expect(written('synergy')).toEqual([
      'pretrain 10 on main',
      'eval pretrained on main',
      'freeze conv1.weight, conv2.weight',
      'head missing',
      'freeze fc1.weight, fc1.bias, fc2.weight, fc2.bias',
      'invert relu on missing',
      'train 10 on missing',
      'eval normal on main',
      'eval missing on missing',
      'eval synergy on main + missing',
      'eval final on main',
    ]);
    expect(written('joint')).toEqual([
      'pretrain 10 on main',
      'eval pretrained on main',
      'freeze conv1.weight, conv1.bias, conv2.weight, conv2.bias',
      'head missing',
      'invert relu6 on missing',
      'train 10 on main + missing',
      'eval synergy on main + missing',
      'eval final on main',
    ]);
    // the pretraining is computed once for all three arms; every Delta compares with the baseline
    for (const name of ['synergy', 'joint']) {
      expect(arm(name).sharedPrefix).toBe(2);
      expect(arm(name).baseline).toEqual({ arm: 'baseline', label: 'final', reason: 'baseline-arm' });
    }
    // `invert relu` on the missing head, as the research code does: the one warning
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toContain('MFX2100');
  });
});
