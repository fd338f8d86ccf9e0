// Completion: what may be written at the cursor, from the cursor's context (cursor.ts) and the
// file's static facts (analysis.ts). Each statement head has one argument provider in
// ARGUMENT_PROVIDERS; a new statement (e.g. `sweep`, `on`) adds its entry there and its head
// to the grammar's keyword lists; a word form completed the same way wherever it appears
// (`$NAME`) is a check on `c.word` at the top of candidates(), before the statement's own.
import type { CompletionItem } from 'vscode-languageserver/node.js';
import { CompletionItemKind } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Setting, Statement } from '../../grammar/index.js';
import { ACTIVATION_LAYERS, LAYER_KEYWORDS, MAIN_HEAD, SETTING_KEYWORDS, STEP_KEYWORDS } from '../../grammar/index.js';
import { copyMainHead } from '../../compiler/heads.js';
import { NAMED_MODELS } from '../../compiler/models.js';
import { DATASETS, isSetting, OPTIMIZER_OPTIONS, settingKeyword } from '../../compiler/settings.js';
import { testSetFamily } from '../../compiler/test-sets.js';
import type { Analysis } from './analysis.js';
import type { CursorContext } from './cursor.js';
import { cursorContext } from './cursor.js';
import { ACTIVATION_DOCS, layerDoc, layerUsage, statementDoc, statementUsage } from './docs.js';

interface Candidate {
  label: string;
  kind: CompletionItemKind;
  detail?: string;
  /** Markdown shown beside the list. */
  documentation?: string | null;
  /** The text that replaces the typed word, when it is not the label (`hybrid-$act`). */
  insert?: string;
}

type Provider = (c: CursorContext, a: Analysis) => Candidate[];

const keyword = (label: string, detail?: string): Candidate => ({ label, kind: CompletionItemKind.Keyword, detail });
const value = (label: string, detail?: string): Candidate => ({ label, kind: CompletionItemKind.Value, detail });

const lastArg = (c: CursorContext) => c.args[c.args.length - 1];
/** True where a new list element goes: no argument yet, or right after a comma. */
const atListElement = (c: CursorContext, from = 0) => c.args.length === from || lastArg(c)?.tokenType.name === 'Comma';

/** Layer names, a glob per name family (`conv*`), and parameter names; after a `.`, the roles. */
function selectors(c: CursorContext, a: Analysis): Candidate[] {
  const model = a.model;
  if (!model) return [];
  const added = a.heads.filter((h) => h.name.text !== MAIN_HEAD).map((h) => h.name.text);
  // The model's parameters, then those of the heads the file adds (`missing.fc1.weight`).
  const params = [...model.params, ...added.flatMap((h) => copyMainHead(model, h).params)];
  const layers = [...new Set(params.map((p) => p.layer))];
  const dot = c.word.lastIndexOf('.');
  if (dot >= 0) {
    const base = c.word.slice(0, dot);
    if (added.includes(base)) return layers.filter((l) => l.startsWith(`${base}.`)).map((l) => ({ label: l, kind: CompletionItemKind.Field, detail: `layer ${l} of head ${base}` }));
    const roles = [...new Set(model.params.map((p) => p.role))];
    return roles.map((r) => ({ label: `${base}.${r}`, kind: CompletionItemKind.Field, detail: `${r} of ${base}` }));
  }
  const own = layers.filter((l) => !l.includes('.'));
  const families = [...new Set(own.map((l) => l.replace(/\d+$/, '')).filter((f) => !own.includes(f)))];
  return [
    ...layers.map((l) => ({ label: l, kind: CompletionItemKind.Field, detail: `layer ${l}: ${params.filter((p) => p.layer === l).map((p) => p.name).join(', ')}` })),
    ...families.map((f) => ({ label: `${f}*`, kind: CompletionItemKind.Field, detail: `layers ${own.filter((l) => l.startsWith(f)).join(', ')}` })),
    ...added.map((h) => ({ label: `${h}.*`, kind: CompletionItemKind.Field, detail: `every parameter of head ${h}` })),
    ...params.map((p) => ({ label: p.name, kind: CompletionItemKind.Field, detail: `[${p.shape.join(', ')}] ${p.size} parameters` })),
    { label: '*', kind: CompletionItemKind.Field, detail: added.length > 0 ? 'every parameter of the model\'s own layers (`*.*`: the heads\' too)' : 'every parameter' },
  ];
}

