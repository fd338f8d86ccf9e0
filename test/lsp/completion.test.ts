// Completion in process: the cursor's context decides what is offered (`|` marks the cursor).
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../cli/lsp/analysis.js';
import { complete } from '../../cli/lsp/completion.js';
import { NAMED_MODELS } from '../../compiler/models.js';

function labelsAt(marked: string): string[] {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const doc = TextDocument.create('file:///t.mfx', 'mfx', 1, text);
  return complete(doc, analyze(text, '/t.mfx'), offset).map((i) => i.label);
}

const MODEL = 'model {\n  conv1: conv 8 3x3\n  relu\n  flatten\n  out: dense 10\n}\n';

describe('completion', () => {
  it('offers settings only before the first step, steps and arm everywhere at the top', () => {
    expect(labelsAt('|')).toEqual(expect.arrayContaining(['experiment', 'dataset', 'model', 'optimizer', 'batch', 'seed', 'repeat', 'baseline', 'train', 'arm']));
    const afterStep = labelsAt('train 1\n|');
    expect(afterStep).toContain('eval');
    expect(afterStep).toContain('arm');
    expect(afterStep).not.toContain('dataset');
    expect(labelsAt('arm a { train 1 }\n|')).not.toContain('seed');
    expect(labelsAt('seed 1; |')).toContain('batch');
    // Each setting once: the ones already written are not offered again.
    expect(labelsAt('seed 1\n|\ndataset mnist')).not.toContain('seed');
    expect(labelsAt('seed 1\n|\ndataset mnist')).not.toContain('dataset');
    expect(labelsAt('seed 1\n|\ndataset mnist')).toContain('batch');
    expect(labelsAt('se|ed 1')).toContain('seed');
  });

  it('documents statements and layers beside the list', () => {
    const text = 'model {\n  \n}\n';
    const doc = TextDocument.create('file:///t.mfx', 'mfx', 1, text);
    const a = analyze(text, '/t.mfx');
    const conv = complete(doc, a, 10).find((i) => i.label === 'conv');
    expect(conv?.detail).toBe('NAME: conv FILTERS KxK [stride N] [padding valid|same]');
    expect(conv?.documentation).toMatchObject({ kind: 'markdown', value: expect.stringContaining('2-D convolution') });
    const freeze = complete(doc, a, text.length).find((i) => i.label === 'freeze');
    expect(freeze?.documentation).toMatchObject({ value: expect.stringContaining('stop updating the selected parameters') });
  });

  it('offers layer kinds in a model block, also after `NAME:`, and conv options', () => {
    expect(labelsAt('model {\n  |\n}')).toEqual(expect.arrayContaining(['conv', 'dense', 'pool', 'flatten', 'relu6']));
    expect(labelsAt('model {\n  c1: |\n}')).toContain('conv');
    expect(labelsAt('model {\n  c1: conv 8 3x3 |\n}')).toEqual(['stride', 'padding']);
    expect(labelsAt('model {\n  c1: conv 8 3x3 stride 1 |\n}')).toEqual(['padding']);
    expect(labelsAt('model {\n  c1: conv 8 3x3 padding |\n}')).toEqual(['valid', 'same']);
  });

  it('takes layer names and globs from the file\'s own model', () => {
    const got = labelsAt(`${MODEL}freeze |`);
    expect(got).toEqual(expect.arrayContaining(['conv1', 'out', 'conv*', 'conv1.weight', 'out.bias', '*']));
    expect(got).not.toContain('fc1');
    expect(labelsAt(`${MODEL}freeze conv1, |`)).toContain('out');
    expect(labelsAt(`${MODEL}freeze conv1 |`)).toEqual([]);
  });

  it('offers parameter roles after a dot', () => {
    expect(labelsAt('freeze conv*.|')).toEqual(['conv*.weight', 'conv*.bias']);
    expect(labelsAt('reset fc2.b|')).toEqual(['fc2.weight', 'fc2.bias']);
  });

  it('completes arguments per statement', () => {
    expect(labelsAt('dataset |')).toEqual(['mnist', 'fashion-mnist', 'idx']);
    expect(labelsAt('model |')).toEqual(Object.keys(NAMED_MODELS));
    expect(labelsAt('model |')).toEqual(expect.arrayContaining(['reference', 'lenet5']));
    expect(labelsAt('optimizer |')).toEqual(['sgd', 'adam']);
    expect(labelsAt('optimizer adam lr 0.01 |')).toEqual(['beta1', 'beta2', 'epsilon']);
    expect(labelsAt('optimizer adam lr |')).toEqual([]);
    expect(labelsAt('train 3 |')).toEqual(['alternate', 'select', 'on']);
    expect(labelsAt('train 3 alternate |')).toEqual(['select', 'on']);
    expect(labelsAt('train 3 select |')).toEqual(['on']);
    expect(labelsAt('pretrain 3 |')).toEqual(['select']);
    expect(labelsAt('lr 0.1 |')).toEqual(['for']);
    expect(labelsAt('lr 0.1 for |')).toContain('fc*');
    expect(labelsAt('eval pmnist.hcut |')).toEqual(['every', 'as', 'on']);
    expect(labelsAt('eval pmnist.hcut every |')).toEqual(['epoch']);
    expect(labelsAt('eval pmnist.hcut every epoch |')).toEqual(['as', 'on']);
    expect(labelsAt('eval pmnist.hcut as |')).toEqual([]);
    expect(labelsAt('eval pmnist.hcut as x |')).toEqual(['on']);
    expect(labelsAt('dataset fashion-mnist\neval |')).toContain('pfashion.*');
  });

  it('completes heads after `on` and `+`, and head parameters in selectors', () => {
    const file = 'pretrain 1\narm a { head missing }\n';
    expect(labelsAt(`${file}train 1 on |`)).toEqual(['main', 'missing']);
    expect(labelsAt(`${file}train 1 on main + |`)).toEqual(['main', 'missing']);
    expect(labelsAt(`${file}eval pmnist.* as s on |`)).toEqual(['main', 'missing']);
    expect(labelsAt(`${file}invert relu6 |`)).toEqual(['on']);
    expect(labelsAt(`${file}invert relu6 on |`)).toEqual(['main', 'missing']);
    expect(labelsAt(`${file}freeze |`)).toEqual(expect.arrayContaining(['missing.fc1', 'missing.*', 'missing.fc2.bias', 'fc*']));
    expect(labelsAt(`${file}freeze |`)).not.toContain('missing.fc*');
    expect(labelsAt(`${file}freeze missing.|`)).toEqual(['missing.fc1', 'missing.fc2']);
    expect(labelsAt(`${file}freeze missing.fc1.|`)).toEqual(['missing.fc1.weight', 'missing.fc1.bias']);
    expect(labelsAt('train 1 on |')).toEqual(['main']);
  });

  it('completes arm names after baseline, from arms declared anywhere in the file', () => {
    expect(labelsAt('baseline |\narm first { train 1 }\narm second { train 2 }')).toEqual(['first', 'second']);
  });

  it('offers nothing inside comments and strings', () => {
    expect(labelsAt('# freeze |')).toEqual([]);
    expect(labelsAt('train 1 # |')).toEqual([]);
    expect(labelsAt('experiment "a |')).toEqual([]);
  });
});

