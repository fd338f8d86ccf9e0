// The words that start statements and layers. Kept in one place for "did you mean" and docs.

export const SETTING_KEYWORDS = ['experiment', 'dataset', 'model', 'optimizer', 'batch', 'seed', 'repeat', 'baseline'] as const;
export const STEP_KEYWORDS = ['pretrain', 'train', 'freeze', 'unfreeze', 'reset', 'invert', 'lr', 'eval', 'save', 'load'] as const;
export const STATEMENT_KEYWORDS: readonly string[] = [...SETTING_KEYWORDS, ...STEP_KEYWORDS, 'arm'];

export const ACTIVATION_LAYERS = ['relu', 'relu6', 'sigmoid', 'tanh'] as const;
export const LAYER_KEYWORDS: readonly string[] = ['conv', 'dense', 'pool', 'dropout', 'dropout2d', 'flatten', ...ACTIVATION_LAYERS];
