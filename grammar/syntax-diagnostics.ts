// The syntax band of the diagnostic catalogue (MFX1xxx). The semantic band (MFX2xxx) lives in
// compiler/diagnostics.ts, which merges both into the one catalogue.
import { defineDiagnostic as d } from './diagnostic.js';

export const SyntaxDiagnostics = {
  unexpectedCharacter: d('MFX1001', 'error', 'A character that mfx does not use', (ch: string) => `unexpected character \`${ch}\``),
  unterminatedString: d('MFX1002', 'error', 'A string without its closing quote', () => 'unterminated string: the closing `"` is missing'),
  unknownStatement: d('MFX1003', 'error', 'A statement that mfx does not know', (word: string) => `unknown statement \`${word}\``),
  missingArgument: d('MFX1004', 'error', 'A statement lacks a required argument', (stmt: string, what: string) => `\`${stmt}\` expects ${what}`),
  unexpectedArgument: d('MFX1005', 'error', 'A statement has more arguments than it takes', (found: string, stmt: string) => `unexpected \`${found}\` in \`${stmt}\``),
  wrongArgument: d('MFX1006', 'error', 'An argument of the wrong kind', (stmt: string, what: string, found: string) => `\`${stmt}\` expects ${what}, found \`${found}\``),
  missingCloseBrace: d('MFX1007', 'error', 'A block without its closing brace', () => 'missing `}` to close this block'),
  unexpectedCloseBrace: d('MFX1008', 'error', 'A closing brace without an opening one', () => 'unexpected `}` without a matching `{`'),
  strayToken: d('MFX1009', 'error', 'A statement that does not start with a keyword', (found: string) => `a statement cannot start with \`${found}\``),
  unexpectedBlock: d('MFX1010', 'error', 'A `{ }` block after a statement that takes none', (stmt: string) => `\`${stmt}\` does not take a \`{ }\` block`),
  missingBlock: d('MFX1011', 'error', 'A statement that needs a `{ }` block', (stmt: string) => `\`${stmt}\` needs a \`{ ... }\` block`),
  unknownLayer: d('MFX1012', 'error', 'A model-block line that is not a layer', (word: string) => `unknown layer \`${word}\``),
  unexpectedToken: d('MFX1013', 'error', 'The parser met a token it did not expect', (msg: string) => msg),
  nestedBlock: d('MFX1014', 'error', 'A statement that is not allowed inside this block', (stmt: string, where: string) => `\`${stmt}\` is not allowed inside ${where}`),
  planned: d('MFX1015', 'error', 'A planned form that this version cannot parse yet', (word: string, what: string) => `\`${word}\` (${what}) is planned but not supported yet`),
  tooDeep: d('MFX1016', 'error', 'Blocks nested deeper than mfx reads', (max: number) => `blocks are nested more than ${max} deep; mfx does not read what is inside`),
  sourceTooLarge: d('MFX1017', 'error', 'A file larger than mfx reads', (chars: number, max: number) => `this file has ${chars.toLocaleString('en-US')} characters; mfx reads at most ${max.toLocaleString('en-US')}`),
  tooManyTokens: d('MFX1019', 'error', 'A file with more tokens than mfx parses', (max: number) => `this file has more than ${max.toLocaleString('en-US')} words and symbols; mfx parses at most that many`),
  tooManyDiagnostics: d('MFX1018', 'error', 'More problems than mfx lists', (more: number, shown: number) => `... and ${more.toLocaleString('en-US')} more errors and warnings (the first ${shown} are shown)`),
} as const;
