// Models: the built-in `reference` net and `model { ... }` blocks, both lowered to a ModelSpec
// by one shape-inference pass that names every parameter and counts it.
import type { Diagnostic, LayerDecl, NumberLit, SizeLit, Span } from '../grammar/index.js';
import { didYouMean, makeDiagnostic } from '../grammar/index.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import { LIMITS, LIMITS_HINT } from './limits.js';
import { checkNumber } from './numbers.js';
import type { Activation, LayerSpec, ModelSpec, ParamSpec, Shape } from './plan.js';

/** A layer before inference: what was written, and where (null for built-in models). */
type LayerDraft =
  | { kind: 'conv'; name: string; filters: number; kernel: [number, number]; stride: number; padding: 'valid' | 'same'; at: Span | null }
  | { kind: 'dense'; name: string; units: number; at: Span | null }
  | { kind: 'pool'; size: number; at: Span | null }
  | { kind: 'activation'; activation: Activation; at: Span | null }
  | { kind: 'dropout' | 'dropout2d'; rate: number; at: Span | null }
  | { kind: 'flatten'; at: Span | null };

/** The talk's net (PyTorch's classic MNIST example), layer for layer. 21,840 parameters on 28x28x1. */
const REFERENCE: LayerDraft[] = [
  { kind: 'conv', name: 'conv1', filters: 10, kernel: [5, 5], stride: 1, padding: 'valid', at: null },
  { kind: 'pool', size: 2, at: null },
  { kind: 'activation', activation: 'relu', at: null },
  { kind: 'conv', name: 'conv2', filters: 20, kernel: [5, 5], stride: 1, padding: 'valid', at: null },
  { kind: 'dropout2d', rate: 0.5, at: null },
  { kind: 'pool', size: 2, at: null },
  { kind: 'activation', activation: 'relu', at: null },
  { kind: 'flatten', at: null },
  { kind: 'dense', name: 'fc1', units: 50, at: null },
  { kind: 'activation', activation: 'relu', at: null },
  { kind: 'dropout', rate: 0.5, at: null },
  { kind: 'dense', name: 'fc2', units: 10, at: null },
];

/** LeNet-5 (LeCun et al. 1998) adapted to 28x28 inputs with `same` padding on the first conv. */
const LENET5: LayerDraft[] = [
  { kind: 'conv', name: 'conv1', filters: 6, kernel: [5, 5], stride: 1, padding: 'same', at: null },
  { kind: 'activation', activation: 'tanh', at: null },
  { kind: 'pool', size: 2, at: null },
  { kind: 'conv', name: 'conv2', filters: 16, kernel: [5, 5], stride: 1, padding: 'valid', at: null },
  { kind: 'activation', activation: 'tanh', at: null },
  { kind: 'pool', size: 2, at: null },
  { kind: 'flatten', at: null },
  { kind: 'dense', name: 'fc1', units: 120, at: null },
  { kind: 'activation', activation: 'tanh', at: null },
  { kind: 'dense', name: 'fc2', units: 84, at: null },
  { kind: 'activation', activation: 'tanh', at: null },
  { kind: 'dense', name: 'fc3', units: 10, at: null },
];

/**
 * The research code's own net (github.com/nmilosev/negative-learning, mnist.py, class Net): bigger
 * than the talk's slide, no dropout, and `relu, pool` (not `pool, relu`) before the flatten, where
 * its `1 - x` acts. 431,080 parameters on 28x28x1.
 */
const RESEARCH: LayerDraft[] = [
  { kind: 'conv', name: 'conv1', filters: 20, kernel: [5, 5], stride: 1, padding: 'valid', at: null },
  { kind: 'activation', activation: 'relu', at: null },
  { kind: 'pool', size: 2, at: null },
  { kind: 'conv', name: 'conv2', filters: 50, kernel: [5, 5], stride: 1, padding: 'valid', at: null },
  { kind: 'activation', activation: 'relu', at: null },
  { kind: 'pool', size: 2, at: null },
  { kind: 'flatten', at: null },
  { kind: 'dense', name: 'fc1', units: 500, at: null },
  { kind: 'activation', activation: 'relu', at: null },
  { kind: 'dense', name: 'fc2', units: 10, at: null },
];

export const NAMED_MODELS: Record<string, LayerDraft[]> = { reference: REFERENCE, lenet5: LENET5, research: RESEARCH };

