// The mfx abstract syntax tree: plain data, a literal `kind` on every node and a span that
// points back into the source. Names (activations, datasets, arms, layers) are kept as
// written; whether they exist is the compiler's business, so the parser stays forgiving.

/** Where a node was written. Line and column are 1-based; offset and length count UTF-16 units. */
export interface Span {
  offset: number;
  length: number;
  line: number;
  column: number;
  /** 1-based line of the node's last character (the printer keeps blank lines between nodes). */
  endLine: number;
}

export interface Name {
  kind: 'name';
  text: string;
  span: Span;
}

/** A glob over names: `conv*`, `fc?.bias`, `pmnist.*`. */
export interface Glob {
  kind: 'glob';
  text: string;
  span: Span;
}

export interface NumberLit {
  kind: 'number';
  /** NaN for a sweep placeholder (`$rate`), which only arms may hold; the compiler substitutes it. */
  value: number;
  /** As written (`1e-3`, or `$rate` in an arm template), so the formatter does not rewrite numbers. */
  raw: string;
  span: Span;
}

export interface StringLit {
  kind: 'string';
  value: string;
  span: Span;
}

export interface SizeLit {
  kind: 'size';
  height: number;
  width: number;
  /** As written (`5x5`), so formatting never turns a long number into `4e+40`. */
  raw: string;
  span: Span;
}

export interface Comment {
  kind: 'comment';
  /** The text after `#`, untrimmed on the left so that `#   indented` survives. */
  text: string;
  span: Span;
}

// ---- settings (top level, before any step) ----
export interface ExperimentSetting { kind: 'experiment'; title: StringLit; span: Span }
export interface DatasetSetting { kind: 'dataset'; name: Name; dir: StringLit | null; span: Span }
export interface ModelRefSetting { kind: 'model-ref'; name: Name; span: Span }
export interface ModelBlockSetting { kind: 'model-block'; layers: LayerDecl[]; span: Span }
export interface OptimizerOption { name: Name; value: NumberLit }
export interface OptimizerSetting { kind: 'optimizer'; name: Name; options: OptimizerOption[]; span: Span }
/** `batch N`, `shards N`, `seed N`, `repeat N`, `validation N`. */
export interface NumberSetting { kind: 'batch' | 'shards' | 'seed' | 'repeat' | 'validation'; value: NumberLit; span: Span }
export interface BaselineSetting { kind: 'baseline'; arm: Name; span: Span }
/** `sweep act in [relu6, tanh]`: values all numbers or all names (the compiler checks). */
export interface SweepSetting { kind: 'sweep'; name: Name; values: (NumberLit | Name)[]; span: Span }

export type Setting =
  | ExperimentSetting
  | DatasetSetting
  | ModelRefSetting
  | ModelBlockSetting
  | OptimizerSetting
  | NumberSetting
  | BaselineSetting
  | SweepSetting;

// ---- steps ----
/** `main + missing`: the heads whose logits are summed, in the order written (at least one). */
export interface HeadExpr { kind: 'head-expr'; heads: Name[]; span: Span }
/**
 * `train N [alternate] [select] [on EXPR]`; `pretrain N [select]` never has `on`.
 * `select`: score the validation split after every epoch and also report the best-scoring epoch.
 */
export interface TrainStep { kind: 'train'; pretrain: boolean; epochs: NumberLit; alternate: boolean; select: boolean; on: HeadExpr | null; span: Span }
/** `freeze`, `unfreeze`, `reset` over one or more comma-separated selectors. */
export interface SelectStep { kind: 'freeze' | 'unfreeze' | 'reset'; selectors: Glob[]; span: Span }
/** `invert relu6`; `invert off` has activation `off`; `on HEAD` limits it to one head. */
export interface InvertStep { kind: 'invert'; activation: Name; on: Name | null; span: Span }
/** `lr X` (every parameter) or `lr X for SEL, ...` (the matched parameters only). */
export interface LrStep { kind: 'lr'; value: NumberLit; selectors: Glob[]; span: Span }
/** `every epoch`: also score the test sets after every epoch of the train step before the eval. */
export interface EvalStep { kind: 'eval'; testSets: Glob[]; everyEpoch: boolean; label: Name | null; on: HeadExpr | null; span: Span }
export interface SaveStep { kind: 'save' | 'load'; path: StringLit; span: Span }
/** `head NAME`: adds a head, a fresh copy of the main head's layers. */
export interface HeadStep { kind: 'head'; name: Name; span: Span }

export type Step = TrainStep | SelectStep | InvertStep | LrStep | EvalStep | SaveStep | HeadStep;

/**
 * An arm. Inside an arm (and in its name) names, globs and numbers may hold sweep placeholders
 * (`$act`): such an arm is a template that the compiler expands into one arm per combination.
 */
export interface ArmDecl { kind: 'arm'; name: Name; body: Statement[]; span: Span }

export type Statement = Setting | Step | ArmDecl;

// ---- model block layers ----
export interface ConvLayer {
  kind: 'conv';
  name: Name | null;
  filters: NumberLit;
  kernel: SizeLit | NumberLit;
  stride: NumberLit | null;
  padding: Name | null;
  span: Span;
}
export interface DenseLayer { kind: 'dense'; name: Name | null; units: NumberLit; span: Span }
export interface PoolLayer { kind: 'pool'; name: Name | null; size: NumberLit; span: Span }
export interface ActivationLayer { kind: 'activation'; name: Name | null; activation: Name; span: Span }
export interface DropoutLayer { kind: 'dropout' | 'dropout2d'; name: Name | null; rate: NumberLit; span: Span }
export interface FlattenLayer { kind: 'flatten'; name: Name | null; span: Span }

export type LayerDecl = ConvLayer | DenseLayer | PoolLayer | ActivationLayer | DropoutLayer | FlattenLayer;

export interface Program {
  kind: 'program';
  statements: Statement[];
  comments: Comment[];
  span: Span;
}

export type StatementKind = Statement['kind'];

/** For exhaustive switches: a compile error when a case is missing. */
export function assertNever(x: never): never {
  throw new Error(`unexpected node ${JSON.stringify(x)}`);
}
