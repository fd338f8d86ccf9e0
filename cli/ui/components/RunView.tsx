// The whole live screen, pure over its props: finished lines (header, epochs, step ends,
// warnings) go to <Static> and scroll up once; the live part below is redrawn in place.
import { Box, Static, Text } from 'ink';
import type { ReactNode } from 'react';
import { markupPaint, paint as makePaint, toneSegments } from '../../format/color.js';
import { armEndLine, epochLine, headerLines, stepEndLine, warningLine, whoTag } from '../../format/event-lines.js';
import { finalSummaryLines } from '../../format/final-summary.js';
import { formatResultsTable } from '../../format/results-table.js';
import { liveResultsTable } from '../live-table.js';
import { runFigures } from '../run-figures.js';
import { focusLane, type CurrentStep, type LogEntry, type RunState } from '../run-state.js';
import { ArmList, armListHeight } from './ArmList.js';
import { laneName, otherTrainingLanes, ProgressPanel, progressPanelHeight } from './ProgressPanel.js';

export interface RunViewProps {
  state: RunState;
  nowMs: number;
  columns: number;
  /** Terminal rows; the live part shrinks to fit (a taller one makes Ink redraw the whole screen). 0: no limit. */
  rows?: number;
  color: boolean;
  stopRequested: boolean;
  /** Whether keys work (stdin is a terminal): decides the key hint. */
  interactive: boolean;
}

type StaticItem = { id: string; lines: string[] };

/** Log entries worth a permanent line in the terminal; the rest is shown live. */
function logLines(entry: LogEntry, state: RunState, p: ReturnType<typeof makePaint>): string[] | null {
  const e = entry.event;
  const seeds = state.header?.seeds.length ?? 1;
  switch (e.type) {
    case 'epoch-end':
      return [`${whoTag(e.arm, e.seed, seeds)} ${epochLine(e)}`];
    case 'step-end': {
      const step = state.arms.find((a) => a.name === e.arm)?.steps.find((s) => s.index === e.step);
      if (e.status === 'done' && step && step.epochs === 0 && step.kind !== 'eval') return null;
      return [`${whoTag(e.arm, e.seed, seeds)} ${stepEndLine(e, step?.text ?? null, p)}`];
    }
    case 'warning':
      return [warningLine(e, p, seeds)];
    case 'arm-end':
      return [`${whoTag(e.arm, e.seed, seeds)} ${armEndLine(e, p)}`];
    default:
      return null;
  }
}

// Log entries never change once folded, so their lines are formatted once (per colour choice).
const formatted = [new WeakMap<LogEntry, StaticItem | null>(), new WeakMap<LogEntry, StaticItem | null>()];

function staticItems(state: RunState, p: ReturnType<typeof makePaint>): StaticItem[] {
  if (!state.header) return [];
  const cache = formatted[p.enabled ? 1 : 0];
  const items: StaticItem[] = [{ id: 'header', lines: [...headerLines(state.header, p), ''] }];
  for (const entry of state.log) {
    let item = cache.get(entry);
    if (item === undefined) {
      const lines = logLines(entry, state, p);
      item = lines ? { id: `log-${entry.id}`, lines } : null;
      cache.set(entry, item);
    }
    if (item) items.push(item);
  }
  return items;
}

const TONE_PROPS: Record<string, { color?: string; dimColor?: boolean; bold?: boolean }> = {
  green: { color: 'green' },
  red: { color: 'red' },
  yellow: { color: 'yellow' },
  cyan: { color: 'cyan' },
  dim: { dimColor: true },
  bold: { bold: true },
};

