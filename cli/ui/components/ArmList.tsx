// The arms and their steps: one line per arm, the running arm expanded with a mark per step
// and the current step's conditions (what is frozen, whether features are inverted).
import { Box, Text } from 'ink';
import { stepConditions } from '../../format/event-lines.js';
import type { ArmView, CurrentStep } from '../run-state.js';
import { ARM_MARK, STATUS_COLOR, STEP_MARK } from './step-marks.js';

export interface ArmListProps {
  arms: readonly ArmView[];
  current: CurrentStep | null;
  seedCount: number;
  color: boolean;
  /** Expand this arm (normally the running one); null keeps every arm on one line. */
  expanded: string | null;
  /** `current`: the expanded arm lists only its current step (short terminals). */
  steps?: 'all' | 'current';
}

/** Lines the list takes, for fitting the live part into the terminal's height. */
export function armListHeight(arms: readonly ArmView[], current: CurrentStep | null, expanded: string | null, steps: 'all' | 'current'): number {
  const arm = arms.find((a) => a.name === expanded);
  if (!arm) return arms.length;
  const conditions = current && current.arm === arm.name && current.epochs > 0 ? 1 : 0;
  const stepLines = steps === 'all' ? arm.steps.length : current && current.arm === arm.name ? 1 : 0;
  return arms.length + stepLines + conditions;
}

/** With repeats, an arm between two of its seeds is waiting, not done. */
function waitingForSeeds(arm: ArmView, seedCount: number): boolean {
  return seedCount > 1 && arm.status !== 'running' && arm.status !== 'pending' && arm.seedsEnded > 0 && arm.seedsEnded < seedCount;
}

function armSummary(arm: ArmView, seedCount: number): string {
  const ended = `${arm.seedsEnded}/${seedCount} seeds ended`;
  const outcome = !arm.message ? arm.status : arm.message.startsWith(arm.status) ? arm.message : `${arm.status}: ${arm.message}`;
  if (waitingForSeeds(arm, seedCount)) return `seed ${arm.seed} ${outcome}, ${ended}, next seed waiting`;
  switch (arm.status) {
    case 'pending':
      return 'pending';
    case 'running':
      return seedCount > 1 && arm.seed !== null ? `running seed ${arm.seed} (${ended})` : 'running';
    case 'done':
      return seedCount > 1 ? `done, ${seedCount} seeds` : 'done';
    default:
      return seedCount > 1 ? `${outcome} (seed ${arm.seed}), ${ended}` : outcome;
  }
}

export function ArmList({ arms, current, seedCount, color, expanded, steps = 'all' }: ArmListProps) {
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
        const isExpanded = arm.name === expanded;
        return (
          <Box key={arm.name} flexDirection="column">
            <Text wrap="truncate-end">
              {waitingForSeeds(arm, seedCount) ? <Text>{ARM_MARK.pending} </Text> : <Text color={c(arm.status)}>{ARM_MARK[arm.status]} </Text>}
              <Text bold={isExpanded}>{arm.name.padEnd(nameWidth)}</Text> {isExpanded ? null : <>{marks} </>}
              <Text dimColor={arm.status === 'pending'}>{armSummary(arm, seedCount)}</Text>
            </Text>
            {isExpanded
              ? arm.steps.map((s) => {
                  const isCurrent = current !== null && current.arm === arm.name && current.step === s.index;
                  if (steps === 'current' && !isCurrent) return null;
                  return (
                    <Box key={s.index} flexDirection="column" paddingLeft={2}>
                      <Text wrap="truncate-end">
                        <Text color={c(s.status)}>{STEP_MARK[s.status]} </Text>
                        <Text bold={isCurrent} color={isCurrent && color ? 'cyan' : undefined} dimColor={s.status === 'pending'}>
                          {s.text}
                        </Text>
                        {isCurrent ? <Text color={color ? 'cyan' : undefined}>{'  ◀ now'}</Text> : null}
                      </Text>
                      {isCurrent && current.epochs > 0 ? (
                        <Box paddingLeft={2}>
                          <Text wrap="truncate-end" dimColor>
                            {stepConditions(current.frozen, current.inverted)}
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
