// The words that start statements and layers. Kept in one place for "did you mean" and docs.

export const SETTING_KEYWORDS = ['experiment', 'dataset', 'model', 'optimizer', 'batch', 'shards', 'seed', 'repeat', 'baseline', 'sweep', 'validation'] as const;
export const STEP_KEYWORDS = ['pretrain', 'train', 'freeze', 'unfreeze', 'reset', 'invert', 'lr', 'eval', 'save', 'load', 'head'] as const;
export type StatementKeyword = (typeof SETTING_KEYWORDS)[number] | (typeof STEP_KEYWORDS)[number] | 'arm';
export const STATEMENT_KEYWORDS: readonly StatementKeyword[] = [...SETTING_KEYWORDS, ...STEP_KEYWORDS, 'arm'];

/** The head every model has: the layers after the feature boundary (`head NAME` adds others). */
export const MAIN_HEAD = 'main';

/** The activation functions, defined here once: layers, `invert`, the Plan and the runtime use this list. */
export const ACTIVATION_LAYERS = ['relu6', 'sigmoid', 'tanh', 'relu'] as const;
export type Activation = (typeof ACTIVATION_LAYERS)[number];
export const LAYER_KEYWORDS = ['conv', 'dense', 'pool', 'dropout', 'dropout2d', 'flatten', ...ACTIVATION_LAYERS] as const;
export type LayerKeyword = (typeof LAYER_KEYWORDS)[number];


/** Words reserved for the language's "room to grow": recognised, and rejected as not yet supported. */
export const PLANNED_STATEMENTS: Readonly<Record<string, string>> = {
  combine: 'combining heads other than by summing their logits, e.g. `combine max`',
};
export const PLANNED_LAYERS: Readonly<Record<string, string>> = {
  batchnorm: 'BatchNorm layers',
};
