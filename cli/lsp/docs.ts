// What each statement, layer and activation does, for hovers and completion details. The
// rows of the user manual's tables (docs/language.md: Settings, Steps, Models) come first; the
// sentences below stand in where the manual is not installed or has no row. Usage lines come
// from the grammar (one home for them).
import { readFileSync } from 'node:fs';
import { LAYER_USAGE as LAYERS_USAGE, USAGE as STATEMENTS_USAGE } from '../../grammar/forms.js';

// Looked up by any word the cursor is on.
const USAGE: Readonly<Record<string, string>> = STATEMENTS_USAGE;
const LAYER_USAGE: Readonly<Record<string, string>> = LAYERS_USAGE;

/** The manual's sections whose tables describe statement and layer forms. */
const MANUAL_SECTIONS = new Set(['Settings', 'Steps', 'Models']);

/**
 * The manual's table rows by keyword: `train` → ["`train N`: N epochs ...", ...]. In Models a
 * row whose first cell holds several layers (`relu`, `relu6`, ...) is listed under each.
 */
export function parseManual(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  let section = '';
  for (const line of markdown.split(/\r?\n/)) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) section = heading[1].trim();
    if (!MANUAL_SECTIONS.has(section) || !line.startsWith('| `')) continue;
    const cells = line.slice(1, line.endsWith('|') ? -1 : undefined).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
    if (cells.length < 2) continue;
    // Links point into the manual, which a hover cannot follow: keep their text.
    const meaning = cells[1].replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
    const text = `${cells[0]}: ${meaning}`;
    const forms = [...cells[0].matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/^NAME:\s*/, '').split(/\s+/)[0]);
    // `invert relu6` / `sigmoid` lists arguments after its first form; a layer row lists layers.
    const keywords = new Set(section === 'Models' ? forms : forms.slice(0, 1));
    for (const k of keywords) rows.set(k, [...(rows.get(k) ?? []), text]);
  }
  return rows;
}

let manual: Map<string, string[]> | undefined;

/** The installed manual's rows (read once): from the sources (cli/lsp/) or dist/cli/lsp/. */
function manualRows(keyword: string): string[] {
  if (!manual) {
    manual = new Map();
    for (const up of ['../../docs/language.md', '../../../docs/language.md']) {
      try {
        manual = parseManual(readFileSync(new URL(up, import.meta.url), 'utf8'));
        break;
      } catch {
        // not at this level: try the next one up
      }
    }
  }
  return manual.get(keyword) ?? [];
}

function describe(usage: string, keyword: string, fallback: string): string {
  const rows = manualRows(keyword);
  const body = rows.length > 0 ? rows.map((r) => `- ${r}`).join('\n') : fallback;
  return `\`\`\`mfx\n${usage}\n\`\`\`\n${body}`;
}

