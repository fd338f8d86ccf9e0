import { render as inkRender } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { stripAnsi } from '../../cli/format/color.js';
import { ArmList, armListHeight } from '../../cli/ui/components/ArmList.js';
import { otherTrainingLanes, ProgressPanel, progressPanelHeight } from '../../cli/ui/components/ProgressPanel.js';
import { RunView } from '../../cli/ui/components/RunView.js';
import { runFigures } from '../../cli/ui/run-figures.js';
import { initialRunState, reduceRunState, type CurrentStep, type RunState } from '../../cli/ui/run-state.js';
import type { RunEvent } from '../../runtime/events.js';
import { FakeStdout } from './ui-fake-terminal.js';
import { interleavedRun, scriptedRun, START_MS, type ScriptedRun } from './ui-scripted-run.js';

const unmounts: Array<() => void> = [];
afterEach(() => {
  while (unmounts.length) unmounts.pop()!();
});

/** The screen after the scripted events up to `mark`, ANSI stripped. */
function screenAt(run: ScriptedRun, mark: keyof ScriptedRun['marks'], extra: { stopRequested?: boolean; nowMs?: number } = {}): string {
  const state = run.events.slice(0, run.marks[mark]).reduce(reduceRunState, initialRunState);
  const r = render(
    <RunView state={state} nowMs={extra.nowMs ?? START_MS + 5000} columns={100} color={false} stopRequested={extra.stopRequested ?? false} interactive />,
  );
  unmounts.push(r.unmount);
  return stripAnsi(r.lastFrame() ?? '');
}

