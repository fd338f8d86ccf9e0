// Plans on disk: `planToJson` writes, `readPlan` validates schema, version and shape before
// anything trusts the data, and throws a PlanFormatError naming the first bad field.
import { planHash } from './plan-hash.js';
import type { Plan } from './plan.js';
import { PLAN_SCHEMA, PLAN_VERSION } from './plan.js';
import { ACTIVATION_LAYERS, MAIN_HEAD } from '../grammar/keywords.js';
import { OCCLUSIONS, resolveTestSet, TCUT_FILLS } from './test-sets.js';

/** A plan.json that is not a valid mfx Plan of this version. */
export class PlanFormatError extends Error {
  constructor(
    message: string,
    /** Where in the JSON, e.g. `arms[1].steps[3].epochs`. */
    readonly path: string,
  ) {
    super(path ? `invalid plan: ${path}: ${message}` : `invalid plan: ${message}`);
    this.name = 'PlanFormatError';
  }
}

export function planToJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

type Check = (v: unknown, path: string) => void;

const fail = (path: string, msg: string): never => {
  throw new PlanFormatError(msg, path);
};
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown, path: string): Record<string, unknown> => (isObj(v) ? v : fail(path, 'expected an object'));
const num: Check = (v, p) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(p, 'expected a number');
};
const int: Check = (v, p) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(p, 'expected a whole number');
};
const str: Check = (v, p) => {
  if (typeof v !== 'string') fail(p, 'expected a string');
};
const bool: Check = (v, p) => {
  if (typeof v !== 'boolean') fail(p, 'expected true or false');
};
const arr =
  (item: Check): Check =>
  (v, p) => {
    if (!Array.isArray(v)) fail(p, 'expected an array');
    (v as unknown[]).forEach((x, i) => item(x, `${p}[${i}]`));
  };
