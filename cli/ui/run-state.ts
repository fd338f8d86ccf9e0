// The UI's view of a run: a pure fold of the runtime's events. Components and reporters read
// this state; nothing here touches the terminal, the clock or the engine.
import type { ArmOutline, RunEvent, StepStatus, Subset } from '../../runtime/events.js';
import type { EvalRecord, Results } from '../../runtime/results.js';
import type { HeaderInfo } from '../format/event-lines.js';

/** How many recent batch losses the sparkline keeps. */
export const LOSS_WINDOW = 60;

export interface StepView {
  index: number;
  kind: string;
  text: string;
  epochs: number;
  status: StepStatus;
}

export type ArmStatus = 'pending' | 'running' | 'done' | 'diverged' | 'stopped' | 'failed';

export interface ArmView {
  name: string;
  steps: StepView[];
  status: ArmStatus;
  /** The seed in progress, or the last one run; null before the arm starts. */
  seed: number | null;
  /** Seeds finished (any outcome). */
  seedsEnded: number;
  /** Why the arm ended other than done, e.g. `diverged at epoch 3 batch 17 (loss NaN)`. */
  message?: string;
}

/** The header lines' facts (see cli/format/event-lines.ts), plus what the live progress needs. */
export interface RunHeader extends HeaderInfo {
  startedAt: string;
  totalTrainImages: number;
}

/** The step being executed, with the freezing and inversion it runs under: the step-start event's facts. */
export type CurrentStep = Omit<Extract<RunEvent, { type: 'step-start' }>, 'type'>;

/** The latest batch (or finished epoch) of the training step in progress. */
export interface EpochProgress {
  arm: string;
  seed: number;
  step: number;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  imagesPerSec: number;
  elapsedSec: number;
  /** True once epoch-end arrived: the epoch is counted in epochsDone. */
  finished: boolean;
  /** Features inverted during this epoch (known at epoch-end). */
  inverted?: boolean;
}

export type LoggedEvent = Extract<RunEvent, { type: 'step-start' | 'step-end' | 'epoch-end' | 'eval-result' | 'warning' | 'arm-start' | 'arm-end' }>;

/** A finished line: printed once, above the live part. */
export interface LogEntry {
  id: number;
  event: LoggedEvent;
}

export interface RunState {
  header: RunHeader | null;
  arms: ArmView[];
  testSets: string[];
  current: CurrentStep | null;
  progress: EpochProgress | null;
  /** Recent batch losses, oldest first. */
  losses: number[];
  /** Training epochs in the whole run (every arm's train steps × seeds). */
  plannedEpochs: number;
  /** Epochs finished or reused. */
  epochsDone: number;
  /** Epochs of the current training step already counted in epochsDone. */
  stepEpochsCounted: number;
  evals: EvalRecord[];
  /** Per arm, per seed: `done` or why it has no numbers. */
  armOutcomes: Record<string, Record<string, string>>;
  baselines?: Record<string, { arm: string; label: string } | null>;
  reportLabels?: Record<string, string | null>;
  warnings: string[];
  log: LogEntry[];
  end: { status: 'done' | 'stopped' | 'failed'; seconds: number; results: Results } | null;
}

export const initialRunState: RunState = {
  header: null,
  arms: [],
  testSets: [],
  current: null,
  progress: null,
  losses: [],
  plannedEpochs: 0,
  epochsDone: 0,
  stepEpochsCounted: 0,
  evals: [],
  armOutcomes: {},
  warnings: [],
  log: [],
  end: null,
};

function armFromOutline(outline: ArmOutline): ArmView {
  return {
    name: outline.name,
    steps: outline.steps.map((s) => ({ index: s.index, kind: s.kind, text: s.text, epochs: s.epochs, status: 'pending' })),
    status: 'pending',
    seed: null,
    seedsEnded: 0,
  };
}

function updateArm(state: RunState, name: string, update: (arm: ArmView) => ArmView): ArmView[] {
  return state.arms.map((a) => (a.name === name ? update(a) : a));
}

function setStepStatus(arm: ArmView, index: number, status: StepStatus): ArmView {
  return { ...arm, steps: arm.steps.map((s) => (s.index === index ? { ...s, status } : s)) };
}

function appendLog(state: RunState, event: LoggedEvent): LogEntry[] {
  return [...state.log, { id: state.log.length, event }];
}