describe('RunView from a scripted run', () => {
  const run = scriptedRun({ baselines: true });

  it('shows the header with title, file, backend, short plan hash, run folder and subset notice', () => {
    const screen = screenAt(run, 'header');
    expect(screen).toContain('missing features, scripted');
    expect(screen).toContain('examples/scripted.mfx · backend cpu · plan abcdef01 · seed 1');
    expect(screen).toContain('run folder runs/scripted-20261128-120000');
    expect(screen).toContain('subset: first 256 training images, first 100 test images per set (quick look, not a full run)');
    expect(screen).not.toContain('abcdef0123456789');
  });

  it('shows batch progress, images/s, elapsed and ETA mid-epoch', () => {
    const screen = screenAt(run, 'midEpoch', { nowMs: START_MS + 65_000 });
    expect(screen).toMatch(/epoch 1\/2 [█░]+ 2\/4 batches · 1,000 img\/s/);
    expect(screen).toContain('epoch 0.1s elapsed · ETA 0.1s');
    expect(screen).toContain('run 1m05s elapsed · ETA 1.7s · 128/1,792 images (7%)');
    expect(screen).toMatch(/loss [▁-█]{2} 1\.1500/);
    expect(screen).toContain('▶ train 2  ◀ now');
    expect(screen).toContain('nothing frozen · features not inverted');
    expect(screen).toMatch(/· hybrid +·{7} pending/);
  });

  it('marks done steps, highlights the current one with what is frozen and the inversion', () => {
    const screen = screenAt(run, 'hybridTraining');
    expect(screen).toMatch(/✓ baseline +✓✓ done/);
    expect(screen).toContain('✓ eval pmnist.* as pretrained');
    expect(screen).toContain('✓ reset fc*');
    expect(screen).toContain('▶ train 1 (fc1, fc2; inverted relu6)  ◀ now');
    expect(screen).toContain('frozen conv1, conv2 · features inverted (relu6)');
    expect(screen).toContain('· eval pmnist.*');
    expect(screen).toContain('[baseline] epoch 2/2 loss 0.5750');
    expect(screen).toContain('warning [hybrid]: reset of fc1.weight');
  });

  it('fills in the results table as evaluations land, with Delta against the baseline', () => {
    const partial = screenAt(run, 'hybridTraining');
    expect(partial).toContain('results so far');
    expect(partial).toMatch(/pmnist\.unmodified +90\.00 +n\/a +n\/a +n\/a +n\/a/);
    const later = screenAt(run, 'diverged');
    expect(later).toMatch(/pmnist\.unmodified +90\.00 +91\.00 +\+3\.00/);
    expect(later).toMatch(/pmnist\.hcut +60\.00 +50\.00 +-5\.00/);
  });

  it('shows the diverged arm with its reason and the reused step', () => {
    const screen = screenAt(run, 'diverged');
    expect(screen).toContain('✗ alt      ↺✓✗· diverged at epoch 1 batch 3 (loss NaN)');
    expect(screen).toContain('alt (seed 1): diverged at epoch 1 batch 3 (loss NaN)');
    expect(screen).toContain('[alt] reused pretrain 1');
  });

  it('ends with the final table and the run folder', () => {
    const screen = screenAt(run, 'end');
    expect(screen).toMatch(/test set +acc % +acc % +delta +acc % +delta/);
    expect(screen).toMatch(/pmnist\.hcut +60\.00 +50\.00 +-5\.00 +n\/a +n\/a/);
    expect(screen).toContain('run done in 42s');
    expect(screen).toContain('run folder: runs/scripted-20261128-120000');
    expect(screen).not.toContain('q or Ctrl-C');
  });

  it('draws styled spans with colour on, without leaking markers into the screen', () => {
    for (const mark of ['diverged', 'end'] as const) {
      const state = run.events.slice(0, run.marks[mark]).reduce(reduceRunState, initialRunState);
      const r = render(<RunView state={state} nowMs={START_MS} columns={100} color stopRequested={false} interactive />);
      unmounts.push(r.unmount);
      const screen = stripAnsi(r.lastFrame() ?? '');
      expect(screen).not.toMatch(/[\uE000-\uE0FF]/);
      expect(screen).toMatch(/pmnist\.hcut +60\.00 +50\.00 +-5\.00/);
      expect(screen).toContain('[alt] reused pretrain 1');
    }
  });

  it('says that it is stopping once a stop was requested', () => {
    expect(screenAt(run, 'midEpoch', { stopRequested: true })).toContain('stopping: completed steps are kept (Ctrl-C again: quit at once)');
  });

  it('without baselines on run-start, shows accuracy live and Delta only at the end', () => {
    const plain = scriptedRun();
    expect(screenAt(plain, 'diverged')).toContain('results so far (delta at the end)');
    expect(screenAt(plain, 'diverged')).not.toContain('+3.00');
    expect(screenAt(plain, 'end')).toMatch(/pmnist\.unmodified +90\.00 +91\.00 +\+3\.00/);
  });

  it('fits 80 columns at every stage', () => {
    for (const mark of ['header', 'midEpoch', 'hybridTraining', 'diverged', 'end'] as const) {
      const state = run.events.slice(0, run.marks[mark]).reduce(reduceRunState, initialRunState);
      const stdout = new FakeStdout(80);
      const app = inkRender(<RunView state={state} nowMs={START_MS} columns={80} color={false} stopRequested={false} interactive />, {
        stdout: stdout as unknown as NodeJS.WriteStream,
        debug: true,
        patchConsole: false,
      });
      app.unmount();
      // debug mode writes each frame whole, without a separator: check frame by frame.
      const lines = stdout.chunks.flatMap((frame) => stripAnsi(frame).split('\n'));
      const wide = lines.filter((l) => [...l].length > 80);
      expect(wide, `${mark}: lines wider than 80 columns`).toEqual([]);
      expect(lines.length).toBeGreaterThan(3);
    }
  });

  it('fits a short terminal: first lists only the current step, then folds the live table', () => {
    const state = run.events.slice(0, run.marks.hybridTraining).reduce(reduceRunState, initialRunState);
    const at = (rows: number) => {
      const r = render(<RunView state={state} nowMs={START_MS} columns={80} rows={rows} color={false} stopRequested={false} interactive />);
      unmounts.push(r.unmount);
      return stripAnsi(r.lastFrame() ?? '');
    };
    const tall = at(40);
    expect(tall).toContain('✓ freeze conv*');
    expect(tall).toMatch(/pmnist\.hcut +60\.00/);
    const medium = at(25);
    expect(medium).not.toContain('✓ freeze conv*');
    expect(medium).toContain('▶ train 1 (fc1, fc2; inverted relu6)  ◀ now');
    expect(medium).toMatch(/pmnist\.hcut +60\.00/);
    const short = at(18);
    expect(short).not.toMatch(/pmnist\.hcut +60\.00/);
    expect(short).toContain('2 of 6 cells filled; the terminal is too short for the table (shown at the end)');
  });

  it('with repeats, shows which seed an arm is on and does not call it done between seeds', () => {
    const start = { ...(run.events[0] as Extract<RunEvent, { type: 'run-start' }>), seeds: [1, 2] };
    const events: RunEvent[] = [
      start,
      { type: 'arm-start', arm: 'baseline', seed: 1 },
      { type: 'arm-end', arm: 'baseline', seed: 1, status: 'done' },
      { type: 'arm-start', arm: 'hybrid', seed: 1 },
      { type: 'step-start', arm: 'hybrid', seed: 1, step: 0, kind: 'train', text: 'pretrain 1', frozen: [], inverted: null, epochs: 1 },
    ];
    const state = events.reduce(reduceRunState, initialRunState);
    const r = render(<RunView state={state} nowMs={START_MS} columns={80} color={false} stopRequested={false} interactive />);
    unmounts.push(r.unmount);
    const screen = stripAnsi(r.lastFrame() ?? '');
    expect(screen).toMatch(/· baseline +✓✓ seed 1 done, 1\/2 seeds ended, next seed waiting/);
    expect(screen).toContain('▶ hybrid   running seed 1 (0/2 seeds ended)');
    expect(screen).toContain('2 seeds (1..2)');
  });

  it('wraps arm column groups into a second block when the table is too wide', () => {
    const events: RunEvent[] = [...run.events];
    const end = events[events.length - 1] as Extract<RunEvent, { type: 'run-end' }>;
    const columns = [0, 1, 2, 3, 4].map((i) => ({ ...end.results.table.columns[1], arm: `hybrid-variant-${i}` }));
    events[events.length - 1] = { ...end, results: { ...end.results, table: { ...end.results.table, columns } } };
    const state = events.reduce(reduceRunState, initialRunState);
    const r = render(<RunView state={state} nowMs={START_MS} columns={80} color={false} stopRequested={false} interactive />);
    unmounts.push(r.unmount);
    const screen = stripAnsi(r.lastFrame() ?? '');
    expect(screen.match(/^test set/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(screen).toContain('hybrid-variant-4');
  });
});

describe('RunView with two arms training at once (--jobs 2)', () => {
  const run = interleavedRun();
  const stateAt = (mark: keyof typeof run.marks, events = run.events, marks = run.marks): RunState =>
    events.slice(0, marks[mark]).reduce(reduceRunState, initialRunState);
  const draw = (node: React.ReactElement) => {
    const r = render(node);
    unmounts.push(r.unmount);
    return stripAnsi(r.lastFrame() ?? '');
  };
  const view = (state: RunState, columns = 100, rows = 0) =>
    draw(<RunView state={state} nowMs={START_MS + 5000} columns={columns} rows={rows} color={false} stopRequested={false} interactive />);

  it('shows the focus bar named by its arm, an `also` line for the other arm, and marks both current steps', () => {
    const screen = view(stateAt('bothTraining'));
    // inverted sent the last batch; the bar still belongs to baseline.
    expect(screen).toMatch(/^baseline · epoch 2\/3 [█░]+ 2\/4 batches · 1,000 img\/s$/m);
    expect(screen).toContain('also inverted · epoch 1/3 · 2/4 batches · 3,000 img/s');
    expect(screen).toContain('run 5.0s elapsed · ETA 0.3s · 512/1,536 images (33%)');
    expect(screen.match(/◀ now/g)).toHaveLength(2);
    expect(screen).toContain('▶ train 3  ◀ now');
    expect(screen).toContain('▶ train 3 (fc1, fc2; inverted relu6)  ◀ now');
    expect(screen).toContain('nothing frozen · features not inverted');
    expect(screen).toContain('frozen conv1, conv2 · features inverted (relu6)');
    expect(screen).toMatch(/▶ baseline +running/);
    expect(screen).toMatch(/▶ inverted +running/);
  });

  it('hands the bar to the arm still training while the other evaluates, without an `also` line', () => {
    const screen = view(stateAt('baselineEvaluating'));
    expect(screen).toMatch(/^inverted · epoch 3\/3 [█░]+ 1\/4 batches · 3,000 img\/s$/m);
    expect(screen).not.toContain('also ');
    expect(screen).toContain('▶ eval pmnist.*  ◀ now');
    // One lane left: no name on the bar.
    expect(view(stateAt('baselineDone'))).toMatch(/^epoch 3\/3 [█░]+ 1\/4 batches · 3,000 img\/s$/m);
  });

  it('names seeds on the bar, the `also` line and the arm line when several seeds run', () => {
    const seeded = interleavedRun({ seeds: [1, 2] });
    const screen = view(stateAt('bothTraining', seeded.events, seeded.marks));
    expect(screen).toMatch(/^baseline seed 1 · epoch 2\/3/m);
    expect(screen).toContain('also inverted seed 1 · epoch 1/3 · 2/4 batches · 3,000 img/s');
    const start = { ...(seeded.events[0] as Extract<RunEvent, { type: 'run-start' }>) };
    const twoSeeds = [start, ...[1, 2].flatMap((seed): RunEvent[] => [
      { type: 'arm-start', arm: 'baseline', seed },
      { type: 'step-start', arm: 'baseline', seed, step: 0, kind: 'train', text: 'train 3', frozen: [], inverted: null, epochs: 3 },
    ])].reduce(reduceRunState, initialRunState);
    const both = view(twoSeeds);
    expect(both).toContain('▶ baseline running seeds 1, 2 (0/2 seeds ended)');
    expect(both).toContain('▶ train 3  ◀ now (seeds 1, 2)');
    expect(both).toContain('also baseline seed 2 · train 3 · starting');
  });

  it('counts every marked step, conditions line and `also` line in the heights it fits the terminal with', () => {
    for (const mark of ['bothTraining', 'baselineEvaluating', 'baselineDone'] as const) {
      const state = stateAt(mark);
      const current = state.lanes.flatMap((l): CurrentStep[] => (l.current ? [l.current] : []));
      const expanded = [...new Set(state.lanes.map((l) => l.arm))];
      for (const steps of ['all', 'current'] as const) {
        const list = draw(<ArmList arms={state.arms} current={current} seedCount={1} color={false} expanded={expanded} steps={steps} />);
        expect(list.split('\n'), `${mark} ${steps}`).toHaveLength(armListHeight(state.arms, current, expanded, steps));
      }
      const others = otherTrainingLanes(state.lanes);
      const panel = draw(
        <ProgressPanel progress={state.progress} figures={runFigures(state, START_MS)} losses={state.losses} columns={80} color={false} others={others} focusLabel="x" />,
      );
      expect(panel.split('\n'), mark).toHaveLength(progressPanelHeight(state.progress, others));
    }
    // A terminal just tall enough for every step with two arms at once lists them all; one row less, only the current ones.
    const state = stateAt('bothTraining');
    const liveRows = (screen: string) => screen.split('\n').length - screen.split('\n').indexOf('▶ baseline running');
    const tall = view(state, 80, 40);
    const needed = liveRows(tall) + 2;
    expect(view(state, 80, needed)).toContain('✓ freeze conv*');
    const short = view(state, 80, needed - 1);
    expect(short).not.toContain('freeze conv*');
    expect(short).toContain('also inverted');
  });

  it('fits 80 columns with the `also` line', () => {
    const stdout = new FakeStdout(80);
    const app = inkRender(<RunView state={stateAt('bothTraining')} nowMs={START_MS} columns={80} color={false} stopRequested={false} interactive />, {
      stdout: stdout as unknown as NodeJS.WriteStream,
      debug: true,
      patchConsole: false,
    });
    app.unmount();
    const lines = stdout.chunks.flatMap((frame) => stripAnsi(frame).split('\n'));
    expect(lines.some((l) => l.startsWith('also inverted'))).toBe(true);
    expect(lines.filter((l) => [...l].length > 80)).toEqual([]);
  });
});
