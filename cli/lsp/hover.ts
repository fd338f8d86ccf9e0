// Hover: what a statement does, a layer's shapes and parameters, what a selector matches,
// what a test set is and how large, which arm a `baseline` names.
import type { Hover } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span, SweepSetting } from '../../grammar/index.js';
import { MAIN_HEAD } from '../../grammar/index.js';
import { matchGlob } from '../../compiler/globs.js';
import { copyMainHead } from '../../compiler/heads.js';
import type { LayerSpec, ModelSpec, ParamSpec } from '../../compiler/plan.js';
import { resolveSelector } from '../../compiler/selectors.js';
import { parseTestSetName } from '../../compiler/test-sets.js';
import { describeTestSet } from '../../runtime/data/test-sets.js';
import { type Analysis, testSetSize } from './analysis.js';
import { rangeOf } from './convert.js';
import { ACTIVATION_DOCS, layerDoc, statementDoc } from './docs.js';
import { nodeAt } from './nodes.js';

const count = (n: number) => n.toLocaleString('en-US');
const shape = (s: number[]) => s.join('×');

/** `conv1`: its input and output shapes and its parameters. */
export function layerSummary(model: ModelSpec, name: string): string | null {
  const layer = model.layers.find((l) => (l.kind === 'conv' || l.kind === 'dense') && l.name === name);
  if (!layer || (layer.kind !== 'conv' && layer.kind !== 'dense')) return null;
  const params = model.params.filter((p) => p.layer === name);
  const total = params.reduce((a, p) => a + p.size, 0);
  const what = layer.kind === 'conv' ? `conv ${layer.filters} ${layer.kernel.join('x')}, stride ${layer.stride}, padding ${layer.padding}` : `dense ${layer.units}`;
  return [
    `**${name}**: ${what}`,
    '',
    `${shape(layer.inShape)} → ${shape(layer.outShape)}, ${count(total)} parameters:`,
    ...params.map((p) => `- \`${p.name}\` [${p.shape.join(', ')}] (${count(p.size)})`),
  ].join('\n');
}

/** The model's parameters and those of every head the file adds (an arm has the heads it adds). */
function paramSpace(model: ModelSpec, a: Analysis): ParamSpec[] {
  return [...model.params, ...a.heads.flatMap((h) => (h.name.text === MAIN_HEAD ? [] : copyMainHead(model, h.name.text).params))];
}

function selectorSummary(model: ModelSpec, a: Analysis, glob: string): string {
  const space = paramSpace(model, a);
  const names = resolveSelector(glob, { params: space });
  if (names.length === 0) return `\`${glob}\` matches no parameter of this model${a.heads.length > 0 ? ' or its heads' : ''}`;
  const params = space.filter((p) => names.includes(p.name));
  const total = params.reduce((x, p) => x + p.size, 0);
  const all = space.reduce((x, p) => x + p.size, 0);
  return [`\`${glob}\` selects ${names.length} of ${space.length} parameter tensors, ${count(total)} of ${count(all)} parameters:`, ...params.map((p) => `- \`${p.name}\` [${p.shape.join(', ')}]`)].join('\n');
}

/** `main` or a head a `head` step adds: its layers and parameter count. */
function headSummary(model: ModelSpec, a: Analysis, name: string): string {
  const main = copyMainHead(model, MAIN_HEAD);
  const layers = (ls: LayerSpec[]) => ls.flatMap((l) => (l.kind === 'dense' || l.kind === 'conv' ? [`\`${l.name}\``] : [])).join(', ');
  const size = (ps: ParamSpec[]) => count(ps.reduce((x, p) => x + p.size, 0));
  if (name === MAIN_HEAD) return `head \`main\`: the model's own head, the layers after \`flatten\` (${layers(main.layers).replaceAll('main.', '')}), ${size(main.params)} parameters`;
  if (!a.heads.some((h) => h.name.text === name)) return `no \`head ${name}\` step adds a head \`${name}\``;
  const copy = copyMainHead(model, name);
  return `head \`${name}\`: a fresh copy of the main head (${layers(copy.layers)}), ${size(copy.params)} parameters; it reads the model's own features until \`invert ... on ${name}\``;
}

