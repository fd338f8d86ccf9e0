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

/**
 * One (arm, seed) in progress. `mfx run --jobs N` runs several at once and their events
 * interleave, so everything about "the step in progress" is kept per lane and changed only
 * by that lane's own events.
 */
export interface Lane {
  arm: string;
  seed: number;
  current: CurrentStep | null;
  progress: EpochProgress | null;
  /** Recent batch losses of this lane's training step, oldest first. */
  losses: number[];
  /** Epochs of this lane's current training step already counted in epochsDone. */
  stepEpochsCounted: number;
  /** This seed's step statuses, by position in the arm's outline (the arm shows one lane's). */
  steps: StepStatus[];
}

export interface RunState {
  header: RunHeader | null;
  arms: ArmView[];
  testSets: string[];
  /** The (arm, seed) pairs in progress, in the order they started. */
  lanes: Lane[];
  /** The focus lane's step (see focusLane). */
  current: CurrentStep | null;
  /** The focus lane's progress. */
  progress: EpochProgress | null;
  /** The focus lane's recent batch losses, oldest first. */
  losses: number[];
  /** Training epochs in the whole run (every arm's train steps × seeds). */
  plannedEpochs: number;
  /** Epochs finished or reused. */
  epochsDone: number;
  /** The focus lane's epochs of its training step already counted in epochsDone. */
  stepEpochsCounted: number;
  evals: EvalRecord[];
  /** Per arm, per seed: `done` or why it has no numbers. */
  armOutcomes: Record<string, Record<string, string>>;
  baselines?: Record<string, { arm: string; label: string } | null>;
  reportLabels?: Record<string, string | null>;
  headLabels?: Record<string, string[]>;
  warnings: string[];
  log: LogEntry[];
  end: { status: 'done' | 'stopped' | 'failed'; seconds: number; results: Results } | null;
}