export interface ModelResult {
  model: ModelSpec | null;
  diagnostics: Diagnostic[];
}

/** What the data says the model must take and give. */
export interface ModelData {
  /** One image, [height, width, channels]. */
  inputShape: Shape;
  /** The dataset's class count; null when the data was not read (the model's own output count is taken). */
  classes: number | null;
  /** Where the class count comes from, for the mismatch message, e.g. `labels 0..46 in FILE`. */
  classesFrom: string;
}

/** A named model; `at` is where the name was written (for the unknown-model error). Its head has one output per class. */
export function namedModel(name: string, at: Span | null, data: ModelData): ModelResult {
  const drafts = NAMED_MODELS[name];
  if (!drafts) {
    const names = Object.keys(NAMED_MODELS);
    return {
      model: null,
      diagnostics: at
        ? [makeDiagnostic(D.unknownModel, at, [name], { hint: didYouMean(name, names) ?? `models: ${names.join(', ')}, or a \`model { ... }\` block` })]
        : [],
    };
  }
  const classes = data.classes ?? 10;
  const head = drafts.map((d, i) => (i === drafts.length - 1 && d.kind === 'dense' ? { ...d, units: classes } : d));
  return inferModel(name, head, data, at, null);
}

/** A `model { ... }` block; `modelLine` is its first line, where a mismatch with the data is reported. */
export function blockModel(layers: LayerDecl[], at: Span, data: ModelData, modelLine: Span): ModelResult {
  const diagnostics: Diagnostic[] = [];
  const drafts: LayerDraft[] = [];
  const seen = new Map<string, Span>();
  let ok = true;
  const positiveInt = (n: NumberLit, what: string, max?: number): number | null => {
    const v = checkNumber(n, what, 'positive-int', diagnostics, max);
    if (v === null) ok = false;
    return v;
  };
  const kernelOf = (k: SizeLit | NumberLit): [number, number] | null => {
    if (k.kind === 'number') {
      const n = positiveInt(k, 'a kernel size', LIMITS.width);
      return n === null ? null : [n, n];
    }
    if (k.height > LIMITS.width || k.width > LIMITS.width) {
      diagnostics.push(makeDiagnostic(D.overLimit, k.span, ['A kernel size', LIMITS.width, `${k.height}x${k.width}`], { hint: LIMITS_HINT }));
      ok = false;
      return null;
    }
    if (k.height > 0 && k.width > 0) return [k.height, k.width];
    diagnostics.push(makeDiagnostic(D.badNumber, k.span, ['a kernel size', 'above 0 in both directions', `${k.height}x${k.width}`]));
    ok = false;
    return null;
  };
  for (const l of layers) {
    const hasParams = l.kind === 'conv' || l.kind === 'dense';
    if (hasParams && !l.name) {
      diagnostics.push(makeDiagnostic(D.unnamedLayer, l.span, [l.kind], { hint: `for example \`${l.kind === 'conv' ? 'conv1' : 'fc1'}: ...\`` }));
      ok = false;
      continue;
    }
    if (!hasParams && l.name) {
      diagnostics.push(makeDiagnostic(D.namedLayerWithoutParams, l.name.span, [l.kind === 'activation' ? l.activation.text : l.kind], { hint: 'remove the name and the `:`' }));
      ok = false;
      continue;
    }
    if (l.name) {
      const first = seen.get(l.name.text);
      if (first) {
        diagnostics.push(
          makeDiagnostic(D.duplicateLayer, l.name.span, [l.name.text], { related: [{ message: 'first defined here', offset: first.offset, length: first.length }] }),
        );
        ok = false;
        continue;
      }
      seen.set(l.name.text, l.name.span);
    }
    switch (l.kind) {
      case 'conv': {
        const filters = positiveInt(l.filters, 'a number of filters', LIMITS.width);
        const kernel = kernelOf(l.kernel);
        const stride = l.stride ? positiveInt(l.stride, 'a stride', LIMITS.width) : 1;
        let padding: 'valid' | 'same' = 'valid';
        if (l.padding) {
          if (l.padding.text === 'same' || l.padding.text === 'valid') padding = l.padding.text;
          else {
            diagnostics.push(makeDiagnostic(D.badPadding, l.padding.span, [l.padding.text], { hint: 'padding is `valid` or `same`' }));
            ok = false;
          }
        }
        if (filters !== null && kernel && stride !== null) {
          drafts.push({ kind: 'conv', name: l.name!.text, filters, kernel, stride, padding, at: l.span });
        }
        break;
      }
      case 'dense': {
        const units = positiveInt(l.units, 'a number of units', LIMITS.width);
        if (units !== null) drafts.push({ kind: 'dense', name: l.name!.text, units, at: l.span });
        break;
      }
      case 'pool': {
        const size = positiveInt(l.size, 'a pool size', LIMITS.width);
        if (size !== null) drafts.push({ kind: 'pool', size, at: l.span });
        break;
      }
      case 'dropout':
      case 'dropout2d': {
        if (l.rate.value >= 0 && l.rate.value < 1) drafts.push({ kind: l.kind, rate: l.rate.value, at: l.span });
        else {
          diagnostics.push(makeDiagnostic(D.badNumber, l.rate.span, ['a dropout rate', 'at least 0 and below 1', l.rate.raw]));
          ok = false;
        }
        break;
      }
      case 'flatten':
        drafts.push({ kind: 'flatten', at: l.span });
        break;
      case 'activation':
        drafts.push({ kind: 'activation', activation: l.activation.text as Activation, at: l.span });
        break;
    }
  }
  if (!ok) return { model: null, diagnostics };
  const inferred = inferModel('custom', drafts, data, at, modelLine);
  return { model: inferred.model, diagnostics: [...diagnostics, ...inferred.diagnostics] };
}

