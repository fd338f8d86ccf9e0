import { describe, expect, it } from 'vitest';
import { megabytesFromEnv } from '../../cli/run/env-limits.js';

describe('megabytesFromEnv', () => {
  it('reads the frozen-feature cache limit from MFX_FEATURE_CACHE_MB', () => {
    const limit = (env: Record<string, string>) => megabytesFromEnv(env, 'MFX_FEATURE_CACHE_MB');
    expect(limit({})).toBeNull();
    expect(limit({ MFX_FEATURE_CACHE_MB: '0' })).toBe(0);
    expect(limit({ MFX_FEATURE_CACHE_MB: '2' })).toBe(2 * 1024 * 1024);
    expect(limit({ MFX_FEATURE_CACHE_MB: 'lots' })).toBeNull();
  });

  it('reads the cross-run cache limit from MFX_CACHE_MB', () => {
    const limit = (env: Record<string, string>) => megabytesFromEnv(env, 'MFX_CACHE_MB');
    expect(limit({ MFX_CACHE_MB: '256' })).toBe(256 * 1024 * 1024);
    expect(limit({ MFX_CACHE_MB: 'lots' })).toBeNull();
    expect(limit({})).toBeNull();
  });
});
