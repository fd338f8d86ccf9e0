// Phase 3a, sweeps (before the arms are split): expands every arm that mentions sweep
// variables (`$act` in its name or its steps) into one ordinary arm per combination of the
// values of the variables it mentions (Cartesian product, sweeps in the order written, the
// first varying slowest). Later phases see only ordinary arms, so shared prefixes, repeats,
// baselines and reports work unchanged. Guarantees: no placeholder survives in the arms
// returned; expanded names are unique; at most MAX_ARMS arms in all. Each expanded arm keeps
// its template name and bindings as data.
import type { ArmDecl, Diagnostic, Glob, HeadExpr, Name, NumberLit, Span, Statement, Step, SweepSetting } from '../grammar/index.js';
import { assertNever, isWholePlaceholder, makeDiagnostic, placeholdersIn, substitutePlaceholders } from '../grammar/index.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import { LIMITS } from './limits.js';
import { isSetting } from './settings.js';

/** The most arms a file may expand to (the one bound in compiler/limits.ts). */
export const MAX_ARMS = LIMITS.arms;

/** Where an expanded arm came from: the name as written and the value of each variable. */
export interface ArmTemplate {
  name: string;
  /** Variable → value as written (`act` → `relu6`, `rate` → `0.01`), in sweep order. */
  bindings: Record<string, string>;
}

export interface Expansion {
  statements: Statement[];
  /** The expanded arms' origins. */
  templates: Map<ArmDecl, ArmTemplate>;
}

type SweepValue = SweepSetting['values'][number];

interface Sweep {
  setting: SweepSetting;
  /** Index in the file's sweep order. */
  order: number;
  kind: 'number' | 'name';
  broken: boolean;
}

/** An argument a placeholder may stand in, and what it must be. */
type ArgKind = 'number' | 'name' | 'glob';

/** Applies `f` to every name, glob and number argument of a step (settings pass through). */
function mapArgs(s: Statement, f: <T extends NumberLit | Name | Glob>(node: T, kind: ArgKind, where: string) => T): Statement {
  if (s.kind === 'arm' || isSetting(s)) return s;
  const step = s as Step;
  const globs = (gs: Glob[], where: string) => gs.map((g) => f(g, 'glob', where));
  const heads = (e: HeadExpr | null, where: string): HeadExpr | null => e && { ...e, heads: e.heads.map((h) => f(h, 'name', where)) };
  switch (step.kind) {
    case 'train': {
      const where = `\`${step.pretrain ? 'pretrain' : 'train'}\``;
      return { ...step, epochs: f(step.epochs, 'number', where), on: heads(step.on, `${where.slice(0, -1)} ... on\``) };
    }
    case 'freeze':
    case 'unfreeze':
    case 'reset':
      return { ...step, selectors: globs(step.selectors, `\`${step.kind}\``) };
    case 'invert':
      return { ...step, activation: f(step.activation, 'name', '`invert`'), on: step.on && f(step.on, 'name', '`invert ... on`') };
    case 'lr':
      return { ...step, value: f(step.value, 'number', '`lr`'), selectors: globs(step.selectors, '`lr ... for`') };
    case 'eval':
      return { ...step, testSets: globs(step.testSets, '`eval`'), label: step.label && f(step.label, 'name', '`eval ... as`'), on: heads(step.on, '`eval ... on`') };
    case 'save':
    case 'load':
      return step;
    case 'head':
      return { ...step, name: f(step.name, 'name', '`head`') };
    default:
      return assertNever(step);
  }
}

function textOf(node: NumberLit | Name | Glob | SweepValue): string {
  return node.kind === 'number' ? node.raw : node.text;
}

/** The span of one placeholder inside a node written on one line. */
function useSpan(node: { span: Span }, index: number, length: number): Span {
  return { ...node.span, offset: node.span.offset + index, column: node.span.column + index, length, endLine: node.span.line };
}

interface Use {
  name: string;
  span: Span;
  /** The argument is exactly the placeholder (so its value's kind matters). */
  whole: boolean;
  kind: ArgKind | 'arm-name';
  where: string;
}

function usesIn(node: NumberLit | Name | Glob, kind: Use['kind'], where: string, into: Use[]): void {
  const text = textOf(node);
  for (const p of placeholdersIn(text)) into.push({ name: p.name, span: useSpan(node, p.index, p.length), whole: isWholePlaceholder(text), kind, where });
}