const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
const shapeText = (s: Shape) => s.join(', ');

/** Shape inference: every layer's input and output shape, parameters with their shapes and fan-in. */
function inferModel(name: string, drafts: LayerDraft[], data: ModelData, at: Span | null, modelLine: Span | null): ModelResult {
  const { inputShape } = data;
  const diagnostics: Diagnostic[] = [];
  const layers: LayerSpec[] = [];
  const params: ParamSpec[] = [];
  let shape = inputShape;
  const fail = (d: LayerDraft, label: string, why: string, hint?: string): ModelResult => {
    const where = d.at ?? at ?? { offset: 0, length: 0 };
    diagnostics.push(makeDiagnostic(D.shapeMismatch, where, [label, why], hint ? { hint } : {}));
    return { model: null, diagnostics };
  };
  const addParam = (layer: string, role: 'weight' | 'bias', pshape: number[], fanIn: number): string => {
    const pname = `${layer}.${role}`;
    params.push({ name: pname, layer, role, shape: pshape, size: product(pshape), fanIn });
    return pname;
  };
  let flattenAt = -1;
  for (const d of drafts) {
    const inShape = shape;
    switch (d.kind) {
      case 'conv': {
        if (inShape.length !== 3) return fail(d, d.name, `a conv layer needs an image-shaped input [height, width, channels], but gets [${shapeText(inShape)}]`, 'put conv layers before `flatten`');
        const [h, w, c] = inShape;
        const [kh, kw] = d.kernel;
        const oh = d.padding === 'same' ? Math.ceil(h / d.stride) : Math.floor((h - kh) / d.stride) + 1;
        const ow = d.padding === 'same' ? Math.ceil(w / d.stride) : Math.floor((w - kw) / d.stride) + 1;
        if (oh < 1 || ow < 1) return fail(d, d.name, `a ${kh}x${kw} kernel does not fit the ${h}x${w} input`, 'use a smaller kernel, `padding same`, or fewer pooling layers before it');
        shape = [oh, ow, d.filters];
        const fanIn = kh * kw * c;
        const p = [addParam(d.name, 'weight', [kh, kw, c, d.filters], fanIn), addParam(d.name, 'bias', [d.filters], fanIn)];
        layers.push({ kind: 'conv', name: d.name, filters: d.filters, kernel: d.kernel, stride: d.stride, padding: d.padding, inShape, outShape: shape, params: p });
        break;
      }
      case 'dense': {
        if (inShape.length !== 1) return fail(d, d.name, `a dense layer needs a flat input, but gets [${shapeText(inShape)}]`, 'add `flatten` before the first dense layer');
        shape = [d.units];
        const fanIn = inShape[0];
        const p = [addParam(d.name, 'weight', [fanIn, d.units], fanIn), addParam(d.name, 'bias', [d.units], fanIn)];
        layers.push({ kind: 'dense', name: d.name, units: d.units, inShape, outShape: shape, params: p });
        break;
      }
      case 'pool': {
        if (inShape.length !== 3) return fail(d, 'pool', `pooling needs an image-shaped input, but gets [${shapeText(inShape)}]`, 'put pooling layers before `flatten`');
        const [h, w, c] = inShape;
        if (Math.floor(h / d.size) < 1 || Math.floor(w / d.size) < 1) return fail(d, 'pool', `a ${d.size}x${d.size} window does not fit the ${h}x${w} input`);
        shape = [Math.floor(h / d.size), Math.floor(w / d.size), c];
        layers.push({ kind: 'pool', size: d.size, inShape, outShape: shape });
        break;
      }
      case 'activation':
        layers.push({ kind: 'activation', activation: d.activation, inShape, outShape: shape });
        break;
      case 'dropout':
        layers.push({ kind: 'dropout', rate: d.rate, inShape, outShape: shape });
        break;
      case 'dropout2d':
        if (inShape.length !== 3) return fail(d, 'dropout2d', `drops whole channels of an image-shaped input, but gets [${shapeText(inShape)}]`, 'use `dropout` after `flatten`');
        layers.push({ kind: 'dropout2d', rate: d.rate, inShape, outShape: shape });
        break;
      case 'flatten':
        if (flattenAt >= 0) {
          diagnostics.push(makeDiagnostic(D.modelTwoFlatten, d.at ?? { offset: 0, length: 0 }, []));
          return { model: null, diagnostics };
        }
        flattenAt = layers.length;
        shape = [product(inShape)];
        layers.push({ kind: 'flatten', inShape, outShape: shape });
        break;
    }
  }
  if (flattenAt < 0) {
    diagnostics.push(makeDiagnostic(D.modelNoFlatten, at ?? { offset: 0, length: 0 }, [], { hint: 'add `flatten` between the conv part and the dense head' }));
    return { model: null, diagnostics };
  }
  const last = layers[layers.length - 1];
  const lastDraft = drafts[drafts.length - 1];
  if (shape.length !== 1 || last.kind !== 'dense') {
    const classesText = data.classes === null ? 'an unknown number of' : String(data.classes);
    diagnostics.push(
      makeDiagnostic(D.badOutput, lastDraft?.at ?? at ?? { offset: 0, length: 0 }, [shapeText(shape), classesText, last.kind === 'activation' ? last.activation : last.kind], {
        hint: `end the model with a dense layer of ${data.classes ?? 'N'} units, e.g. \`out: dense ${data.classes ?? 10}\` (log-softmax is implicit in the loss)`,
      }),
    );
    return { model: null, diagnostics };
  }
  if (data.classes !== null && shape[0] !== data.classes) {
    const where = modelLine ?? lastDraft?.at ?? at ?? { offset: 0, length: 0 };
    const related = lastDraft?.at && lastDraft.at !== where ? [{ message: 'the output layer', offset: lastDraft.at.offset, length: lastDraft.at.length }] : [];
    diagnostics.push(
      makeDiagnostic(D.modelClassesMismatch, where, [shape[0], data.classes, data.classesFrom], {
        hint: `end the model with a dense layer of ${data.classes} units, e.g. \`out: dense ${data.classes}\``,
        related,
      }),
    );
    return { model: null, diagnostics };
  }
  const classes = shape[0];
  return {
    model: {
      name,
      inputShape,
      classes,
      layers,
      params,
      totalParams: params.reduce((a, p) => a + p.size, 0),
      featureBoundary: flattenAt,
      featureActivation: featureActivationIndex(layers, flattenAt),
    },
    diagnostics,
  };
}

/**
 * The last activation before the flatten, looking back across dropout and max-pooling only: the
 * research code's net has `relu, pool 2, flatten` and complements the pooled features. Max-pooling
 * commutes with every monotone activation (all of mfx's), so the inversion's activation can stand
 * where the model's does and the complement be taken at the flatten (runtime/model/network.ts).
 */
function featureActivationIndex(layers: LayerSpec[], flattenAt: number): number {
  for (let i = flattenAt - 1; i >= 0; i--) {
    const k = layers[i].kind;
    if (k === 'activation') return i;
    if (k !== 'dropout' && k !== 'dropout2d' && k !== 'pool') return -1;
  }
  return -1;
}
