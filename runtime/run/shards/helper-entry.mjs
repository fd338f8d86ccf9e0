// Plain-JS entry of a shard helper thread when mfx runs from its TypeScript sources (tests,
// benchmarks; the compiled dist/ starts worker.js directly): Node 20 checks a worker's entry file before tsx's
// loader hooks apply, so the TypeScript worker is loaded from here after registering tsx.
import { register } from 'tsx/esm/api';

register();
await import('./helper.ts');