/** The placeholders one statement of an arm's body mentions. */
function stepUses(s: Statement): Use[] {
  const uses: Use[] = [];
  mapArgs(s, (node, kind, where) => {
    usesIn(node, kind, where, uses);
    return node;
  });
  return uses;
}

/** Every placeholder an arm mentions, in its name and steps. */
function usesOf(arm: ArmDecl): Use[] {
  const uses: Use[] = [];
  usesIn(arm.name, 'arm-name', 'the arm name', uses);
  for (const s of arm.body) uses.push(...stepUses(s));
  return uses;
}

export function expandSweeps(statements: Statement[], settings: SweepSetting[], lineOf: (offset: number) => number, diagnostics: Diagnostic[]): Expansion {
  const templates = new Map<ArmDecl, ArmTemplate>();
  const sweeps = new Map<string, Sweep>();
  settings.forEach((setting, order) => {
    if (sweeps.has(setting.name.text)) return; // reported as a duplicate setting
    const numbers = setting.values.filter((v) => v.kind === 'number').length;
    const broken = numbers > 0 && numbers < setting.values.length;
    if (broken) {
      diagnostics.push(
        makeDiagnostic(D.mixedSweepValues, setting.name.span, [setting.name.text], { hint: 'a sweep holds numbers (`[0.01, 0.1]`) or names (`[relu6, tanh]`); split it into two sweeps' }),
      );
    }
    sweeps.set(setting.name.text, { setting, order, kind: numbers > 0 ? 'number' : 'name', broken });
  });

  // First pass: which arms are templates, over which sweeps, and how many arms they make.
  const used = new Set<string>();
  type Planned = { kind: 'planned'; arm: ArmDecl; over: Sweep[] | null; count: number };
  const planned: (Planned | Statement)[] = [];
  let total = 0;
  let ok = true;
  for (const s of statements) {
    if (s.kind !== 'arm') {
      planned.push(s);
      continue;
    }
    const uses = usesOf(s);
    if (uses.length === 0) {
      planned.push({ kind: 'planned', arm: s, over: [], count: 1 });
      total += 1;
      continue;
    }
    let armOk = true;
    for (const u of uses) {
      const sweep = sweeps.get(u.name);
      if (sweep) {
        used.add(u.name);
        if (sweep.broken) armOk = false;
        else if (u.whole && !checkKind(u, sweep, lineOf, diagnostics)) armOk = false;
        continue;
      }
      armOk = false;
      const names = [...sweeps.keys()];
      diagnostics.push(
        makeDiagnostic(D.unknownSweepVariable, u.span, [u.name], {
          hint: names.length > 0 ? `sweeps here: ${names.map((n) => `$${n}`).join(', ')}` : `declare it at the top of the file: \`sweep ${u.name || 'NAME'} in [...]\``,
        }),
      );
    }
    const over = [...new Set(uses.map((u) => u.name))]
      .map((n) => sweeps.get(n))
      .filter((x): x is Sweep => x !== undefined)
      .sort((a, b) => a.order - b.order);
    const inName = new Set(uses.filter((u) => u.kind === 'arm-name').map((u) => u.name));
    for (const sweep of over) {
      if (inName.has(sweep.setting.name.text)) continue;
      armOk = false;
      const v = sweep.setting.name.text;
      diagnostics.push(
        makeDiagnostic(D.templateNameMissesVariable, s.name.span, [s.name.text, v], { hint: `put \`$${v}\` in the arm name, e.g. \`${s.name.text}-$${v}\`` }),
      );
    }
    const count = over.reduce((n, sweep) => n * sweep.setting.values.length, 1);
    total += count;
    planned.push({ kind: 'planned', arm: s, over: armOk ? over : null, count });
    if (!armOk) ok = false;
  }
  for (const sweep of sweeps.values()) {
    if (used.has(sweep.setting.name.text)) continue;
    diagnostics.push(makeDiagnostic(D.unusedSweep, sweep.setting.name.span, [sweep.setting.name.text], { hint: `use it as \`$${sweep.setting.name.text}\` in an arm, or remove the line` }));
  }
  if (total > MAX_ARMS) {
    let running = 0;
    const crossing = planned.find((p): p is Planned => p.kind === 'planned' && (running += p.count) > MAX_ARMS);
    diagnostics.push(
      makeDiagnostic(D.tooManyArms, crossing?.arm.name.span ?? { offset: 0, length: 0 }, [total.toLocaleString('en-US'), MAX_ARMS.toLocaleString('en-US')], {
        hint: 'use fewer sweep values, or split the study into several files',
      }),
    );
    ok = false;
  }
  // After an error, a template stays one arm of its steps without placeholders, so that the
  // rest of the file is still checked without cascading complaints (no plan comes out anyway).
  const out: Statement[] = [];
  for (const p of planned) {
    if (p.kind !== 'planned') out.push(p);
    else if (p.over && p.over.length === 0) out.push(p.arm);
    else if (p.over && ok) out.push(...expandArm(p.arm, p.over, templates));
    else out.push({ ...p.arm, body: p.arm.body.filter((s) => stepUses(s).length === 0) });
  }
  return { statements: uniqueExpandedNames(out, templates, diagnostics), templates };
}

