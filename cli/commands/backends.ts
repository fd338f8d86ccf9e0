// `mfx backends`: every TensorFlow.js backend, whether it loads here, why not (with the remedy),
// and the device it would use, so a user knows why the GPU is or is not used.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { summary } from '../../runtime/backend/errors.js';
import type { BackendInventory } from '../../runtime/backend/inventory.js';
import { backendRemedy } from '../format/backend-problem.js';

export function formatInventory(inv: BackendInventory): string {
  const width = Math.max(...inv.backends.map((b) => b.name.length)) + 2;
  const lines: string[] = [];
  for (const b of inv.backends) {
    const head = b.name.padEnd(width);
    if (b.problem === null) {
      lines.push(`${head}yes  ${b.device ?? ''}`);
    } else {
      lines.push(`${head}no   ${summary(b.problem)}`);
      lines.push(`${' '.repeat(width + 5)}${backendRemedy(b.name, b.problem)}`);
    }
  }
  lines.push('');
  lines.push(`--backend auto picks: ${inv.auto ?? 'nothing (no backend loads)'}`);
  const s = inv.system;
  if (s.checked) {
    lines.push(`Vulkan loader: ${s.vulkanLoader ?? 'not found (libvulkan.so.1)'}`);
    lines.push(`Vulkan driver files (ICD): ${s.icdFiles.length > 0 ? s.icdFiles.join(', ') : 'none'}`);
    lines.push(`NVIDIA kernel driver: ${s.nvidiaDriver ?? 'not loaded'}`);
  }
  if (inv.softwareAllowed) lines.push('MFX_WEBGPU_ALLOW_SOFTWARE=1 is set (for tests only): webgpu runs on OpenGL and accepts a software renderer.');
  return `${lines.join('\n')}\n`;
}

export function registerBackends(program: Command, ctx: CliContext): void {
  program
    .command('backends')
    .description('list the TensorFlow.js backends: whether each loads here, why not, and the device it would use')
    .option('--json', 'print the inventory as JSON')
    .action(async (flags: { json?: boolean }) => {
      // Loaded here, not at the top: it loads TensorFlow.js and the GPU bindings.
      const { inventoryBackends } = await import('../../runtime/backend/inventory.js');
      const inv = await inventoryBackends(process.env);
      ctx.stdout.write(flags.json ? `${JSON.stringify(inv, null, 2)}\n` : formatInventory(inv));
    });
}
