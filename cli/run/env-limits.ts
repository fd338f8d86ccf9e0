// Size bounds given in MiB through the environment (MFX_FEATURE_CACHE_MB, MFX_CACHE_MB), as bytes.
// Unset, blank or not a non-negative number: null, and the runtime's default applies.
export function megabytesFromEnv(env: Record<string, string | undefined>, name: string): number | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  const mb = Number(raw);
  return Number.isFinite(mb) && mb >= 0 ? Math.floor(mb * 1024 * 1024) : null;
}
