import { describe, expect, it } from 'vitest';
import { markupPaint, paint, stripAnsi, toneSegments } from '../../cli/format/color.js';
import { formatResultsTable } from '../../cli/format/results-table.js';
import { summarize } from '../../runtime/results/stats.js';
import { createReporter } from '../../cli/reporters/index.js';
import { createPlainReporter } from '../../cli/reporters/plain-reporter.js';
import type { CliContext } from '../../cli/context.js';
import { FakeStdout } from './ui-fake-terminal.js';
import { interleavedRun, scriptedRun } from './ui-scripted-run.js';

function context(columns = 80): { ctx: CliContext; out: FakeStdout; err: FakeStdout } {
  const out = new FakeStdout(columns);
  const err = new FakeStdout(columns);
  return { ctx: { stdout: out, stderr: err, setExitCode: () => undefined }, out, err };
}

describe('plain reporter', () => {
  const { events } = scriptedRun({ baselines: true });

  function plainOutput(options: { every?: number; color?: boolean; clock?: number[] } = {}) {
    const out = new FakeStdout(80);
    let t = 0;
    const reporter = createPlainReporter({
      out,
      paint: paint(options.color ?? false),
      width: 80,
      now: () => (t += options.clock ? 0 : 1000),
      progressEverySec: options.every ?? 5,
    });
    for (const e of events) reporter.onEvent(e);
    return out;
  }

  it('writes one line per step, epoch, evaluation and arm, tagged with the arm', () => {
    const text = plainOutput().text();
    expect(text).toContain('[baseline] step 1/2 train 2 · nothing frozen · features not inverted');
    expect(text).toContain('[baseline] epoch 1/2 loss 1.1500 · 0.3s · 1,000 img/s');
    expect(text).toContain('[baseline] eval final pmnist.hcut 60.00% (100 images)');
    expect(text).toContain('[hybrid] step 6/7 train 1 (fc1, fc2; inverted relu6) · frozen conv1, conv2 · features inverted (relu6)');
    expect(text).toContain('[hybrid] epoch 1/1 loss 0.5000 · 0.1s · 2,000 img/s · inverted');
    expect(text).toContain('[alt] reused pretrain 1');
    expect(text).toContain('[alt] arm diverged at epoch 1 batch 3 (loss NaN)');
    expect(text).toContain('warning [hybrid]: reset of fc1.weight');
    // freeze/invert/reset get their step-start line only, not a second "done" line.
    expect(text.match(/\[hybrid\].*freeze conv\*/g)).toHaveLength(1);
  });

  it('prints batch progress at most once per interval', () => {
    const frequent = plainOutput({ every: 1 }).text(); // clock advances 1 s per call
    expect(frequent).toMatch(/\[baseline\] epoch 1\/2 batch 2\/4 · loss 1\.1500 · 1,000 img\/s/);
    const never = plainOutput({ every: 1000 }).text();
    expect(never).not.toContain('batch 2/4');
  });

  it('throttles batch progress per arm, so two arms training at once (--jobs) both get progress lines', () => {
    const out = new FakeStdout(80);
    let t = 0;
    const reporter = createPlainReporter({ out, paint: paint(false), width: 80, now: () => t, progressEverySec: 2 });
    // One second between batches; the arms alternate, so each arm sends a batch every two seconds.
    for (const e of interleavedRun().events) {
      if (e.type === 'batch') t += 1000;
      reporter.onEvent(e);
    }
    const text = out.text();
    expect(text).toMatch(/^\[baseline\] epoch 2\/3 batch 2\/4 · loss 0\.5000 · 1,000 img\/s$/m);
    expect(text).toMatch(/^\[inverted\] epoch 1\/3 batch 2\/4 · loss 1\.5000 · 3,000 img\/s$/m);
    expect(text).toContain('[baseline] epoch 3/3 batch 2/4');
    expect(text).toContain('[inverted] epoch 2/3 batch 2/4');
  });

  it('ends with the final table in the talk layout and the run folder', () => {
    const text = plainOutput().text();
    expect(text).toMatch(/ +baseline +hybrid +alt\n/);
    expect(text).toMatch(/test set +acc % +acc % +delta +acc % +delta\n/);
    expect(text).toMatch(/pmnist\.unmodified +90\.00 +91\.00 +\+3\.00 +n\/a +n\/a\n/);
    expect(text).toContain('delta: accuracy points over hybrid → hybrid@pretrained, alt → baseline@final');
    expect(text).toContain('run done in 42s');
    expect(text.trimEnd().endsWith('run folder: runs/scripted-20261128-120000')).toBe(true);
  });

  it('colours Delta green and red only when colour is on', () => {
    const coloured = plainOutput({ color: true }).chunks.join('');
    expect(coloured).toContain('\u001b[32m+3.00\u001b[39m');
    expect(coloured).toContain('\u001b[31m-5.00\u001b[39m');
    expect(plainOutput({ color: false }).chunks.join('')).not.toContain('\u001b[');
  });
});

