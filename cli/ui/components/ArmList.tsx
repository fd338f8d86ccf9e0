// The arms and their steps: one line per arm, the running arms expanded with a mark per step
// and, under each step in progress, its conditions (what is frozen, whether features are
// inverted). With --jobs several arms (or seeds of one arm) run at once: each is marked.
import { Box, Text } from 'ink';
import { stepConditions } from '../../format/event-lines.js';
import type { ArmView, CurrentStep } from '../run-state.js';
import { ARM_MARK, STATUS_COLOR, STEP_MARK } from './step-marks.js';

export interface ArmListProps {
  arms: readonly ArmView[];
  /** The steps in progress, one per lane (arm, seed), in start order. */
  current: readonly CurrentStep[];
  seedCount: number;
  color: boolean;
  /** Expand these arms (normally the running ones); empty keeps every arm on one line. */
  expanded: readonly string[];
  /** `current`: an expanded arm lists only its current steps (short terminals). */
  steps?: 'all' | 'current';
  /** The (arm, seed) pairs in progress, to name every seed an arm is running. */
  lanes?: readonly { arm: string; seed: number }[];
}

/** The lanes' steps in progress at this step of this arm (two seeds of an arm may share one). */
function currentAt(current: readonly CurrentStep[], arm: string, step: number): CurrentStep[] {
  return current.filter((c) => c.arm === arm && c.step === step);
}

/** Lines the list takes, for fitting the live part into the terminal's height. */
export function armListHeight(arms: readonly ArmView[], current: readonly CurrentStep[], expanded: readonly string[], steps: 'all' | 'current'): number {
  let lines = arms.length;
  for (const arm of arms) {
    if (!expanded.includes(arm.name)) continue;
    const here = arm.steps.map((s) => currentAt(current, arm.name, s.index));
    lines += steps === 'all' ? arm.steps.length : here.filter((h) => h.length > 0).length;
    lines += here.filter((h) => h.length > 0 && h[0].epochs > 0).length; // conditions
  }
  return lines;
}

/** `  ◀ now`, naming the seeds when several seeds of the arm run at once. */
function nowMark(current: readonly CurrentStep[], here: readonly CurrentStep[], arm: string): string {
  const seedsOfArm = new Set(current.filter((c) => c.arm === arm).map((c) => c.seed));
  if (seedsOfArm.size < 2) return '  ◀ now';
  const seeds = here.map((c) => c.seed);
  return `  ◀ now (seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')})`;
}

/** With repeats, an arm between two of its seeds is waiting, not done. */
function waitingForSeeds(arm: ArmView, seedCount: number): boolean {
  return seedCount > 1 && arm.status !== 'running' && arm.status !== 'pending' && arm.seedsEnded > 0 && arm.seedsEnded < seedCount;
}

function armSummary(arm: ArmView, seedCount: number, lanes: readonly { arm: string; seed: number }[]): string {
  const ended = `${arm.seedsEnded}/${seedCount} seeds ended`;
  const outcome = !arm.message ? arm.status : arm.message.startsWith(arm.status) ? arm.message : `${arm.status}: ${arm.message}`;
  if (waitingForSeeds(arm, seedCount)) return `seed ${arm.seed} ${outcome}, ${ended}, next seed waiting`;
  switch (arm.status) {
    case 'pending':
      return 'pending';
    case 'running': {
      if (seedCount <= 1 || arm.seed === null) return 'running';
      const seeds = lanes.filter((l) => l.arm === arm.name).map((l) => l.seed);
      return seeds.length > 1 ? `running seeds ${seeds.join(', ')} (${ended})` : `running seed ${arm.seed} (${ended})`;
    }
    case 'done':
      return seedCount > 1 ? `done, ${seedCount} seeds` : 'done';
    default:
      return seedCount > 1 ? `${outcome} (seed ${arm.seed}), ${ended}` : outcome;
  }
}

export function ArmList({ arms, current, seedCount, color, expanded, steps = 'all', lanes = [] }: ArmListProps) {
  const c = (status: keyof typeof STATUS_COLOR) => (color ? STATUS_COLOR[status] : undefined);
  const nameWidth = Math.min(16, Math.max(...arms.map((a) => a.name.length)));
  return (
    <Box flexDirection="column">
      {arms.map((arm) => {
        const marks = arm.steps.map((s, i) => (
          <Text key={i} color={c(s.status)}>
            {STEP_MARK[s.status]}
          </Text>
        ));
        const isExpanded = expanded.includes(arm.name);
        return (
          <Box key={arm.name} flexDirection="column">
            <Text wrap="truncate-end">
              {waitingForSeeds(arm, seedCount) ? <Text>{ARM_MARK.pending} </Text> : <Text color={c(arm.status)}>{ARM_MARK[arm.status]} </Text>}
              <Text bold={isExpanded}>{arm.name.padEnd(nameWidth)}</Text> {isExpanded ? null : <>{marks} </>}
              <Text dimColor={arm.status === 'pending'}>{armSummary(arm, seedCount, lanes)}</Text>
            </Text>
            {isExpanded
              ? arm.steps.map((s) => {
                  const here = currentAt(current, arm.name, s.index);
                  const isCurrent = here.length > 0;
                  if (steps === 'current' && !isCurrent) return null;
                  return (
                    <Box key={s.index} flexDirection="column" paddingLeft={2}>
                      <Text wrap="truncate-end">
                        <Text color={c(s.status)}>{STEP_MARK[s.status]} </Text>
                        <Text bold={isCurrent} color={isCurrent && color ? 'cyan' : undefined} dimColor={s.status === 'pending'}>
                          {s.text}
                        </Text>
                        {isCurrent ? <Text color={color ? 'cyan' : undefined}>{nowMark(current, here, arm.name)}</Text> : null}
                      </Text>
                      {isCurrent && here[0].epochs > 0 ? (
                        <Box paddingLeft={2}>
                          <Text wrap="truncate-end" dimColor>
                            {stepConditions(here[0].frozen, here[0].inverted)}
                          </Text>
                        </Box>
                      ) : null}
                    </Box>
                  );
                })
              : null}
          </Box>
        );
      })}
    </Box>
  );
}
