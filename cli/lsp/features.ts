// Everything the server does with a document, behind one module that server.ts imports only
// after answering `initialize`: loading the parser (Chevrotain builds its lookahead tables) and
// compiler then overlaps with the editor's own start-up instead of delaying the handshake.
export { analyze, type Analysis } from './analysis.js';
export { quickFixes } from './code-actions.js';
export { complete } from './completion.js';
export { rangeOf, toLspDiagnostic } from './convert.js';
export { hover } from './hover.js';
export { definition, documentSymbols } from './symbols.js';
export { print } from '../../grammar/index.js';
