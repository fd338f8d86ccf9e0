#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run as they are (no stale build),
// then hands over to cli/main.ts, the only place that prints and exits.
import { register } from 'tsx/esm/api';

// React (the live UI) in its production build unless told otherwise: the development build
// costs the training loop several times more per frame.
process.env.NODE_ENV ??= 'production';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