function testSetSummary(a: Analysis, glob: string): string {
  const names = matchGlob(glob, a.testSets);
  if (names.length === 0) return `\`${glob}\` matches no test set of this dataset`;
  // The cuts scale with the images: the model's input shape is the data's.
  const [h, w] = a.model ? a.model.inputShape : [28, 28];
  const line = (n: string) => {
    const parsed = parseTestSetName(n);
    return `- \`${n}\`${parsed ? `: ${describeTestSet(parsed.variant, h, w)}` : ''}`;
  };
  return [...names.map(line), '', `Each: ${testSetSize(a.settings.dataset)}.`].join('\n');
}

function sweepSummary(s: SweepSetting): string {
  const values = s.values.map((v) => (v.kind === 'number' ? v.raw : v.text));
  return `sweep \`${s.name.text}\` over ${values.length} values: ${values.map((v) => `\`${v}\``).join(', ')}. Each arm that mentions \`$${s.name.text}\` becomes one arm per value.`;
}

export function hover(doc: TextDocument, a: Analysis, offset: number): Hover | null {
  const hit = nodeAt(a.ast, a.text, offset);
  if (!hit) return null;
  const md = (value: string, span: Span): Hover => ({ contents: { kind: 'markdown', value }, range: rangeOf(doc, span) });
  switch (hit.kind) {
    case 'keyword': {
      const text = statementDoc(hit.keyword);
      return text ? md(text, hit.span) : null;
    }
    case 'layer-kind': {
      const text = layerDoc(hit.layerKind);
      return text ? md(text, hit.span) : null;
    }
    case 'layer-name': {
      const text = a.model ? layerSummary(a.model, hit.name.text) : null;
      return text ? md(text, hit.name.span) : null;
    }
    case 'selector':
      return a.model ? md(selectorSummary(a.model, a, hit.glob.text), hit.glob.span) : null;
    case 'head':
      return a.model ? md(headSummary(a.model, a, hit.name.text), hit.name.span) : null;
    case 'test-set':
      return md(testSetSummary(a, hit.glob.text), hit.glob.span);
    case 'arm-ref': {
      const arm = a.arms.find((x) => x.name.text === hit.name.text);
      return md(arm ? `arm \`${arm.name.text}\` (${arm.body.length} statements): every Delta column compares against it` : `no arm is called \`${hit.name.text}\``, hit.name.span);
    }
    case 'arm-name':
      return md(`arm \`${hit.arm.name.text}\`: ${hit.arm.body.length} statements after the shared prefix`, hit.arm.name.span);
    case 'activation': {
      const text = ACTIVATION_DOCS[hit.name.text];
      return text ? md(`\`invert ${hit.name.text}\`: ${text}`, hit.name.span) : null;
    }
    case 'sweep-name':
      return md(sweepSummary(hit.sweep), hit.sweep.name.span);
    case 'placeholder': {
      const sweep = a.settings.sweeps.find((x) => x.name.text === hit.name);
      return md(sweep ? `\`$${hit.name}\`: ${sweepSummary(sweep)}` : `no \`sweep ${hit.name} in [...]\` in this file`, hit.span);
    }
    case 'model-name': {
      const m = a.model;
      if (!m) return null;
      const layers = m.layers.map((l) => ('name' in l ? `${l.name}: ${l.kind}` : l.kind === 'activation' ? l.activation : l.kind)).join(' → ');
      return md(`**${m.name}**: ${count(m.totalParams)} parameters, input ${shape(m.inputShape)}, ${m.classes} classes\n\n${layers}`, hit.name.span);
    }
    default: {
      const never: never = hit;
      return never;
    }
  }
}