/** `main` and the heads the file's `head` steps add. */
function heads(a: Analysis): Candidate[] {
  return [value(MAIN_HEAD, 'the model\'s own head'), ...a.heads.filter((h) => h.name.text !== MAIN_HEAD).map((h) => value(h.name.text, 'a head added by `head`'))];
}

/** After `on` (at index `on`): right after it, or after a `+`. */
const atHeadName = (c: CursorContext, on: number) => c.args.length === on + 1 || lastArg(c)?.tokenType.name === 'Plus';

function testSets(a: Analysis): Candidate[] {
  const family = testSetFamily(a.settings.dataset);
  return [
    value(`${family}.*`, "the talk's five test sets"),
    value(`${family}-fill.*`, 'the triple-cut fillings'),
    ...a.testSets.map((t) => value(t)),
  ];
}

const ARGUMENT_PROVIDERS: Record<string, Provider> = {
  dataset: (c) => (c.args.length === 0 ? DATASETS.map((d) => value(d)) : []),
  model: (c) => (c.args.length === 0 ? Object.keys(NAMED_MODELS).map((m) => value(m, 'built-in model')) : []),
  optimizer: (c) => {
    if (c.args.length === 0) return Object.keys(OPTIMIZER_OPTIONS).map((o) => value(o));
    const options = OPTIMIZER_OPTIONS[c.args[0].image] ?? [];
    // name, then (option value) pairs: an option name goes where a pair is complete.
    if ((c.args.length - 1) % 2 !== 0) return [];
    const used = new Set(c.args.slice(1).map((t) => t.image));
    return options.filter((o) => !used.has(o)).map((o) => keyword(o, `${c.args[0].image} option`));
  },
  baseline: (c, a) => (c.args.length === 0 ? a.arms.map((arm) => ({ label: arm.name.text, kind: CompletionItemKind.Reference, detail: 'arm' })) : []),
  train: (c, a) => {
    const on = c.args.findIndex((t) => t.image === 'on');
    if (on >= 0) return atHeadName(c, on) ? heads(a) : [];
    const select = keyword('select', 'score the validation split every epoch; also report the best epoch');
    const onWord = keyword('on', 'train on these heads\' summed logits');
    if (c.args.length === 1) return [keyword('alternate', 'alternate inverted and normal features every epoch'), select, onWord];
    const last = c.args[c.args.length - 1].image;
    if (c.args.length === 2 && last === 'alternate') return [select, onWord];
    if (c.args.length <= 3 && last === 'select') return [onWord];
    return [];
  },
  pretrain: (c) => (c.args.length === 1 ? [keyword('select', 'score the validation split every epoch; also report the best epoch')] : []),
  freeze: (c, a) => (atListElement(c) ? selectors(c, a) : []),
  unfreeze: (c, a) => (atListElement(c) ? selectors(c, a) : []),
  reset: (c, a) => (atListElement(c) ? selectors(c, a) : []),
  lr: (c, a) => {
    const forAt = c.args.findIndex((t) => t.image === 'for');
    if (forAt >= 0) return atListElement(c, forAt + 1) ? selectors(c, a) : [];
    return c.args.length === 1 ? [keyword('for', 'only for some parameters')] : [];
  },
  invert: (c, a) => {
    if (c.args.length === 0) return [...ACTIVATION_LAYERS, 'off'].map((x) => ({ label: x, kind: CompletionItemKind.EnumMember, detail: ACTIVATION_DOCS[x] }));
    if (c.args.length === 1) return [keyword('on', 'only this head\'s input')];
    return c.args.length === 2 && c.args[1].image === 'on' ? heads(a) : [];
  },
  sweep: (c) => (c.args.length === 1 ? [keyword('in', 'then the values: [a, b, ...]')] : []),
  eval: (c, a) => {
    const on = c.args.findIndex((t) => t.image === 'on');
    if (on >= 0) return atHeadName(c, on) ? heads(a) : [];
    const as = c.args.findIndex((t) => t.image === 'as');
    if (as >= 0) return c.args.length === as + 2 ? [keyword('on', 'evaluate these heads\' summed logits')] : [];
    const every = c.args.findIndex((t) => t.image === 'every');
    if (every >= 0 && c.args.length === every + 1) return [keyword('epoch', 'after every epoch of the train step before it')];
    if (atListElement(c)) return testSets(a);
    const rest = [keyword('as', 'name the result column'), keyword('on', 'evaluate these heads\' summed logits')];
    return every >= 0 ? rest : [keyword('every', 'also score after every epoch: `every epoch`'), ...rest];
  },
};

