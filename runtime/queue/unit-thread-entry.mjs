// Plain-JS entry of an `mfx worker` unit thread when mfx runs from its TypeScript sources (tests,
// benchmarks); the compiled dist/ starts unit-thread.js directly (see runtime/run/workers/worker-entry.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./unit-thread.ts');
