// Phase 3, arms: splits the top-level schedule into a shared prefix, the arms, and the evals
// that follow the arms, and rejects misplaced statements. Guarantees: arm names are unique,
// arm bodies and the suffix hold only steps, and each arm's written step list is complete.
import type { ArmDecl, Diagnostic, Span, Statement, Step } from '../grammar/index.js';
import { makeDiagnostic } from '../grammar/index.js';
import { SemanticDiagnostics as D } from './diagnostics.js';
import { isSetting, settingKeyword } from './settings.js';
import type { ArmTemplate } from './sweeps.js';

export interface ArmSource {
  name: string;
  /** prefix + own body + trailing evals, in the order they run. */
  steps: Step[];
  span: Span | null;
  nameSpan: Span | null;
  /** For an arm expanded from a sweep template: the template's name and the variables' values. */
  template?: ArmTemplate;
}

export function splitArms(statements: Statement[], diagnostics: Diagnostic[], templates: ReadonlyMap<ArmDecl, ArmTemplate> = new Map()): ArmSource[] {
  const prefix: Step[] = [];
  const suffix: Step[] = [];
  const arms: ArmDecl[] = [];
  const seen = new Map<string, Span>();
  for (const s of statements) {
    if (isSetting(s)) continue; // phase 1 handled (and placed) settings
    if (s.kind === 'arm') {
      const first = seen.get(s.name.text);
      if (first) {
        diagnostics.push(
          makeDiagnostic(D.duplicateArm, s.name.span, [s.name.text], { hint: 'give each arm its own name', related: [{ message: 'first defined here', offset: first.offset, length: first.length }] }),
        );
        continue;
      }
      seen.set(s.name.text, s.name.span);
      arms.push(s);
    } else if (arms.length === 0) {
      prefix.push(s);
    } else if (s.kind === 'eval') {
      suffix.push(s);
    } else {
      const word = s.kind === 'train' && s.pretrain ? 'pretrain' : s.kind;
      diagnostics.push(
        makeDiagnostic(D.stepAfterArms, { offset: s.span.offset, length: Math.min(s.span.length, word.length) }, [word], {
          hint: 'move it into the arms that need it, or above the first arm to share it',
        }),
      );
    }
  }
  if (arms.length === 0) return [{ name: 'main', steps: prefix, span: null, nameSpan: null }];
  return arms.map((arm) => {
    const source: ArmSource = { name: arm.name.text, steps: [...prefix, ...armSteps(arm, diagnostics), ...suffix], span: arm.span, nameSpan: arm.name.span };
    const template = templates.get(arm);
    if (template) source.template = template;
    return source;
  });
}

function armSteps(arm: ArmDecl, diagnostics: Diagnostic[]): Step[] {
  const steps: Step[] = [];
  for (const s of arm.body) {
    if (s.kind === 'arm') continue; // the grammar already rejected nesting
    if (isSetting(s)) {
      const word = settingKeyword(s);
      diagnostics.push(
        makeDiagnostic(D.settingInArm, { offset: s.span.offset, length: Math.min(s.span.length, word.length) }, [word], {
          hint: 'move it to the top of the file',
        }),
      );
      continue;
    }
    steps.push(s);
  }
  return steps;
}
