// The TextMate grammar of editors/vscode (highlighting without the server): every example is
// tokenised with vscode-textmate, as VS Code does, and compared with a snapshot; a few scopes
// are asserted outright so that a snapshot refresh cannot hide a broken grammar.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';

const ROOT = resolve(import.meta.dirname, '../..');
const GRAMMAR = resolve(ROOT, 'editors/vscode/syntaxes/mfx.tmLanguage.json');
const EXAMPLES = resolve(ROOT, 'examples');
let grammar: IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(createRequire(import.meta.url).resolve('vscode-oniguruma/release/onig.wasm'));
  await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new OnigScanner(p), createOnigString: (s: string) => new OnigString(s) }),
    loadGrammar: async (scope) => (scope === 'source.mfx' ? parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null),
  });
  const g = await registry.loadGrammar('source.mfx');
  if (!g) throw new Error('grammar did not load');
  grammar = g;
});

interface Token {
  text: string;
  scopes: string[];
}

function tokenizeLines(text: string): Token[][] {
  let state = INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) }));
  });
}

/** Each line, then one row per token that has a scope: `^^^ scope scope`. */
function snapshot(text: string): string {
  const out: string[] = [];
  const lines = text.split('\n');
  tokenizeLines(text).forEach((tokens, i) => {
    out.push(`> ${lines[i]}`);
    let col = 0;
    for (const t of tokens) {
      if (t.scopes.length > 0 && t.text.trim() !== '') out.push(`${' '.repeat(col + 2)}${'^'.repeat(t.text.length)} ${t.scopes.join(' ')}`);
      col += t.text.length;
    }
  });
  return `${out.join('\n')}\n`;
}

function scopeOf(line: string, word: string): string[] {
  const tokens = tokenizeLines(line)[0];
  return tokens.find((t) => t.text.trim() === word)?.scopes.map((s) => s.replace(/\.mfx$/, '')) ?? [];
}

describe('TextMate grammar', () => {
  const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.mfx')).sort();

  it.each(examples)('matches the snapshot for examples/%s', async (file) => {
    const text = readFileSync(resolve(EXAMPLES, file), 'utf8');
    await expect(snapshot(text)).toMatchFileSnapshot(resolve(ROOT, 'test/fixtures/tmgrammar', `${file}.snap`));
  });

  it('scopes keywords, names, numbers, globs, strings and comments', () => {
    expect(scopeOf('pretrain 10  # note', 'pretrain')).toEqual(['keyword.control.step']);
    expect(scopeOf('pretrain 10  # note', '10')).toEqual(['constant.numeric']);
    expect(scopeOf('pretrain 10  # note', '# note')).toEqual(['comment.line.number-sign']);
    expect(scopeOf('dataset mnist', 'dataset')).toEqual(['keyword.other.setting']);
    expect(scopeOf('arm hybrid-relu6 {', 'hybrid-relu6')).toEqual(['entity.name.function.arm']);
    expect(scopeOf('baseline plain', 'plain')).toEqual(['variable.other.arm']);
    expect(scopeOf('  conv1: conv 10 5x5', 'conv1')).toEqual(['entity.name.variable.layer']);
    expect(scopeOf('  conv1: conv 10 5x5', 'conv')).toEqual(['storage.type.layer']);
    expect(scopeOf('  conv1: conv 10 5x5', '5x5')).toEqual(['constant.numeric.size']);
    expect(scopeOf('invert relu6', 'relu6')).toEqual(['support.constant.activation']);
    expect(scopeOf('freeze conv*.weight, fc1', 'conv*.weight')).toEqual(['variable.other.name']);
    expect(scopeOf('train 10 alternate', 'alternate')).toEqual(['keyword.other.modifier']);
    expect(scopeOf('optimizer sgd lr 0.01', 'lr')).toEqual(['variable.parameter.option']);
    expect(scopeOf('arm a { train 1; lr 0.1 }', 'lr')).toEqual(['keyword.control.step']);
    const line = tokenizeLines('experiment "a \\" b"  # c')[0];
    expect(line.filter((t) => t.scopes[0] === 'string.quoted.double.mfx').map((t) => t.text).join('')).toBe('"a \\" b"');
    expect(line.find((t) => t.text.includes('\\"'))?.scopes).toContain('constant.character.escape.mfx');
    expect(line[line.length - 1]).toEqual({ text: '# c', scopes: ['comment.line.number-sign.mfx'] });
    // The sweeps and heads of the language's next wave highlight already.
    expect(scopeOf('sweep act in [relu, relu6]', 'sweep')).toEqual(['keyword.other.setting']);
    expect(scopeOf('sweep act in [relu, relu6]', 'in')).toEqual(['keyword.other.modifier']);
    expect(scopeOf('  invert $act; lr $rate', '$act;'.slice(0, 4))).toEqual(['variable.other.sweep']);
    expect(tokenizeLines('arm hybrid-$act {')[0].find((t) => t.text === '$act')?.scopes).toEqual(['entity.name.function.arm.mfx', 'variable.other.sweep.mfx']);
    expect(scopeOf('  train 10 on main + missing', 'on')).toEqual(['keyword.other.modifier']);
    expect(scopeOf('  train 10 on main + missing', '+')).toEqual(['keyword.operator.plus']);
    expect(scopeOf('  freeze missing.fc1.weight', 'missing.fc1.weight')).toEqual(['variable.other.name']);
    // `#` inside a string is not a comment.
    expect(scopeOf('save "run#1.bin"', '#1.bin')).not.toContain('comment.line.number-sign');
  });
});