const STATEMENTS: Record<string, string> = {
  experiment: 'The title of the experiment, shown in the live view and reports (default: the file name).',
  dataset: 'The training and test data: `mnist` (ships with mfx), `fashion-mnist` (an optional folder), or `idx "dir"` for MNIST-format files.',
  model: 'The network: a built-in (`reference`, the talk\'s net; `lenet5`) or a `model { ... }` block of layers. Exactly one `flatten` marks the feature boundary.',
  optimizer: 'The optimizer and its options: `sgd lr 0.01 momentum 0.5` (the default) or `adam lr 0.001 beta1 beta2 epsilon`.',
  batch: 'Training batch size (default 64).',
  shards: 'Pieces each training batch is cut into; their gradients are summed in order (default 2). Fixed by the file, not by the machine: threads only change how fast.',
  seed: 'The first random seed (default 1); with `repeat N` the seeds are seed, seed+1, ...',
  repeat: 'Run every arm with N seeds and report the mean and spread.',
  validation: 'Hold out the last N training images as a validation split: never trained on, scored after every epoch of a `train N select` step.',
  baseline: 'The arm every Delta column compares against (default: an arm called `baseline`, else each arm\'s pretrained snapshot).',
  sweep: 'A setting that expands arms: every arm that mentions `$NAME` (in its name or its steps) becomes one arm per value, e.g. `arm hybrid-$act { invert $act }`. Values are all numbers or all names.',
  arm: 'One variant of the experiment: the steps before the arms, then this block, then the evals after the arms.',
  pretrain: 'Normal training for N epochs; its end is the pretrained snapshot, evaluated as `pretrained` and usable as a baseline.',
  train: 'Train N epochs with the parameters not frozen. `alternate` switches between inverted and normal features every epoch; `select` scores the validation split after every epoch and also reports the evals after it at the best-scoring epoch; `on main + missing` trains on the summed logits of those heads.',
  freeze: 'Stop training the selected parameters (`conv*` every parameter of the matching layers, `conv*.weight` only weights).',
  unfreeze: 'Train the selected parameters again.',
  reset: 'Re-initialise the selected parameters (PyTorch\'s default init), e.g. to start the classifier head fresh.',
  invert: 'Complement the feature activation so neurons fire for missing features: `relu6` gives 6 - relu6(z); `off` restores the normal features; `on HEAD` sets one head\'s input only.',
  lr: 'Set the learning rate from here on.',
  eval: 'Evaluate on test sets (globs such as `pmnist.*`); `every epoch` also scores them after every epoch of the train step before it (best over epochs: test-selected, optimistic); `as LABEL` names the result column; `on main + missing` evaluates those heads\' summed logits.',
  head: 'Add a head: a fresh copy of the main head\'s layers, named `NAME.LAYER` (`missing.fc1`), reading the model\'s own features until `invert ... on NAME`.',
  save: 'Save the parameters to a file in the run folder.',
  load: 'Load parameters saved by `save` (a path relative to this file).',
};

const LAYERS: Record<string, string> = {
  conv: 'A 2-D convolution with FILTERS output channels and a KxK kernel (stride 1, `valid` padding unless given). Owns NAME.weight and NAME.bias.',
  dense: 'A fully connected layer with UNITS outputs. Owns NAME.weight and NAME.bias.',
  pool: 'Max pooling with an N x N window and stride N.',
  dropout: 'Drops each unit with probability RATE while training.',
  dropout2d: 'Drops whole channels with probability RATE while training.',
  flatten: 'Flattens to a vector: the feature boundary. The activation right before it is what `invert` complements.',
};

export const ACTIVATION_DOCS: Record<string, string> = {
  relu: 'max(z, 0). Inverted: 1 - max(z, 0), unbounded (a warning; relu6 is recommended).',
  relu6: 'min(max(z, 0), 6). Inverted: 6 - relu6(z), the talk\'s recommended bounded inversion.',
  sigmoid: '1 / (1 + e^-z). Inverted: 1 - sigmoid(z).',
  tanh: 'tanh(z). Inverted: 1 - tanh(z).',
  off: 'Restore the model\'s own (not inverted) features.',
};

/** Markdown for a statement keyword, or null. */
export function statementDoc(keyword: string): string | null {
  const text = STATEMENTS[keyword];
  return text === undefined ? null : describe(USAGE[keyword] ?? keyword, keyword, text);
}

/** Markdown for a layer kind (activations included), or null. */
export function layerDoc(kind: string): string | null {
  const text = LAYERS[kind] ?? (ACTIVATION_DOCS[kind] && kind !== 'off' ? `Activation layer: ${ACTIVATION_DOCS[kind]}` : undefined);
  return text === undefined ? null : describe(LAYER_USAGE[kind] ?? kind, kind, text);
}

/** The one-line usage of a statement, for completion details. */
export function statementUsage(keyword: string): string | undefined {
  return USAGE[keyword];
}

export function layerUsage(kind: string): string | undefined {
  return LAYER_USAGE[kind];
}
