// One glyph per step status, readable without colour.
import type { StepStatus } from '../../../runtime/events.js';
import type { ArmStatus } from '../run-state.js';

export const STEP_MARK: Record<StepStatus, string> = {
  done: '✓',
  running: '▶',
  pending: '·',
  diverged: '✗',
  reused: '↺',
  stopped: '■',
};

export const ARM_MARK: Record<ArmStatus, string> = {
  done: '✓',
  running: '▶',
  pending: '·',
  diverged: '✗',
  stopped: '■',
  failed: '✗',
};

/** Ink colour names per status (undefined: default colour). */
export const STATUS_COLOR: Record<StepStatus | ArmStatus, string | undefined> = {
  done: 'green',
  running: 'cyan',
  pending: undefined,
  diverged: 'red',
  failed: 'red',
  reused: 'blue',
  stopped: 'yellow',
};
