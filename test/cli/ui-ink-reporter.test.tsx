import { describe, expect, it, vi } from 'vitest';
import { createInkReporter } from '../../cli/reporters/ink-reporter.js';
import { RunStore } from '../../cli/ui/run-store.js';
import { FakeStdin, FakeStdout, until } from './ui-fake-terminal.js';
import { scriptedRun } from './ui-scripted-run.js';

// Ink reads is-in-ci once, when it loads, and draws no live frames under CI. These tests are about
// the live UI, so they pin a terminal session whatever the machine's CI variables (hoisted above the
// imports). `mfx run` itself picks the plain reporter under CI: test/cli/ui-e2e.test.tsx.
vi.hoisted(() => {
  process.env.CI = 'false';
  process.env.CONTINUOUS_INTEGRATION = 'false';
});

function setup() {
  const stdout = new FakeStdout(80, { isTTY: false });
  const stderr = new FakeStdout(80);
  const stdin = new FakeStdin();
  const calls: string[] = [];
  const reporter = createInkReporter({
    stdout,
    stderr,
    stdin: stdin as unknown as NodeJS.ReadStream,
    color: false,
    onStopRequest: () => calls.push('stop'),
    onInterrupt: () => calls.push('interrupt'),
    store: new RunStore({ intervalMs: 0, tickMs: 0 }),
    patchConsole: false,
  });
  return { stdout, stderr, stdin, calls, reporter };
}

describe('Ink reporter', () => {
  it('draws the run and leaves the final table and run folder on screen after close()', async () => {
    const { stdout, reporter } = setup();
    const { events } = scriptedRun({ baselines: true });
    for (const e of events) reporter.onEvent(e);
    await reporter.close();
    const text = stdout.text();
    expect(text).toContain('missing features, scripted');
    expect(text).toMatch(/pmnist\.unmodified +90\.00 +91\.00 +\+3\.00/);
    expect(text).toContain('run folder: runs/scripted-20261128-120000');
  });

  it('turns q into a stop request and Ctrl-C into an interrupt, and releases raw mode on close', async () => {
    const { stdout, stdin, calls, reporter } = setup();
    const { events, marks } = scriptedRun();
    for (const e of events.slice(0, marks.midEpoch)) reporter.onEvent(e);
    await until(() => stdin.rawMode);
    stdin.type('q');
    await until(() => calls.length === 1);
    stdin.type('\u0003');
    await until(() => calls.length === 2);
    expect(calls).toEqual(['stop', 'interrupt']);
    await until(() => stdout.text().includes('stopping: completed steps are kept'));
    for (const e of events.slice(marks.midEpoch)) reporter.onEvent(e);
    await reporter.close();
    expect(stdin.rawMode).toBe(false);
  });

  it('acts on every key of a chunk: a double Ctrl-C typed during a batch arrives as one read', async () => {
    const { stdin, calls, reporter } = setup();
    const { events, marks } = scriptedRun();
    for (const e of events.slice(0, marks.midEpoch)) reporter.onEvent(e);
    await until(() => stdin.rawMode);
    stdin.type('\u0003\u0003');
    await until(() => calls.length === 2);
    stdin.type('qQ');
    await until(() => calls.length === 4);
    expect(calls).toEqual(['interrupt', 'interrupt', 'stop', 'stop']);
    for (const e of events.slice(marks.midEpoch)) reporter.onEvent(e);
    await reporter.close();
  });

  it('prints other stderr writes above the live part while it is up, and lets go of stderr on close', async () => {
    const { stdout, stderr, reporter } = setup();
    const { events, marks } = scriptedRun();
    for (const e of events.slice(0, marks.midEpoch)) reporter.onEvent(e);
    await until(() => stdout.text().includes('batches'));
    stderr.write('Stopping: scripted notice\n');
    expect(stderr.text()).toBe('Stopping: scripted notice\n');
    await reporter.close();
    expect(Object.prototype.hasOwnProperty.call(stderr, 'write')).toBe(false);
    stderr.write('after\n');
    expect(stderr.text()).toBe('Stopping: scripted notice\nafter\n');
  });

  it('publishes at a bounded rate: a burst of events is drawn as one update', async () => {
    let t = 0;
    const store = new RunStore({ intervalMs: 100, tickMs: 0, now: () => t });
    let published = 0;
    store.subscribe(() => published++);
    const { events, marks } = scriptedRun();
    for (const e of events.slice(0, marks.midEpoch)) store.dispatch(e); // same instant
    expect(published).toBe(1); // the first at once, the rest wait for the trailing update
    expect(store.getSnapshot().state.progress).toBeNull();
    t = 100;
    store.flush();
    expect(store.getSnapshot().state.progress?.batch).toBe(2);
    store.dispose();
  });
});