/** Settings already written elsewhere in the file (each may appear once). */
function settingsWritten(a: Analysis, offset: number): Set<string> {
  const here = (s: Statement) => offset >= s.span.offset && offset <= s.span.offset + s.span.length;
  return new Set(a.ast.statements.filter((s): s is Setting => isSetting(s) && !here(s)).map(settingKeyword));
}

function statementStarts(c: CursorContext, a: Analysis): Candidate[] {
  const statement = (k: string): Candidate => ({ ...keyword(k, statementUsage(k)), documentation: statementDoc(k) });
  const steps = STEP_KEYWORDS.map(statement);
  if (c.block === 'arm') return steps;
  if (c.block !== 'top') return [];
  const written = settingsWritten(a, c.wordStart);
  const settings = c.afterFirstStep ? [] : SETTING_KEYWORDS.filter((k) => !written.has(k)).map(statement);
  return [...settings, ...steps, statement('arm')];
}

function layerArguments(c: CursorContext): Candidate[] {
  if (c.layerKind !== 'conv' || c.args.length < 2) return [];
  const prev = lastArg(c)?.image;
  if (prev === 'padding') return [value('valid', 'no padding (the default)'), value('same', 'output as large as the input')];
  if (prev === 'stride') return [];
  return ['stride', 'padding'].filter((k) => !c.args.some((t) => t.image === k)).map((k) => keyword(k));
}

/** `$NAME`: the file's sweeps, where placeholders may stand (in an arm and in an arm's name). */
function placeholders(c: CursorContext, a: Analysis): Candidate[] {
  if (c.block !== 'arm' && !(c.block === 'top' && c.head === 'arm')) return [];
  // In an arm name the placeholder follows the written part: `hybrid-$a` → `hybrid-$act`.
  const before = c.word.slice(0, c.word.lastIndexOf('$'));
  return a.settings.sweeps.map((s) => ({
    insert: `${before}$${s.name.text}`,
    label: `$${s.name.text}`,
    kind: CompletionItemKind.Variable,
    detail: `sweep: ${s.values.map((v) => (v.kind === 'number' ? v.raw : v.text)).join(', ')}`,
  }));
}

function candidates(c: CursorContext, a: Analysis): Candidate[] {
  if (c.word.includes('$')) return placeholders(c, a);
  if (c.block === 'model') {
    if (c.layerKind === null || c.afterLayerName) return LAYER_KEYWORDS.map((k) => ({ ...keyword(k, layerUsage(k)), documentation: layerDoc(k) }));
    return layerArguments(c);
  }
  if (c.head === null) return statementStarts(c, a);
  return ARGUMENT_PROVIDERS[c.head]?.(c, a) ?? [];
}

export function complete(doc: TextDocument, a: Analysis, offset: number): CompletionItem[] {
  const c = cursorContext(a.text, offset);
  if (!c) return [];
  const range = { start: doc.positionAt(c.wordStart), end: doc.positionAt(offset) };
  return candidates(c, a).map((x, i) => ({
    label: x.label,
    kind: x.kind,
    detail: x.detail,
    ...(x.documentation ? { documentation: { kind: 'markdown' as const, value: x.documentation } } : {}),
    // Replace the whole word typed so far: globs hold `*` and `.`, which editors split words at.
    textEdit: { range, newText: x.insert ?? x.label },
    filterText: x.insert ?? x.label,
    sortText: String(i).padStart(4, '0'),
  }));
}