/** An object whose every value passes `item` (e.g. name → rate). */
const record =
  (item: Check): Check =>
  (v, p) => {
    const o = obj(v, p);
    for (const [k, x] of Object.entries(o)) item(x, `${p}.${k}`);
  };
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v, p) => {
    if (!values.includes(v)) fail(p, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
  };
const optional =
  (c: Check): Check =>
  (v, p) => {
    if (v !== undefined) c(v, p);
  };
const nullable =
  (c: Check): Check =>
  (v, p) => {
    if (v !== null) c(v, p);
  };
const shape =
  (fields: Record<string, Check>): Check =>
  (v, p) => {
    const o = obj(v, p);
    for (const [k, c] of Object.entries(fields)) c(o[k], p ? `${p}.${k}` : k);
  };
/** A discriminated union: picks the field checks by the value of `kind`. */
const union =
  (variants: Record<string, Record<string, Check>>, extra: Record<string, Check> = {}): Check =>
  (v, p) => {
    const o = obj(v, p);
    const fields = typeof o.kind === 'string' ? variants[o.kind] : undefined;
    if (!fields) fail(`${p}.kind`, `expected one of ${Object.keys(variants).map((k) => JSON.stringify(k)).join(', ')}`);
    shape({ ...fields, ...extra })(o, p);
  };

const activation = oneOf(...ACTIVATION_LAYERS);
const feature = union({ model: {}, inverted: { activation } });
const sourceRef = optional(shape({ line: int, column: int }));
const layerCommon = { inShape: arr(int), outShape: arr(int) };
const layer = union(
  {
    conv: { name: str, filters: int, kernel: arr(int), stride: int, padding: oneOf('valid', 'same'), params: arr(str) },
    dense: { name: str, units: int, params: arr(str) },
    pool: { size: int },
    activation: { activation },
    dropout: { rate: num },
    dropout2d: { rate: num },
    flatten: {},
  },
  layerCommon,
);
const param = shape({ name: str, layer: str, role: oneOf('weight', 'bias'), shape: arr(int), size: int, fanIn: int });
/** `['main', 'missing']`: at least one head name. */
const headExpr: Check = (v, p) => {
  arr(str)(v, p);
  if ((v as unknown[]).length === 0) fail(p, 'expected at least one head');
};
const headFeatures = record(feature);
const model = shape({
  name: str,
  inputShape: arr(int),
  classes: int,
  layers: arr(layer),
  params: arr(param),
  totalParams: int,
  featureBoundary: int,
  featureActivation: int,
});
const step = union(
  {
    train: {
      epochs: int,
      pretrain: bool,
      alternate: bool,
      feature,
      trainable: arr(str),
      frozen: arr(str),
      trainableCount: int,
      lr: num,
      rates: optional(record(num)),
      on: optional(headExpr),
      heads: optional(headFeatures),
      select: optional(shape({ testSets: arr(str) })),
      everyEpoch: optional(arr(str)),
    },
    head: { name: str, layers: arr(layer), params: arr(param) },
    freeze: { params: arr(str) },
    unfreeze: { params: arr(str) },
    reset: { params: arr(str) },
    invert: { feature, heads: optional(headExpr) },
    lr: { lr: num, params: optional(arr(str)) },
    eval: { testSets: arr(str), label: str, snapshot: bool, feature, on: optional(headExpr), heads: optional(headFeatures), everyEpoch: optional(oneOf(true)) },
    save: { path: str },
    load: { path: str },
  },
  { source: sourceRef, stateKey: str },
);
const planShape = shape({
  file: str,
  title: str,
  dataset: union({ mnist: {}, 'fashion-mnist': { dir: str }, idx: { dir: str } }),
  model,
  optimizer: union({ sgd: { lr: num, momentum: num }, adam: { lr: num, beta1: num, beta2: num, epsilon: num } }),
  batch: int,
  validation: optional(int),
  shards: optional(int),
  seed: int,
  repeat: int,
  seeds: arr(int),
  testSets: arr(str),
  testSetRefs: optional(arr(shape({ name: str, family: str, variant: union({ occlusion: { occlusion: oneOf(...OCCLUSIONS) }, 'tcut-fill': { fill: oneOf(...TCUT_FILLS) } }) }))),
  arms: arr(
    shape({
      name: str,
      steps: arr(step),
      reportLabel: nullable(str),
      baseline: nullable(shape({ arm: str, label: str, reason: oneOf('named', 'baseline-arm', 'snapshot') })),
      sharedPrefix: int,
      source: sourceRef,
      template: optional(str),
      bindings: optional(record(str)),
    }),
  ),
  warnings: arr(str),
  hash: str,
});

/**
 * Heads are used only after their `head` step: every `on` and `invert ... heads` name is a head
 * of the arm at that point, a step's `heads` lists exactly those heads (and comes with any head
 * besides `main`), and no head is added twice.
 */
function checkHeads(steps: Plan['arms'][number]['steps'], path: string): void {
  const heads = new Set([MAIN_HEAD]);
  const known = (names: string[], p: string) => names.forEach((h, k) => heads.has(h) || fail(`${p}[${k}]`, `${JSON.stringify(h)} is not a head of this arm at this step`));
  steps.forEach((s, i) => {
    const p = `${path}[${i}]`;
    if (s.kind === 'head') {
      if (heads.has(s.name)) fail(`${p}.name`, `the head ${JSON.stringify(s.name)} already exists`);
      heads.add(s.name);
    } else if (s.kind === 'invert' && s.heads) known(s.heads, `${p}.heads`);
    else if (s.kind === 'train' || s.kind === 'eval') {
      if (s.on) known(s.on, `${p}.on`);
      const listed = s.heads ? Object.keys(s.heads) : [MAIN_HEAD];
      if (listed.length !== heads.size || !listed.every((h) => heads.has(h))) fail(`${p}.heads`, `expected the transforms of the heads ${[...heads].join(', ')}`);
    }
  });
}

/** Validates parsed JSON as a Plan of this schema and version; throws PlanFormatError otherwise. */
export function readPlan(json: unknown): Plan {
  const o = obj(json, '');
  if (o.schema !== PLAN_SCHEMA) fail('schema', `expected ${JSON.stringify(PLAN_SCHEMA)} (is this an mfx plan.json?)`);
  if (o.version !== PLAN_VERSION) {
    fail('version', `this mfx reads plan version ${PLAN_VERSION}, the file has ${JSON.stringify(o.version)}: recompile the .mfx file with this mfx`);
  }
  planShape(o, '');
  const plan = o as unknown as Plan;
  // Plans written before testSetRefs existed get them from the names (they are derived, not hashed).
  const refs = plan.testSets.map((name, i) => resolveTestSet(name) ?? fail(`testSets[${i}]`, `${JSON.stringify(name)} is not a test set`));
  if (plan.testSetRefs === undefined) plan.testSetRefs = refs;
  else if (JSON.stringify(plan.testSetRefs) !== JSON.stringify(refs)) fail('testSetRefs', 'does not describe testSets (the file was edited or damaged)');
  if (plan.arms.length === 0) fail('arms', 'a plan has at least one arm');
  plan.arms.forEach((arm, i) => checkHeads(arm.steps, `arms[${i}].steps`));
  // Plans written before `shards` existed computed every batch in one piece.
  if (plan.shards === undefined) plan.shards = 1;
  else if (plan.shards < 1 || plan.shards > plan.batch) fail('shards', `expected a whole number from 1 to the batch size (${plan.batch})`);
  const expected = planHash(plan);
  if (plan.hash !== expected) fail('hash', 'does not match the plan contents (the file was edited or damaged)');
  return plan;
}
