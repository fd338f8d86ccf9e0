import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // No cross-run state cache unless a test asks for one (--cache DIR): never the user's ~/.cache.
    // One thread per run unless a test asks for --jobs: worker start-up would dominate tiny runs.
    env: { MFX_CACHE_DIR: 'off', MFX_JOBS: '1' },
  },
});
