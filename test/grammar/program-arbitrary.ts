// fast-check generators for syntactically valid mfx programs, with comments, blank lines,
// `;`-joined statements and random spacing, for the round-trip properties.
import fc from 'fast-check';

const sp = fc.constantFrom(' ', '  ', '\t');
const word = fc.constantFrom('conv1', 'conv2', 'fc1', 'fc2', 'a-b', 'x_1', 'baseline', 'relu');
const glob = fc.constantFrom('conv*', 'fc?', 'conv*.weight', 'fc1.bias', '*', 'pmnist.*', 'pmnist-fill.noise', 'p?nist.hcut', 'missing.*', 'missing.fc1.weight', '*.*.bias');
const int = fc.integer({ min: 0, max: 500 }).map(String);
const num = fc.oneof(int, fc.constantFrom('0.01', '0.5', '1e-3', '2.5E+2', '-3'));
const str = fc.string({ maxLength: 12 }).map((s) => `"${s.replace(/[\\"\r\n]/g, (c) => (c === '\\' || c === '"' ? `\\${c}` : ' '))}"`);
const commentText = fc.string({ maxLength: 20 }).map((s) => `#${s.replace(/[\r\n]/g, ' ')}`);

function join(parts: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.tuple(...parts.map((p) => fc.tuple(p, sp))).map((xs) => xs.map(([p, s]) => p + s).join('').trimEnd());
}
const lit = (s: string) => fc.constant(s);
const list = (item: fc.Arbitrary<string>) => fc.array(item, { minLength: 1, maxLength: 3 }).map((xs) => xs.join(', '));
const headName = fc.constantFrom('main', 'missing', 'h2', 'a-b');
/** `main + missing`, with `+` spaced or tight: the printer writes ` + `. */
const headExpr = fc
  .tuple(fc.array(headName, { minLength: 1, maxLength: 3 }), fc.constantFrom(' + ', '+', ' +', '+  '))
  .map(([hs, plus]) => hs.join(plus));

const sweepName = fc.constantFrom('act', 'rate', 'n', 'x_1');
const sweepValues = fc.oneof(
  fc.array(fc.constantFrom('relu6', 'tanh', 'conv1', 'a-b'), { minLength: 1, maxLength: 3 }),
  fc.array(num, { minLength: 1, maxLength: 3 }),
);
const valueList = fc.tuple(sweepValues, fc.boolean()).map(([vs, tight]) => `[${vs.join(tight ? ',' : ', ')}]`);
/** `$NAME`, as it may stand for a number, a name or a glob inside an arm. */
const placeholder = sweepName.map((n) => `$${n}`);

const setting = fc.oneof(
  join([lit('sweep'), sweepName, lit('in'), valueList]),
  join([lit('experiment'), str]),
  join([lit('dataset'), fc.constantFrom('mnist', 'fashion-mnist', 'idx', 'other')]),
  join([lit('dataset'), fc.constantFrom('idx', 'fashion-mnist'), str]),
  join([lit('model'), word]),
  join([lit('optimizer'), fc.constantFrom('sgd', 'adam'), lit('lr'), num]),
  join([lit('optimizer'), lit('sgd'), lit('lr'), num, lit('momentum'), num]),
  join([fc.constantFrom('batch', 'seed', 'repeat', 'validation'), num]),
  join([lit('baseline'), word]),
);

const step = fc.oneof(
  join([fc.constantFrom('pretrain', 'train'), num]),
  join([lit('train'), num, lit('alternate')]),
  join([lit('train'), num, lit('on'), headExpr]),
  join([lit('train'), num, lit('alternate'), lit('on'), headExpr]),
  join([lit('head'), headName]),
  join([lit('invert'), fc.constantFrom('relu6', 'relu', 'off', 'bogus'), lit('on'), headName]),
  join([lit('eval'), list(glob), lit('on'), headExpr]),
  join([lit('eval'), list(glob), lit('as'), word, lit('on'), headExpr]),
  join([fc.constantFrom('pretrain', 'train'), num, lit('select')]),
  join([lit('train'), num, lit('alternate'), lit('select')]),
  join([fc.constantFrom('freeze', 'unfreeze', 'reset'), list(glob)]),
  join([lit('invert'), fc.constantFrom('relu6', 'relu', 'sigmoid', 'tanh', 'off', 'bogus')]),
  join([lit('lr'), num]),
  join([lit('lr'), num, lit('for'), list(glob)]),
  join([lit('eval'), list(glob)]),
  join([lit('eval'), list(glob), lit('as'), word]),
  join([lit('eval'), list(glob), lit('every'), lit('epoch')]),
  join([lit('eval'), list(glob), lit('every'), lit('epoch'), lit('as'), word]),
  join([fc.constantFrom('save', 'load'), str]),
);

