#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run as they are (no stale build),
// then hands over to cli/main.ts, the only place that prints and exits.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
