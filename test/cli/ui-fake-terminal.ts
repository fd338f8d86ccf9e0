// Stand-ins for a terminal's streams, so the real Ink reporter can be driven in tests:
// a stdout with a chosen width that records what is written, and a stdin that can type keys.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { stripAnsi } from '../../cli/format/color.js';

export class FakeStdout extends Writable {
  isTTY: boolean;
  chunks: string[] = [];
  constructor(
    public columns = 80,
    options: { isTTY?: boolean } = {},
  ) {
    super({ decodeStrings: false });
    this.isTTY = options.isTTY ?? false;
  }
  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    done();
  }
  /** Everything written, ANSI removed. */
  text(): string {
    return stripAnsi(this.chunks.join(''));
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  rawMode = false;
  private data: string | null = null;
  setRawMode(mode: boolean) {
    this.rawMode = mode;
  }
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = (): string | null => {
    const data = this.data;
    this.data = null;
    return data;
  };
  type(data: string) {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
}

/** Waits until `check` holds, polling the event loop (no fixed sleeps); throws after `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