describe('sweeps', () => {
  const SWEEPS = 'sweep act in [relu6, tanh]\nsweep rate in [0.01, 0.03]\n';

  it('completes `$NAME` in arms and arm names, with the values as detail', () => {
    expect(labelsAt(`${SWEEPS}arm a {\n  invert $|\n}`)).toEqual(['$act', '$rate']);
    expect(labelsAt(`${SWEEPS}arm a { lr $r| }`)).toEqual(['$act', '$rate']);
    const text = `${SWEEPS}arm hybrid-$a`;
    const doc = TextDocument.create('file:///t.mfx', 'mfx', 1, text);
    const items = complete(doc, analyze(text, '/t.mfx'), text.length);
    expect(items.map((i) => [i.label, i.detail, i.textEdit && 'newText' in i.textEdit ? i.textEdit.newText : null])).toEqual([
      ['$act', 'sweep: relu6, tanh', 'hybrid-$act'],
      ['$rate', 'sweep: 0.01, 0.03', 'hybrid-$rate'],
    ]);
    // Outside arms a placeholder is an error, so none is offered.
    expect(labelsAt(`${SWEEPS}batch $|`)).toEqual([]);
  });

  it('offers `sweep` as a setting and `in` after its name', () => {
    expect(labelsAt('|')).toContain('sweep');
    expect(labelsAt('sweep act |')).toEqual(['in']);
  });
});
