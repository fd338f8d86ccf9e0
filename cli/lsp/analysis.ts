// What the language server knows about one document: the parse, the compiler's diagnostics,
// and the static facts completion and hover need (settings, model, test sets, arms). Built
// from the same parser and compiler as `mfx check`, so the editor shows exactly its findings.
import type { ArmDecl, Diagnostic, HeadStep, Program } from '../../grammar/index.js';
import { parse } from '../../grammar/index.js';
import { compileProgram, dataOf, programModel } from '../../compiler/index.js';
import type { DatasetSpec, ModelSpec } from '../../compiler/plan.js';
import { collectSettings, type Settings } from '../../compiler/settings.js';
import { testSetCatalogue } from '../../compiler/test-sets.js';
import { readDatasetInfo } from '../../runtime/data/dataset-info.js';
import { MACHINE_FACTS } from '../machine-facts.js';

export interface Analysis {
  text: string;
  /** The path the compiler is told (titles, relative `load` paths). */
  file: string;
  ast: Program;
  /** Every diagnostic `mfx check` would print for this text, in source order. */
  diagnostics: Diagnostic[];
  /** Syntax errors stop formatting, as they stop `mfx fmt`. */
  syntaxErrors: boolean;
  settings: Settings;
  /** The model with inferred shapes; null when the model itself has errors. */
  model: ModelSpec | null;
  /** Test-set names for the file's dataset. */
  testSets: string[];
  arms: ArmDecl[];
  /** Every `head NAME` step, at the top level and in arms, in source order (the first per name). */
  heads: HeadStep[];
}

export function analyze(text: string, file: string): Analysis {
  const parsed = parse(text, file);
  // The dataset reader `mfx check` uses: shapes and class counts from the IDX headers.
  const compiled = compileProgram(parsed.ast, text, file, parsed.diagnostics, MACHINE_FACTS);
  // The compiler's own settings pass, again, with its diagnostics discarded (compile has them):
  // the facts are needed even when the file does not compile.
  const settings = collectSettings(parsed.ast.statements, file, []);
  const model = programModel(settings.model, parsed.diagnostics, dataOf(settings, readDatasetInfo, [])).model;
  return {
    text,
    file,
    ast: parsed.ast,
    diagnostics: compiled.diagnostics,
    syntaxErrors: parsed.diagnostics.some((d) => d.severity === 'error'),
    settings,
    model,
    testSets: testSetCatalogue(settings.dataset),
    arms: parsed.ast.statements.filter((s): s is ArmDecl => s.kind === 'arm'),
    heads: headSteps(parsed.ast),
  };
}

function headSteps(ast: Program): HeadStep[] {
  const all = ast.statements.flatMap((s) => (s.kind === 'arm' ? s.body : [s])).filter((s): s is HeadStep => s.kind === 'head');
  return all.filter((h, i) => all.findIndex((x) => x.name.text === h.name.text) === i);
}

/** How many images a test set holds, in words, for hovers. */
export function testSetSize(dataset: DatasetSpec): string {
  switch (dataset.kind) {
    case 'mnist':
    case 'fashion-mnist':
      return '10,000 images (the test split; `--test-subset N` uses fewer)';
    case 'idx':
      return "as many images as the folder's t10k files hold";
  }
}
