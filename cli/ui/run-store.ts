// Holds the folded run state and publishes it to the UI at a bounded rate, so a fast
// training loop never waits on rendering. The first event after a quiet spell is shown at
// once (the UI updates even if the runtime never yields); later ones are coalesced into a
// trailing update. A slow tick refreshes the clocks while no events arrive (evaluation).
import type { RunEvent } from '../../runtime/events.js';
import { initialRunState, reduceRunState, type RunState } from './run-state.js';

/**
 * Least milliseconds between two UI updates. Drawing a frame costs a few milliseconds of the
 * event loop that trains (Ink tokenizes and measures every character), so at most 4 updates
 * a second keep the UI's share of training time near 2% (bench/ui.ts measures it).
 */
export const UPDATE_INTERVAL_MS = 250;

export interface RunSnapshot {
  state: RunState;
  nowMs: number;
  /** The user asked to stop (q or Ctrl-C); the runtime is finishing. */
  stopRequested: boolean;
}

export interface RunStoreOptions {
  now?: () => number;
  /** Least milliseconds between two published snapshots (default UPDATE_INTERVAL_MS). */
  intervalMs?: number;
  /** Clock refresh while idle; 0 disables it. */
  tickMs?: number;
}

export class RunStore {
  private state: RunState = initialRunState;
  private stopRequested = false;
  private snapshot: RunSnapshot;
  private readonly listeners = new Set<() => void>();
  private lastPublish = -Infinity;
  private trailing: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly intervalMs: number;

  constructor(options: RunStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? UPDATE_INTERVAL_MS;
    this.snapshot = { state: this.state, nowMs: this.now(), stopRequested: false };
    const tickMs = options.tickMs ?? 1000;
    if (tickMs > 0) {
      this.ticker = setInterval(() => this.publish(), tickMs);
      this.ticker.unref();
    }
  }

  dispatch(event: RunEvent): void {
    this.state = reduceRunState(this.state, event);
    if (event.type === 'run-end') {
      this.flush();
      return;
    }
    const wait = this.lastPublish + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else if (!this.trailing) {
      this.trailing = setTimeout(() => {
        this.trailing = null;
        this.publish();
      }, wait);
      this.trailing.unref();
    }
  }

  requestStop(): void {
    this.stopRequested = true;
    this.flush();
  }

  /** Publishes the latest state now. */
  flush(): void {
    if (this.trailing) {
      clearTimeout(this.trailing);
      this.trailing = null;
    }
    this.publish();
  }

  private publish(): void {
    this.lastPublish = this.now();
    this.snapshot = { state: this.state, nowMs: this.lastPublish, stopRequested: this.stopRequested };
    for (const listener of this.listeners) listener();
  }

  getSnapshot = (): RunSnapshot => this.snapshot;

  /** The latest folded state, published or not. */
  getState(): RunState {
    return this.state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispose(): void {
    if (this.trailing) clearTimeout(this.trailing);
    if (this.ticker) clearInterval(this.ticker);
    this.trailing = null;
    this.ticker = null;
  }
}