/** Steps with sweep placeholders: only inside arms. */
const templateStep = fc.oneof(
  join([fc.constantFrom('pretrain', 'train'), placeholder]),
  join([lit('train'), placeholder, lit('select')]),
  join([lit('invert'), placeholder]),
  join([lit('lr'), placeholder, lit('for'), list(fc.oneof(glob, placeholder.map((p) => `conv${p}*`)))]),
  join([fc.constantFrom('freeze', 'unfreeze', 'reset'), list(fc.oneof(glob, placeholder, placeholder.map((p) => `fc${p}.bias`)))]),
  join([lit('eval'), list(glob), lit('as'), fc.oneof(placeholder, placeholder.map((p) => `at-${p}`))]),
  join([lit('head'), fc.oneof(placeholder, placeholder.map((p) => `h-${p}`))]),
  join([lit('invert'), placeholder, lit('on'), fc.oneof(headName, placeholder)]),
  join([lit('train'), num, lit('on'), lit('main'), lit('+'), placeholder]),
);
const armStep = fc.oneof({ weight: 2, arbitrary: step }, { weight: 1, arbitrary: templateStep });
const armName = fc.oneof(word, fc.constantFrom('h-$act', '$act', 'e$n-$act', 'x$rate_', 'a-$x_1-b'));

const layer = fc.oneof(
  join([word, lit(':'), lit('conv'), int, fc.constantFrom('5x5', '3x3', '3')]),
  join([word, lit(':'), lit('conv'), int, lit('3x3'), lit('stride'), int, lit('padding'), fc.constantFrom('same', 'valid')]),
  join([word, lit(':'), lit('dense'), int]),
  join([lit('pool'), int]),
  fc.constantFrom('relu', 'relu6', 'sigmoid', 'tanh', 'flatten'),
  join([fc.constantFrom('dropout', 'dropout2d'), num]),
);

/** Lines of statements: each line holds one or more `;`-joined statements, an optional trailing comment. */
function lines(item: fc.Arbitrary<string>, indent: string): fc.Arbitrary<string> {
  const line = fc.tuple(
    fc.array(item, { minLength: 1, maxLength: 3 }),
    fc.option(commentText, { nil: undefined }),
    fc.boolean(),
  ).map(([items, comment, blankAfter]) => `${indent}${items.join('; ')}${comment ? ` ${comment}` : ''}${blankAfter ? '\n' : ''}`);
  const ownComment = commentText.map((c) => `${indent}${c}`);
  return fc.array(fc.oneof({ weight: 4, arbitrary: line }, { weight: 1, arbitrary: ownComment }), { maxLength: 5 }).map((ls) => ls.join('\n'));
}

const arm = fc.oneof(
  fc.tuple(armName, lines(armStep, '  ')).map(([name, body]) => `arm ${name} {\n${body}\n}`),
  fc.tuple(armName, fc.array(armStep, { maxLength: 3 })).map(([name, body]) => `arm ${name} { ${body.join('; ')} }`),
);
const modelBlock = lines(layer, '  ').map((body) => `model {\n${body}\n}`);

/** A valid program: settings, steps, arms, model blocks, comments, in any order (the parser does not care). */
export const programText: fc.Arbitrary<string> = fc
  .array(fc.oneof(lines(setting, ''), lines(step, ''), arm, modelBlock), { maxLength: 6 })
  .map((parts) => `${parts.join('\n')}\n`);