describe('json reporter', () => {
  it('writes each event as one JSON line, identical to events.jsonl', () => {
    const { events } = scriptedRun();
    const { ctx, out } = context();
    const reporter = createReporter({ kind: 'json' }, ctx);
    for (const e of events) reporter.onEvent(e);
    const lines = out.chunks.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(events.length);
    expect(lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(JSON.stringify(events)));
  });
});

describe('quiet reporter', () => {
  it('prints only the final table and run folder, warnings go to stderr', () => {
    const { events } = scriptedRun();
    const { ctx, out, err } = context();
    const reporter = createReporter({ kind: 'quiet' }, ctx);
    for (const e of events.slice(0, -1)) reporter.onEvent(e);
    expect(out.chunks).toEqual([]);
    reporter.onEvent(events[events.length - 1]);
    const text = out.text();
    expect(text.split('\n')[0]).toBe('missing features, scripted');
    expect(text).toMatch(/pmnist\.hcut +60\.00 +50\.00 +-5\.00/);
    expect(text).toContain('run folder: runs/scripted-20261128-120000');
    expect(text).not.toContain('loss 1.1500');
    expect(err.text()).toContain('warning [hybrid]: reset of fc1.weight');
  });
});

describe('colour choice', () => {
  it('follows NO_COLOR, then FORCE_COLOR, then the terminal', async () => {
    const { shouldUseColor } = await import('../../cli/format/color.js');
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldUseColor({ isTTY: false }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(stripAnsi(paint(true).green('x'))).toBe('x');
  });

  it('marks styled spans for the Ink UI and reads them back', () => {
    const line = `a ${markupPaint.green('+3.00')} b ${markupPaint.red('-5.00')}`;
    expect(toneSegments(line)).toEqual([
      { text: 'a ', tone: null },
      { text: '+3.00', tone: 'green' },
      { text: ' b ', tone: null },
      { text: '-5.00', tone: 'red' },
    ]);
    expect(toneSegments('plain')).toEqual([{ text: 'plain', tone: null }]);
  });
});

describe('results table with repeats', () => {
  it('shows mean ± std over seeds for accuracy and Delta', () => {
    const lines = formatResultsTable(
      {
        testSets: ['pmnist.tcut'],
        columns: [
          {
            arm: 'hybrid',
            label: 'final',
            baseline: { arm: 'hybrid', label: 'pretrained', reason: 'snapshot' },
            status: { '1': 'done', '2': 'done', '3': 'done' },
            cells: { 'pmnist.tcut': { accuracy: summarize([0.4, 0.41, 0.42]), delta: summarize([0.06, 0.07, 0.05]) } },
          },
        ],
      },
      { width: 80, paint: paint(false) },
    );
    expect(lines.join('\n')).toMatch(/pmnist\.tcut +41\.00 ± 1\.00 +\+6\.00 ± 1\.00/);
    expect(lines).toContain('mean ± std over 3 seeds');
  });
});
