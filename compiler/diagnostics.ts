// The one diagnostic catalogue: the syntax band (MFX1xxx, from the grammar) and the semantic
// band (MFX2xxx) below. Codes are stable: never renumber, only add.
import { defineDiagnostic as d, SyntaxDiagnostics } from '../grammar/index.js';

export const SemanticDiagnostics = {
  // settings
  duplicateSetting: d('MFX2001', 'error', 'A setting given twice', (name: string) => `\`${name}\` is already set`),
  settingAfterStep: d('MFX2002', 'error', 'A setting after the first step or arm', (name: string) => `\`${name}\` must come before the first step or arm`),
  settingInArm: d('MFX2003', 'error', 'A setting inside an arm', (name: string) => `\`${name}\` is a setting for the whole file and cannot go inside an arm`),
  unknownDataset: d('MFX2004', 'error', 'A dataset that mfx does not know', (name: string) => `unknown dataset \`${name}\``),
  datasetNeedsDir: d('MFX2005', 'error', 'A dataset that needs a folder', (name: string) => `\`dataset ${name}\` needs a folder: \`dataset ${name} "dir"\``),
  unknownModel: d('MFX2006', 'error', 'A model name that mfx does not know', (name: string) => `unknown model \`${name}\``),
  unknownOptimizer: d('MFX2007', 'error', 'An optimizer that mfx does not know', (name: string) => `unknown optimizer \`${name}\``),
  unknownOptimizerOption: d('MFX2008', 'error', 'An option the optimizer does not take', (opt: string, optimizer: string) => `\`${optimizer}\` has no option \`${opt}\``),
  badNumber: d('MFX2009', 'error', 'A number out of range or not whole', (what: string, rule: string, found: string) => `${what} must be ${rule}, found \`${found}\``),
  unknownBaseline: d('MFX2010', 'error', 'A `baseline` that names no arm', (name: string) => `\`baseline ${name}\` names no arm`),
  baselineNeverEvaluates: d('MFX2011', 'error', 'A baseline arm without an eval', (name: string) => `the baseline arm \`${name}\` never evaluates, so there is nothing to compare against`),
  // arms
  duplicateArm: d('MFX2020', 'error', 'Two arms with the same name', (name: string) => `arm \`${name}\` is defined twice`),
  stepAfterArms: d('MFX2021', 'error', 'A step after the arms that is not an eval', (step: string) => `\`${step}\` after the arms: only \`eval\` may follow them (it applies to every arm)`),
  // steps
  pretrainAfterInvert: d('MFX2030', 'error', '`pretrain` after an `invert`', () => '`pretrain` cannot follow `invert`: pretraining is normal training that produces the snapshot'),
  allFrozen: d('MFX2031', 'error', 'A train step with every parameter frozen', (step: string) => `every parameter is frozen, so \`${step}\` would train nothing`),
  selectorMatchesNothing: d('MFX2032', 'error', 'A selector that matches no parameter', (sel: string) => `selector \`${sel}\` matches no parameter`),
  testSetMatchesNothing: d('MFX2033', 'error', 'A test-set glob that matches no test set', (glob: string) => `test set \`${glob}\` matches nothing`),
  unknownActivation: d('MFX2034', 'error', 'An activation that mfx does not know', (name: string) => `unknown activation \`${name}\``),
  alternateWithoutInvert: d('MFX2035', 'error', '`train N alternate` with no inversion in force', () => '`train ... alternate` alternates inverted and normal features, but no `invert` is in force'),
  noFeatureActivation: d('MFX2036', 'error', 'An `invert` on a model without a feature activation', () => '`invert` needs an activation before `flatten` (the feature boundary), with only pooling or dropout between, and this model has none'),
  duplicateLabel: d('MFX2037', 'error', 'Two evals with the same label in one arm', (label: string) => `eval label \`${label}\` is used twice in this arm`),
  reservedLabel: d('MFX2038', 'error', 'An eval label that the compiler reserves', (label: string) => `the label \`${label}\` is reserved for the pretrained snapshot`),
  // No form reports it at present (`lr X for SEL` and `sweep` used to); kept so the code stays reserved.
  notSupportedYet: d('MFX2039', 'error', 'A form the grammar knows but mfx cannot run yet', (what: string) => `${what} is not supported yet`),
  badSavePath: d('MFX2041', 'error', 'A save path outside the run folder', (path: string) => `\`save "${path}"\` must be a relative path inside the run folder`),
  // heads (compiler/heads.ts)
  unknownHead: d('MFX2140', 'error', 'A head name that no `head` step adds', (name: string) => `unknown head \`${name}\``),
  headBeforeStep: d('MFX2141', 'error', 'A head used before its `head` step', (name: string) => `head \`${name}\` is used before the \`head ${name}\` step that adds it`),
  duplicateHead: d('MFX2142', 'error', 'A head added twice in one arm', (name: string) => `head \`${name}\` is added twice in this arm`),
  headNameClash: d('MFX2143', 'error', 'A head name that is a layer name or `main`', (name: string, what: string) => `the head name \`${name}\` is taken by ${what}`),
  pretrainAfterHead: d('MFX2144', 'error', '`pretrain` after a `head` step', () => '`pretrain` cannot follow `head`: pretraining trains the model with its own head and ends in the pretrained snapshot'),
  headTwiceInSum: d('MFX2145', 'error', 'A head summed twice in one head expression', (name: string) => `head \`${name}\` appears twice in this sum`),
  alternateWithHeads: d('MFX2146', 'error', '`train N alternate` in an arm with more than one head', () => '`train ... alternate` turns one inversion on and off, so it is not defined once an arm has several heads'),
  headsReadOnlyFrozen: d('MFX2147', 'error', 'A train step whose heads read only frozen parameters', (expr: string) => `every parameter that \`${expr}\` reads is frozen, so this \`train\` would train nothing`),
  // model blocks
  modelNoFlatten: d('MFX2050', 'error', 'A model block without `flatten`', () => 'a model needs one `flatten` layer: it marks the feature boundary'),
  modelTwoFlatten: d('MFX2051', 'error', 'A model block with more than one `flatten`', () => 'a model has exactly one `flatten` layer (the feature boundary)'),
  shapeMismatch: d('MFX2052', 'error', 'A layer that does not fit its input shape', (layer: string, why: string) => `${layer}: ${why}`),
  duplicateLayer: d('MFX2053', 'error', 'Two layers with the same name', (name: string) => `layer \`${name}\` is defined twice`),
  unnamedLayer: d('MFX2054', 'error', 'A conv or dense layer without a name', (kind: string) => `a \`${kind}\` layer needs a name so selectors can refer to it`),
  namedLayerWithoutParams: d('MFX2055', 'error', 'A name on a layer that has no parameters', (kind: string) => `only \`conv\` and \`dense\` layers take a name, not \`${kind}\``),
  badOutput: d('MFX2056', 'error', 'A model whose output is not one score per class', (shape: string, classes: string, kind: string) =>
    `the model must end in a dense layer with one output per class (the dataset has ${classes} classes), but it ends in \`${kind}\` with output shape [${shape}]`),
  badPadding: d('MFX2057', 'error', 'A padding mode that mfx does not know', (found: string) => `unknown padding \`${found}\``),
  // limits (compiler/limits.ts)
  overLimit: d('MFX2080', 'error', 'A number above the bound mfx sets for it', (what: string, max: number, found: string) => `${what} is at most ${max.toLocaleString('en-US')} in mfx, found \`${found}\``),
  modelTooLarge: d(
    'MFX2082',
    'error',
    'A model too large for the memory a backend gives',
    (params: string, need: string, max: string) => `this model (${params} parameters) needs about ${need} to train, more than the ${max} mfx can count on`,
  ),
  missingLoadFile: d('MFX2083', 'error', 'A `load` path that does not exist', (path: string) => `\`load "${path}"\`: no such file`),
  // sweeps
  unknownSweepVariable: d('MFX2070', 'error', 'A `$NAME` with no `sweep NAME` line', (name: string) => `\`$${name}\` is not a sweep variable`),
  sweepValueKind: d(
    'MFX2071',
    'error',
    'A sweep value of the wrong kind for where its placeholder stands',
    (name: string, value: string, valueKind: string, line: number, where: string, expected: string) =>
      `\`$${name}\` is \`${value}\` (${valueKind}, from \`sweep ${name}\` on line ${line}), but ${where} expects ${expected}`,
  ),
  duplicateExpandedArm: d('MFX2072', 'error', 'Two arms with the same name after sweep expansion', (name: string, template: string) => `arm \`${name}\` (expanded from \`${template}\`) is defined twice`),
  templateNameMissesVariable: d(
    'MFX2073',
    'error',
    'An arm template whose name lacks a variable it expands over',
    (template: string, name: string) => `arm \`${template}\` uses \`$${name}\` but its name does not, so the expanded arms would share a name`,
  ),
  tooManyArms: d('MFX2074', 'error', 'A file that expands to more than 1,000 arms', (count: string, limit: string) => `this file expands to ${count} arms; at most ${limit} are allowed`),
  mixedSweepValues: d('MFX2075', 'error', 'A sweep mixing numbers and names', (name: string) => `the values of \`sweep ${name}\` mix numbers and names`),
  // the data
  datasetUnusable: d('MFX2090', 'error', 'A dataset whose files are there but cannot be used', (why: string) => why),
  modelClassesMismatch: d(
    'MFX2091',
    'error',
    'A model whose output count differs from the dataset\'s class count',
    (units: number, classes: number, from: string) => `the model ends in ${units} output${units === 1 ? '' : 's'}, but the dataset has ${classes} classes (${from})`,
  ),
  // warnings
  invertReluUnbounded: d('MFX2100', 'warning', '`invert relu` is unbounded', () => '`invert relu` complements an unbounded activation (1 - max(z, 0)); the talk recommends relu6'),
  evalBeforeTraining: d('MFX2101', 'warning', 'An eval before any training', () => 'this `eval` runs before any training: it measures the untrained network'),
  resetFrozen: d('MFX2102', 'warning', 'A reset of frozen parameters', (names: string) => `resetting frozen parameters (${names}): they will stay at their fresh initial values`),
  emptyArm: d('MFX2103', 'warning', 'An arm that never evaluates', (arm: string) => `arm \`${arm}\` never evaluates, so it reports nothing`),
  datasetNotRead: d(
    'MFX2130',
    'warning',
    'A dataset that is not on this machine, so its shape is assumed',
    (dataset: string, reason: string, assumed: string) => `${dataset} was not read (${reason}); assuming ${assumed}`,
  ),
  alternateEndsOnOwnFeatures: d(
    'MFX2104',
    'warning',
    'An eval on inverted features after `train N alternate` with N odd',
    (n: number) => `\`train ${n} alternate\` ends on an epoch with the model's own features, but the eval after it uses the inverted ones`,
  ),
  emptyProgram: d('MFX2120', 'warning', 'A file with no statements', () => 'this file has no statements, so it runs nothing'),
  // validation split and epoch selection (MFX2150-MFX2159: errors and warnings, each marked)
  validationTooLarge: d(
    'MFX2150',
    'error',
    'A validation split as large as the training set',
    (written: string, n: string, total: string) => `\`validation ${written}\` holds out ${n} images, but the training set has only ${total}, so nothing would be left to train on`,
  ),
  selectWithoutValidation: d('MFX2151', 'error', '`select` without a validation split', (step: string) => `\`${step} ... select\` chooses an epoch by validation accuracy, but the file has no \`validation N\` setting`),
  validationTooSmall: d(
    'MFX2152',
    'warning',
    'A validation split too small to tell epochs apart',
    (n: string, step: string) => `a validation split of ${n} images measures accuracy in steps of ${step} points: epochs closer than that cannot be told apart`,
  ),
  everyEpochWithoutTraining: d('MFX2153', 'error', '`eval ... every epoch` with no train step before it', () => '`every epoch` scores the epochs of the train step before this eval, but this arm trains nothing before it'),
  epochEvalFeatureChanged: d(
    'MFX2154',
    'error',
    'An eval that reads other features or heads than the train step whose epochs it scores',
    (step: string) => `this eval reads other features or heads than the \`${step}\` step before it (an \`invert\` in between, or another \`on\`), so it cannot be scored at that step's epochs`,
  ),
  selectNotReported: d('MFX2155', 'warning', '`select` with no eval after it', (step: string) => `no eval follows this \`${step} ... select\` before the next train step, so only its validation accuracies are recorded`),
  // data parallelism (`shards N`)
  badShardCount: d('MFX2160', 'error', 'A shard count that is not a whole number above 0', (found: string) => `\`shards\` must be a whole number above 0, found \`${found}\``),
  moreShardsThanBatch: d(
    'MFX2161',
    'error',
    'More shards than images in a batch',
    (shards: number, batch: number) => `\`shards ${shards}\` cuts each batch into more pieces than its ${batch} image${batch === 1 ? '' : 's'}`,
  ),
  unusedSweep: d('MFX2170', 'warning', 'A sweep that no arm uses', (name: string) => `\`sweep ${name}\` is used by no arm`),
  lrForFrozen: d('MFX2171', 'warning', '`lr X for SEL` matching only frozen parameters', (params: string) => `\`lr ... for\` matches only frozen parameters (${params}): the rate applies once they are unfrozen`),
} as const;

export { SyntaxDiagnostics };

/** Every diagnostic mfx can report, by symbol. */
export const DIAGNOSTIC_CATALOGUE = { ...SyntaxDiagnostics, ...SemanticDiagnostics } as const;