/** Folds one event into the state; returns a new state (inputs are never mutated). */
export function reduceRunState(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case 'run-start': {
      const arms = event.arms.map(armFromOutline);
      const epochsPerSeed = event.arms.reduce((sum, a) => sum + a.steps.reduce((s, st) => s + st.epochs, 0), 0);
      return {
        ...initialRunState,
        header: {
          title: event.title,
          file: event.file,
          backend: event.backend,
          planHash: event.planHash,
          runDir: event.runDir,
          subset: event.subset,
          seeds: event.seeds,
          resumed: event.resumed,
          startedAt: event.time,
          totalTrainImages: event.totalTrainImages,
        },
        arms,
        testSets: event.testSets,
        plannedEpochs: epochsPerSeed * Math.max(1, event.seeds.length),
        baselines: event.baselines,
        reportLabels: event.reportLabels,
      };
    }
    case 'arm-start':
      return {
        ...state,
        arms: updateArm(state, event.arm, (a) => ({
          ...a,
          status: 'running',
          seed: event.seed,
          message: undefined,
          steps: a.steps.map((s) => ({ ...s, status: 'pending' })),
        })),
        log: appendLog(state, event),
      };
    case 'step-start': {
      // Steps run in order: earlier ones still pending were completed before a resume.
      const arm = state.arms.find((a) => a.name === event.arm);
      const skipped = arm ? arm.steps.filter((s) => s.index < event.step && s.status === 'pending') : [];
      return {
        ...state,
        arms: updateArm(state, event.arm, (a) =>
          setStepStatus(
            { ...a, status: 'running', seed: event.seed, steps: a.steps.map((s) => (skipped.includes(s) ? { ...s, status: 'done' } : s)) },
            event.step,
            'running',
          ),
        ),
        epochsDone: state.epochsDone + skipped.reduce((sum, s) => sum + s.epochs, 0),
        stepEpochsCounted: 0,
        current: {
          arm: event.arm,
          seed: event.seed,
          step: event.step,
          kind: event.kind,
          text: event.text,
          frozen: event.frozen,
          inverted: event.inverted,
          epochs: event.epochs,
        },
        progress: null,
        // The sparkline follows one training step: losses of different steps are not comparable.
        losses: event.epochs > 0 ? [] : state.losses,
        log: appendLog(state, event),
      };
    }
    case 'batch':
      return {
        ...state,
        progress: {
          arm: event.arm,
          seed: event.seed,
          step: event.step,
          epoch: event.epoch,
          epochs: event.epochs,
          batch: event.batch,
          batches: event.batches,
          loss: event.loss,
          imagesPerSec: event.imagesPerSec,
          elapsedSec: event.elapsedSec,
          finished: false,
        },
        losses: [...state.losses, event.loss].slice(-LOSS_WINDOW),
      };
    case 'epoch-end': {
      const previous = state.progress;
      const batches = previous && previous.step === event.step && previous.arm === event.arm ? previous.batches : 0;
      return {
        ...state,
        progress: {
          arm: event.arm,
          seed: event.seed,
          step: event.step,
          epoch: event.epoch,
          epochs: event.epochs,
          batch: batches,
          batches,
          loss: event.loss,
          imagesPerSec: event.imagesPerSec,
          elapsedSec: event.seconds,
          finished: true,
          inverted: event.inverted,
        },
        // A resumed step starts past epoch 1: the epochs before it were done in the earlier run.
        epochsDone: state.epochsDone + Math.max(1, event.epoch - state.stepEpochsCounted),
        stepEpochsCounted: event.epoch,
        log: appendLog(state, event),
      };
    }
    case 'step-end': {
      const arm = state.arms.find((a) => a.name === event.arm);
      const outline = arm?.steps.find((s) => s.index === event.step);
      // A reused step's epochs were planned but will never run: count them as done for the ETA.
      const reusedEpochs = event.status === 'reused' && outline ? outline.epochs : 0;
      const isCurrent = state.current?.arm === event.arm && state.current.step === event.step && state.current.seed === event.seed;
      return {
        ...state,
        arms: updateArm(state, event.arm, (a) => setStepStatus(a, event.step, event.status)),
        current: isCurrent ? null : state.current,
        progress: isCurrent ? null : state.progress,
        epochsDone: state.epochsDone + reusedEpochs,
        log: appendLog(state, event),
      };
    }
    case 'eval-result':
      return {
        ...state,
        evals: [
          ...state.evals,
          { arm: event.arm, seed: event.seed, label: event.label, testSet: event.testSet, accuracy: event.accuracy, loss: event.loss, n: event.n },
        ],
        log: appendLog(state, event),
      };
    case 'warning':
      return { ...state, warnings: [...state.warnings, event.message], log: appendLog(state, event) };
    case 'arm-end': {
      const outcome = event.status === 'done' ? 'done' : (event.message ?? event.status);
      const stepStatus: StepStatus | null = event.status === 'diverged' ? 'diverged' : event.status === 'stopped' ? 'stopped' : null;
      const isCurrent = state.current?.arm === event.arm && state.current.seed === event.seed;
      // An arm that ends done without step events finished in an earlier run (resume).
      const arm = state.arms.find((a) => a.name === event.arm);
      const finishedEarlier = event.status === 'done' && arm ? arm.steps.filter((s) => s.status === 'pending') : [];
      return {
        ...state,
        arms: updateArm(state, event.arm, (a) => ({
          ...a,
          status: event.status,
          seedsEnded: a.seedsEnded + 1,
          message: event.message,
          steps: a.steps.map((s) => {
            // The step that was running when the arm ended carries the arm's fate.
            if (stepStatus && s.status === 'running') return { ...s, status: stepStatus };
            return finishedEarlier.includes(s) ? { ...s, status: 'done' } : s;
          }),
        })),
        epochsDone: state.epochsDone + finishedEarlier.reduce((sum, s) => sum + s.epochs, 0),
        armOutcomes: { ...state.armOutcomes, [event.arm]: { ...state.armOutcomes[event.arm], [String(event.seed)]: outcome } },
        current: isCurrent ? null : state.current,
        progress: isCurrent ? null : state.progress,
        log: appendLog(state, event),
      };
    }
    case 'run-end':
      return {
        ...state,
        current: null,
        progress: null,
        arms: state.arms.map((a) =>
          a.status === 'running'
            ? {
                ...a,
                status: event.status === 'failed' ? 'failed' : 'stopped',
                steps: a.steps.map((s) => (s.status === 'running' ? { ...s, status: 'stopped' } : s)),
              }
            : a,
        ),
        end: { status: event.status, seconds: event.seconds, results: event.results },
      };
    default: {
      const never: never = event;
      return never;
    }
  }
}