/** A whole-argument placeholder must get a value of the kind its position takes. */
function checkKind(u: Use, sweep: Sweep, lineOf: (offset: number) => number, diagnostics: Diagnostic[]): boolean {
  const wanted = u.kind === 'number' ? 'number' : u.kind === 'arm-name' ? null : 'name';
  if (wanted === null || wanted === sweep.kind) return true;
  const bad = sweep.setting.values.find((v) => v.kind !== wanted)!;
  const expected = wanted === 'number' ? 'a number' : u.kind === 'glob' ? 'a name or a pattern such as `conv*`' : 'a name';
  diagnostics.push(
    makeDiagnostic(D.sweepValueKind, u.span, [u.name, textOf(bad), sweep.kind === 'number' ? 'a number' : 'a name', lineOf(sweep.setting.span.offset), u.where, expected], {
      hint: `use a sweep of ${wanted === 'number' ? 'numbers' : 'names'} here`,
      related: [{ message: `\`sweep ${u.name}\` is declared here`, offset: sweep.setting.span.offset, length: sweep.setting.span.length }],
    }),
  );
  return false;
}

/** One arm per combination, the first sweep varying slowest. */
function expandArm(arm: ArmDecl, over: Sweep[], templates: Map<ArmDecl, ArmTemplate>): ArmDecl[] {
  const out: ArmDecl[] = [];
  const combo = new Array<SweepValue>(over.length);
  const walk = (k: number) => {
    if (k === over.length) {
      const values = new Map(over.map((s, i) => [s.setting.name.text, combo[i]]));
      const texts = new Map(over.map((s, i) => [s.setting.name.text, textOf(combo[i])]));
      const expanded = substituteArm(arm, values, texts);
      templates.set(expanded, { name: arm.name.text, bindings: Object.fromEntries(texts) });
      out.push(expanded);
      return;
    }
    for (const v of over[k].setting.values) {
      combo[k] = v;
      walk(k + 1);
    }
  };
  walk(0);
  return out;
}

function substituteArm(arm: ArmDecl, values: Map<string, SweepValue>, texts: Map<string, string>): ArmDecl {
  const sub = <T extends NumberLit | Name | Glob>(node: T): T => {
    const text = textOf(node);
    if (!text.includes('$')) return node;
    if (node.kind === 'number') {
      const v = values.get(text.slice(1));
      // checkKind made sure a number position gets a number.
      return (v && v.kind === 'number' ? { ...node, value: v.value, raw: v.raw } : node) as T;
    }
    return { ...node, text: substitutePlaceholders(text, texts) };
  };
  return { ...arm, name: sub(arm.name), body: arm.body.map((s) => mapArgs(s, sub)) };
}

/** Expanded arms may not share a name with each other or with a written arm (written pairs are phase 3's). */
function uniqueExpandedNames(statements: Statement[], templates: Map<ArmDecl, ArmTemplate>, diagnostics: Diagnostic[]): Statement[] {
  if (templates.size === 0) return statements;
  const seen = new Map<string, ArmDecl>();
  return statements.filter((s) => {
    if (s.kind !== 'arm') return true;
    const first = seen.get(s.name.text);
    if (!first) {
      seen.set(s.name.text, s);
      return true;
    }
    const template = templates.get(s) ?? templates.get(first);
    if (!template) return true; // two written arms: phase 3 reports them
    diagnostics.push(
      makeDiagnostic(D.duplicateExpandedArm, s.name.span, [s.name.text, template.name], {
        hint: 'give the arms distinct names, or remove the repeated sweep value',
        related: [{ message: 'first defined here', offset: first.name.span.offset, length: first.name.span.length }],
      }),
    );
    return false;
  });
}