/** A line from markupPaint drawn with Ink styles (plain lines pass through). */
function StyledLine({ line, truncate = false }: { line: string; truncate?: boolean }) {
  if (line === '') return <Text> </Text>;
  return (
    <Text wrap={truncate ? 'truncate-end' : 'wrap'}>
      {toneSegments(line).map((s, i) => (
        <Text key={i} {...(s.tone ? TONE_PROPS[s.tone] : {})}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

export function RunView({ state, nowMs, columns, rows = 0, color, stopRequested, interactive }: RunViewProps) {
  // Styled spans as markers drawn with Ink props, not ANSI strings (see markupPaint).
  const p = color ? markupPaint : makePaint(false);
  const width = Math.max(40, columns);
  const seeds = state.header?.seeds.length ?? 1;
  const items = staticItems(state, p);
  const figures = runFigures(state, nowMs);

  let live: ReactNode;
  if (!state.header) {
    live = <Text dimColor>starting…</Text>;
  } else if (state.end) {
    const end = { type: 'run-end' as const, ...state.end };
    live = (
      <Box flexDirection="column">
        <ArmList arms={state.arms} current={[]} seedCount={seeds} color={color} expanded={[]} />
        <Text> </Text>
        {finalSummaryLines(end, state.header.runDir, { width, paint: p }).map((line, i) => (
          <StyledLine key={i} line={line} />
        ))}
      </Box>
    );
  } else {
    const table = liveResultsTable({
      arms: state.arms.map((a) => a.name),
      testSets: state.testSets,
      seeds: state.header.seeds,
      evals: state.evals,
      baselines: state.baselines,
      reportLabels: state.reportLabels,
      headLabels: state.headLabels,
      armStatus: state.armOutcomes,
    });
    const hasResults = table.columns.some((c) => Object.keys(c.cells).length > 0);
    // Every arm with a lane in progress is expanded (several with --jobs), in start order.
    const laneArms = [...new Set(state.lanes.map((l) => l.arm))];
    const fallback = state.arms.find((a) => a.status === 'running')?.name;
    const expanded = laneArms.length > 0 ? laneArms : fallback ? [fallback] : [];
    const currentSteps = state.lanes.flatMap((l): CurrentStep[] => (l.current ? [l.current] : []));
    const focus = focusLane(state.lanes);
    const others = otherTrainingLanes(state.lanes);
    const lastWarning = state.warnings[state.warnings.length - 1];
    const tableLines = hasResults ? formatResultsTable(table, { width, paint: p }) : [];
    // Fit the terminal: first list only the current steps, then fold the table to one line.
    const fixed = 1 + 1 + progressPanelHeight(state.progress, others) + (lastWarning ? 1 : 0) + 2;
    const height = (steps: 'all' | 'current', tableHeight: number) =>
      fixed + armListHeight(state.arms, currentSteps, expanded, steps) + (hasResults ? 2 + tableHeight : 0);
    const limit = rows > 0 ? rows - 1 : Infinity;
    const steps = height('all', tableLines.length) <= limit ? 'all' : 'current';
    const foldTable = height(steps, tableLines.length) > limit;
    const cells = table.columns.reduce((n, c) => n + Object.keys(c.cells).length, 0);
    live = (
      <Box flexDirection="column">
        <ArmList arms={state.arms} current={currentSteps} seedCount={seeds} color={color} expanded={expanded} steps={steps} lanes={state.lanes} />
        <Text> </Text>
        <ProgressPanel
          progress={state.progress}
          figures={figures}
          losses={state.losses}
          columns={width}
          color={color}
          focusLabel={focus && state.lanes.length > 1 ? laneName(focus, seeds) : null}
          others={others}
          seedCount={seeds}
        />
        {hasResults ? (
          <Box flexDirection="column" marginTop={1}>
            <Text bold>results so far{state.baselines ? '' : ' (delta at the end)'}</Text>
            {foldTable ? (
              <Text dimColor>
                {cells} of {table.columns.length * state.testSets.length} cells filled; the terminal is too short for the table (shown at the end)
              </Text>
            ) : (
              tableLines.map((line, i) => <StyledLine key={i} line={line} />)
            )}
          </Box>
        ) : null}
        {lastWarning ? (
          <Text wrap="truncate-end" color={color ? 'yellow' : undefined}>
            warning: {lastWarning}
            {state.warnings.length > 1 ? ` (+${state.warnings.length - 1} more above)` : ''}
          </Text>
        ) : null}
        <Box marginTop={1}>
          {stopRequested ? (
            <Text color={color ? 'yellow' : undefined} wrap="truncate-end">
              stopping: completed steps are kept (Ctrl-C again: quit at once)
            </Text>
          ) : interactive ? (
            <Text dimColor>q or Ctrl-C: stop (completed steps are kept, resume later)</Text>
          ) : null}
        </Box>
      </Box>
    );
  }

  return (
    <>
      <Static items={items}>
        {(item) => (
          <Box key={item.id} flexDirection="column">
            {item.lines.map((line, i) => (
              <StyledLine key={i} line={line} truncate />
            ))}
          </Box>
        )}
      </Static>
      <Box flexDirection="column" width={width} marginTop={items.length > 0 ? 1 : 0}>
        {live}
      </Box>
    </>
  );
}
