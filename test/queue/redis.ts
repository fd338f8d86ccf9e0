// A real redis-server for queue tests: on a free loopback port, with its files in a temporary
// folder, started and stopped by the test. Tests skip (saying why) only where redis-server is
// not installed; CI installs it (.ci/run).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REDIS_MISSING: string | null =
  spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0 ? null : 'redis-server is not installed (apt-get install redis-server; .ci/run installs it)';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface TestRedis {
  port: number;
  dir: string;
  /** redis://[:password@]127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port and folder (with `aof`, the data survives). */
  restart(): Promise<void>;
}

function launch(args: string[]): Promise<ChildProcess> {
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise<ChildProcess>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)));
    child.on('error', reject);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts redis-server on 127.0.0.1 and resolves once it accepts connections. */
export async function startRedis(opts: { password?: string; aof?: boolean } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mfx-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction'];
  args.push('--appendonly', opts.aof ? 'yes' : 'no', '--appendfsync', 'always');
  if (opts.password) args.push('--requirepass', opts.password);
  let child = await launch(args);
  return {
    port,
    dir,
    url: `redis://${opts.password ? `:${opts.password}@` : ''}127.0.0.1:${port}`,
    stop: () => stopChild(child),
    restart: async () => {
      await stopChild(child);
      child = await launch(args);
    },
  };
}
