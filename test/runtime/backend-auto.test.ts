// `--backend auto` takes webgpu only on a hardware adapter; otherwise it falls back and says why
// in one line. (On a machine with a usable GPU it picks webgpu with no notice about webgpu.)
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../runtime/backend/select.js';
import { findAdapter } from '../../runtime/backend/webgpu.js';

describe('auto backend', () => {
  it('falls back from webgpu with a one-line notice naming the missing piece, or uses it', async () => {
    delete process.env.MFX_WEBGPU_ALLOW_SOFTWARE;
    const gpu = await findAdapter(process.env);
    const active = await initBackend('auto');
    if (gpu.ok) {
      expect(active.name).toBe('webgpu');
    } else {
      expect(active.name).not.toBe('webgpu');
      const line = active.notices.find((n) => n.startsWith('backend webgpu not used'));
      expect(line).toMatch(/^backend webgpu not used \(.+\); see `mfx backends`$/);
      expect(line).not.toMatch(/\n/);
    }
  }, 60_000);
});