export const initialRunState: RunState = {
  header: null,
  arms: [],
  testSets: [],
  lanes: [],
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

/** Whether a lane's step in progress trains (and so has a bar, a rate and losses). */
export function laneTrains(lane: Lane): boolean {
  return lane.current !== null && lane.current.epochs > 0;
}

/**
 * The lane the progress bar follows: the earliest-started lane whose step trains, else the
 * earliest lane. It depends only on which lanes exist and their steps, so it changes at step
 * and arm boundaries, never because another lane sent a batch.
 */
export function focusLane(lanes: readonly Lane[]): Lane | null {
  return lanes.find(laneTrains) ?? lanes[0] ?? null;
}

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

function appendLog(state: RunState, event: LoggedEvent): LogEntry[] {
  return [...state.log, { id: state.log.length, event }];
}

const isLane = (arm: string, seed: number) => (l: Lane) => l.arm === arm && l.seed === seed;

function freshLane(state: RunState, arm: string, seed: number): Lane {
  const steps = state.arms.find((a) => a.name === arm)?.steps ?? [];
  return { arm, seed, current: null, progress: null, losses: [], stepEpochsCounted: 0, steps: steps.map(() => 'pending') };
}

function laneOf(state: RunState, arm: string, seed: number): Lane {
  return state.lanes.find(isLane(arm, seed)) ?? freshLane(state, arm, seed);
}

/** The lanes with `lane` in place of its old self (appended if it is new: lanes keep start order). */
function putLane(state: RunState, lane: Lane): Lane[] {
  const at = state.lanes.findIndex(isLane(lane.arm, lane.seed));
  return at < 0 ? [...state.lanes, lane] : state.lanes.map((l, i) => (i === at ? lane : l));
}

/**
 * Whether the arm's line shows this seed's steps: the arm shows one lane at a time (the one
 * that started first), so with two seeds of an arm at once the other seed's events leave the
 * marks alone. A seed whose arm shows no live lane takes the arm over.
 */
function showsSeed(state: RunState, arm: string, seed: number): boolean {
  const view = state.arms.find((a) => a.name === arm);
  if (!view || view.seed === seed) return true;
  return !state.lanes.some(isLane(arm, view.seed ?? Number.NaN));
}

/** The arm with its step marks taken from a lane. */
function showLane(arm: ArmView, lane: Lane): ArmView {
  return { ...arm, seed: lane.seed, steps: arm.steps.map((s, i) => ({ ...s, status: lane.steps[i] ?? s.status })) };
}

function stepPosition(state: RunState, arm: string, step: number): number {
  return state.arms.find((a) => a.name === arm)?.steps.findIndex((s) => s.index === step) ?? -1;
}

function stepEpochs(state: RunState, arm: string, positions: number[]): number {
  const steps = state.arms.find((a) => a.name === arm)?.steps ?? [];
  return positions.reduce((sum, i) => sum + (steps[i]?.epochs ?? 0), 0);
}

/** Folds one event into the state; returns a new state (inputs are never mutated). */
export function reduceRunState(state: RunState, event: RunEvent): RunState {
  const next = reduceEvent(state, event);
  if (next.lanes === state.lanes) return next;
  // The top-level step fields are the focus lane's, for the progress panel and older readers.
  const focus = focusLane(next.lanes);
  return {
    ...next,
    current: focus?.current ?? null,
    progress: focus?.progress ?? null,
    losses: focus?.losses ?? [],
    stepEpochsCounted: focus?.stepEpochsCounted ?? 0,
  };
}

function reduceEvent(state: RunState, event: RunEvent): RunState {
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
        headLabels: event.headLabels,
      };
    }
    case 'arm-start': {
      // Another seed of this arm still running keeps the arm's line; this seed gets its own lane.
      const busy = state.lanes.some((l) => l.arm === event.arm && l.seed !== event.seed);
      return {
        ...state,
        arms: busy
          ? state.arms
          : updateArm(state, event.arm, (a) => ({
              ...a,
              status: 'running',
              seed: event.seed,
              message: undefined,
              steps: a.steps.map((s) => ({ ...s, status: 'pending' })),
            })),
        lanes: putLane(state, freshLane(state, event.arm, event.seed)),
        log: appendLog(state, event),
      };
    }
    case 'step-start': {
      // Steps run in order: earlier ones still pending were completed before a resume.
      const lane = laneOf(state, event.arm, event.seed);
      const at = stepPosition(state, event.arm, event.step);
      const skipped = at < 0 ? [] : lane.steps.flatMap((status, i) => (i < at && status === 'pending' ? [i] : []));
      const updated: Lane = {
        ...lane,
        steps: lane.steps.map((status, i) => (i === at ? 'running' : skipped.includes(i) ? 'done' : status)),
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
        stepEpochsCounted: 0,
        // The sparkline follows one training step: losses of different steps are not comparable.
        losses: event.epochs > 0 ? [] : lane.losses,
      };
      return {
        ...state,
        arms: showsSeed(state, event.arm, event.seed) ? updateArm(state, event.arm, (a) => ({ ...showLane(a, updated), status: 'running' })) : state.arms,
        lanes: putLane(state, updated),
        epochsDone: state.epochsDone + stepEpochs(state, event.arm, skipped),
        log: appendLog(state, event),
      };
    }
    case 'batch': {
      const lane = laneOf(state, event.arm, event.seed);
      const updated: Lane = {
        ...lane,
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
        losses: [...lane.losses, event.loss].slice(-LOSS_WINDOW),
      };
      return { ...state, lanes: putLane(state, updated) };
    }
    case 'epoch-end': {
      const lane = laneOf(state, event.arm, event.seed);
      const previous = lane.progress;
      const batches = previous && previous.step === event.step ? previous.batches : 0;
      const updated: Lane = {
        ...lane,
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
        stepEpochsCounted: event.epoch,
      };
      return {
        ...state,
        lanes: putLane(state, updated),
        // A resumed step starts past epoch 1: the epochs before it were done in the earlier run.
        epochsDone: state.epochsDone + Math.max(1, event.epoch - lane.stepEpochsCounted),
        log: appendLog(state, event),
      };
    }
    case 'step-end': {
      const lane = laneOf(state, event.arm, event.seed);
      const at = stepPosition(state, event.arm, event.step);
      // A reused step's epochs were planned but will never run: count them as done for the ETA.
      const reusedEpochs = event.status === 'reused' && at >= 0 ? stepEpochs(state, event.arm, [at]) : 0;
      const ended = lane.current?.step === event.step;
      const updated: Lane = {
        ...lane,
        steps: lane.steps.map((status, i) => (i === at ? event.status : status)),
        current: ended ? null : lane.current,
        progress: ended ? null : lane.progress,
      };
      return {
        ...state,
        arms: showsSeed(state, event.arm, event.seed) ? updateArm(state, event.arm, (a) => showLane(a, updated)) : state.arms,
        lanes: putLane(state, updated),
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
      const lane = laneOf(state, event.arm, event.seed);
      // An arm that ends done without step events finished in an earlier run (resume).
      const finishedEarlier = event.status === 'done' ? lane.steps.flatMap((status, i) => (status === 'pending' ? [i] : [])) : [];
      const ended: Lane = {
        ...lane,
        // The step that was running when the arm ended carries the arm's fate.
        steps: lane.steps.map((status, i) => (stepStatus && status === 'running' ? stepStatus : finishedEarlier.includes(i) ? 'done' : status)),
      };
      const lanes = state.lanes.filter((l) => !isLane(event.arm, event.seed)(l));
      // Another seed of the arm still running: the arm stays running and shows that seed.
      const sibling = lanes.find((l) => l.arm === event.arm);
      const shown = showsSeed(state, event.arm, event.seed);
      return {
        ...state,
        arms: updateArm(state, event.arm, (a) =>
          sibling
            ? { ...(shown ? showLane(a, sibling) : a), status: 'running', seedsEnded: a.seedsEnded + 1 }
            : { ...showLane(a, ended), status: event.status, seedsEnded: a.seedsEnded + 1, message: event.message },
        ),
        lanes,
        epochsDone: state.epochsDone + stepEpochs(state, event.arm, finishedEarlier),
        armOutcomes: { ...state.armOutcomes, [event.arm]: { ...state.armOutcomes[event.arm], [String(event.seed)]: outcome } },
        log: appendLog(state, event),
      };
    }
    case 'run-end':
      return {
        ...state,
        lanes: [],
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
