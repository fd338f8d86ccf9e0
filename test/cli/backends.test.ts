// `mfx backends` and the wording of backend problems: what is missing and how to get it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInventory } from '../../cli/commands/backends.js';
import { backendProblemText } from '../../cli/format/backend-problem.js';
import type { BackendInventory } from '../../runtime/backend/inventory.js';
import { inspectGpuSystem } from '../../runtime/backend/gpu-system.js';
import { main } from '../../cli/main.js';

function capture() {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, text: () => text };
}

describe('backend problems', () => {
  it('tell a user with no Vulkan loader what to install, and note a loaded NVIDIA driver', () => {
    const text = backendProblemText('webgpu', { kind: 'no-vulkan-loader', nvidiaDriver: 'NVRM version: 580.1' });
    expect(text).toMatch(/^The webgpu backend is not available: no Vulkan loader \(libvulkan\.so\.1\)/);
    expect(text).toMatch(/apt-get install libvulkan1/);
    expect(text).toMatch(/NVRM version: 580\.1/);
  });

  it('point an NVIDIA driver without its Vulkan part at the ICD file and container capabilities', () => {
    const text = backendProblemText('webgpu', { kind: 'no-gpu-driver', nvidiaDriver: 'NVRM version: 580.1' });
    expect(text).toMatch(/nvidia_icd\.json/);
    expect(text).toMatch(/NVIDIA_DRIVER_CAPABILITIES/);
  });

  it('say that a software renderer is not used and wasm is faster', () => {
    expect(backendProblemText('webgpu', { kind: 'software-adapter', adapter: 'llvmpipe' })).toMatch(/llvmpipe, a software renderer.*--backend wasm/);
  });

  it('state the real requirements of tfjs-node-gpu', () => {
    const text = backendProblemText('tensorflow-gpu', { kind: 'package-missing', packages: ['@tensorflow/tfjs-node-gpu'] });
    expect(text).toMatch(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
    expect(text).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
  });
});

describe('mfx backends', () => {
  it('lists each backend with yes and its device, or no with the reason and remedy', () => {
    const inv: BackendInventory = {
      backends: [
        { name: 'webgpu', problem: { kind: 'no-adapter', icdFiles: ['/usr/share/vulkan/icd.d/nvidia_icd.json'], nvidiaDriver: null }, device: null, adapter: null },
        { name: 'wasm', problem: null, device: 'CPU through WebAssembly', adapter: null },
      ],
      auto: 'wasm',
      system: { checked: true, vulkanLoader: '/usr/lib/x86_64-linux-gnu/libvulkan.so.1', icdFiles: ['/usr/share/vulkan/icd.d/nvidia_icd.json'], nvidiaDriver: null },
      softwareAllowed: false,
    };
    const text = formatInventory(inv);
    expect(text).toMatch(/^webgpu {2}no {3}Dawn found no GPU adapter\n {13}Vulkan drivers are registered \(\/usr\/share\/vulkan\/icd\.d\/nvidia_icd\.json\)/);
    expect(text).toMatch(/\nwasm {4}yes {2}CPU through WebAssembly\n/);
    expect(text).toMatch(/--backend auto picks: wasm/);
    expect(text).toMatch(/Vulkan loader: \/usr\/lib\/x86_64-linux-gnu\/libvulkan\.so\.1/);
  });

  it('runs from the command line and names every backend and auto\'s pick', async () => {
    const out = capture();
    const err = capture();
    const code = await main(['backends', '--json'], { stdout: out.stream as never, stderr: err.stream as never });
    expect(code).toBe(0);
    const inv = JSON.parse(out.text()) as BackendInventory;
    expect(inv.backends.map((b) => b.name)).toEqual(['webgpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(inv.backends.find((b) => b.name === 'cpu')!.problem).toBeNull();
    expect(inv.auto).not.toBeNull();
  }, 60_000);
});

describe('GPU system inspection', () => {
  it('finds the Vulkan loader on LD_LIBRARY_PATH and the ICD files VK_ICD_FILENAMES names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfx-vk-'));
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    const icd = join(dir, 'nvidia_icd.json');
    writeFileSync(icd, '{}');
    const s = inspectGpuSystem({ LD_LIBRARY_PATH: dir, VK_ICD_FILENAMES: `${icd}:${join(dir, 'absent.json')}` }, 'linux');
    expect(s.vulkanLoader).toBe(join(dir, 'libvulkan.so.1'));
    expect(s.icdFiles).toEqual([icd]);
  });

  it('checks nothing off Linux', () => {
    expect(inspectGpuSystem({}, 'darwin').checked).toBe(false);
  });
});
