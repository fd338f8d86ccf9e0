// What the fuzzer exercises: the public front end, as `mfx check` and `mfx fmt` call it.
export { compile, parse, print } from '../../compiler/index.js';
export { MAX_DIAGNOSTICS as MAX_DIAGNOSTICS_SHOWN } from '../../grammar/index.js';
