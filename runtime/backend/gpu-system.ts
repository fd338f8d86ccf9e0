// What a Linux machine offers Dawn before Dawn is asked: the Vulkan loader, the Vulkan driver
// (ICD) files, and the NVIDIA kernel driver. Reading these first lets `mfx backends` and a failed
// `--backend webgpu` say which piece is missing, and spares Dawn's own loader warning on stderr.
// Other platforms reach their GPU without these (Metal, Direct3D), so nothing is checked there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface GpuSystem {
  /** False off Linux: the other fields are then not looked at. */
  checked: boolean;
  /** Where libvulkan.so.1 is, or null when it is not installed. */
  vulkanLoader: string | null;
  /** Vulkan driver manifests (ICD JSON files) the loader would read. */
  icdFiles: string[];
  /** The NVIDIA kernel driver's version line, or null when none is loaded. */
  nvidiaDriver: string | null;
}

const LOADER = 'libvulkan.so.1';
const LIBRARY_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib', '/usr/local/lib'];

function splitPath(value: string | undefined): string[] {
  return (value ?? '').split(':').filter((p) => p.length > 0);
}

/** The loader as the dynamic linker would find it: LD_LIBRARY_PATH, the ld.so cache, the usual directories. */
function findVulkanLoader(env: NodeJS.ProcessEnv): string | null {
  for (const dir of splitPath(env.LD_LIBRARY_PATH)) {
    if (existsSync(join(dir, LOADER))) return join(dir, LOADER);
  }
  try {
    // The cache is binary, but the library paths in it are plain NUL-terminated strings.
    const cached = readFileSync('/etc/ld.so.cache', 'latin1').match(/\/[^\0]*\/libvulkan\.so\.1(?=\0)/);
    if (cached && existsSync(cached[0])) return cached[0];
  } catch {
    // no cache: fall through to the directories
  }
  for (const dir of LIBRARY_DIRS) {
    if (existsSync(join(dir, LOADER))) return join(dir, LOADER);
  }
  return null;
}

/** The ICD manifests, in the loader's search order (VK_DRIVER_FILES / VK_ICD_FILENAMES override it). */
function findIcdFiles(env: NodeJS.ProcessEnv): string[] {
  const explicit = splitPath(env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES);
  if (explicit.length > 0) return explicit.filter((f) => existsSync(f));
  const dataDirs = splitPath(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share');
  const dirs = [join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'vulkan/icd.d'), '/etc/xdg/vulkan/icd.d', '/etc/vulkan/icd.d', join(env.XDG_DATA_HOME ?? join(homedir(), '.local/share'), 'vulkan/icd.d'), ...dataDirs.map((d) => join(d, 'vulkan/icd.d'))];
  const files: string[] = [];
  for (const dir of new Set(dirs)) {
    try {
      for (const name of readdirSync(dir).sort()) if (name.endsWith('.json')) files.push(join(dir, name));
    } catch {
      // directory absent
    }
  }
  return files;
}

function nvidiaDriverVersion(): string | null {
  try {
    const line = readFileSync('/proc/driver/nvidia/version', 'utf8').split('\n')[0].trim();
    return line.length > 0 ? line.replace(/\s+/g, ' ') : null;
  } catch {
    return null;
  }
}

export function inspectGpuSystem(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): GpuSystem {
  if (platform !== 'linux') return { checked: false, vulkanLoader: null, icdFiles: [], nvidiaDriver: null };
  return { checked: true, vulkanLoader: findVulkanLoader(env), icdFiles: findIcdFiles(env), nvidiaDriver: nvidiaDriverVersion() };
}
