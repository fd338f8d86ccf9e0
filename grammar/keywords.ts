// The words that start statements and layers. Kept in one place for "did you mean" and docs.

export const SETTING_KEYWORDS = ['experiment', 'dataset', 'model', 'optimizer', 'batch', 'seed', 'repeat', 'baseline', 'sweep'] as const;
export const STEP_KEYWORDS = ['pretrain', 'train', 'freeze', 'unfreeze', 'reset', 'invert', 'lr', 'eval', 'save', 'load'] as const;
export const STATEMENT_KEYWORDS: readonly string[] = [...SETTING_KEYWORDS, ...STEP_KEYWORDS, 'arm'];

export const ACTIVATION_LAYERS = ['relu', 'relu6', 'sigmoid', 'tanh'] as const;
export const LAYER_KEYWORDS: readonly string[] = ['conv', 'dense', 'pool', 'dropout', 'dropout2d', 'flatten', ...ACTIVATION_LAYERS];

/** Words reserved for the language's "room to grow": recognised, and rejected as not yet supported. */
export const PLANNED_STATEMENTS: Readonly<Record<string, string>> = {
  head: 'a second head, e.g. `head missing { ... }`',
  combine: 'combining heads at the logits, e.g. `combine sum`',
};
export const PLANNED_LAYERS: Readonly<Record<string, string>> = {
  batchnorm: 'BatchNorm layers',
};
