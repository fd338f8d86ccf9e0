// Where the cursor is, in the language's terms: which block, which statement head, which
// arguments are complete, and the word being typed. Read from the same lexer the parser uses,
// on the text before the cursor, so half-written statements still have a context.
import type { IToken } from 'chevrotain';
import { SETTING_KEYWORDS } from '../../grammar/keywords.js';
import { tokenize } from '../../grammar/lexer.js';

export type BlockKind = 'top' | 'arm' | 'model' | 'other';

export interface CursorContext {
  block: BlockKind;
  /** The statement's first word; null at the start of a statement. */
  head: string | null;
  /** In a model block: the layer kind (`conv` in `conv1: conv 10`), when written. */
  layerKind: string | null;
  /** True after `NAME:` in a model block, before the layer kind. */
  afterLayerName: boolean;
  /** Complete tokens after the head (or after the layer kind), before the word being typed. */
  args: IToken[];
  /** The word being typed (may be empty), and where it starts. */
  word: string;
  wordStart: number;
  /** Top level only: a step or arm comes before the cursor, so settings are no longer valid. */
  afterFirstStep: boolean;
}

const WORD_CHAR = /[A-Za-z0-9_*?.$-]/;
const SETTINGS: ReadonlySet<string> = new Set(SETTING_KEYWORDS);

/** The context at `offset`, or null inside a comment or a string. */
export function cursorContext(text: string, offset: number): CursorContext | null {
  let wordStart = offset;
  while (wordStart > 0 && WORD_CHAR.test(text[wordStart - 1])) wordStart--;
  const before = text.slice(0, wordStart);
  const lexed = tokenize(before);
  const lineStart = before.lastIndexOf('\n') + 1;
  // A `#` before the cursor on this line (outside a string) means the cursor is in a comment.
  for (const c of lexed.groups.comments ?? []) if (c.startOffset >= lineStart) return null;
  const last = lexed.tokens[lexed.tokens.length - 1];
  if (last && (last.tokenType.name === 'UnterminatedString' || (last.tokenType.name === 'StringLit' && last.endOffset! + 1 > wordStart))) return null;

  const stack: BlockKind[] = [];
  let current: IToken[] = [];
  let afterFirstStep = false;
  for (const t of lexed.tokens) {
    switch (t.tokenType.name) {
      case 'Newline':
      case 'Semicolon':
        current = [];
        break;
      case 'LBrace': {
        const head = current[0]?.image;
        if (stack.length === 0 && head === 'arm') afterFirstStep = true;
        stack.push(head === 'arm' ? 'arm' : head === 'model' ? 'model' : 'other');
        current = [];
        break;
      }
      case 'RBrace':
        stack.pop();
        current = [];
        break;
      default:
        if (current.length === 0 && stack.length === 0 && t.tokenType.name === 'Word' && !SETTINGS.has(t.image)) afterFirstStep = true;
        current.push(t);
    }
  }
  const block = stack.length === 0 ? 'top' : stack[stack.length - 1];
  const word = text.slice(wordStart, offset);
  let head: string | null = current[0]?.image ?? null;
  let args = current.slice(1);
  let layerKind: string | null = null;
  let afterLayerName = false;
  if (block === 'model' && head !== null) {
    if (args[0]?.tokenType.name === 'Colon') {
      afterLayerName = args.length === 1;
      layerKind = args[1]?.image ?? null;
      args = args.slice(2);
    } else {
      layerKind = head;
    }
    head = null;
  }
  return { block, head, layerKind, afterLayerName, args, word, wordStart, afterFirstStep };
}
