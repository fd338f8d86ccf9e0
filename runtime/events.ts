// The typed event stream: the runtime's only coupling to UIs, reporters and the run folder.
// Every event is plain JSON (numbers already read from tensors), one line in events.jsonl.
import type { Results } from './results.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'reused' | 'diverged' | 'stopped';

/** A step as shown to people: index in the arm's Plan steps and a one-line description. */
export interface StepOutline {
  index: number;
  kind: string; // the StepSpec kind
  text: string; // e.g. `train 20 (fc1, fc2; inverted relu6)`
  epochs: number; // 0 for non-training steps
}

export interface ArmOutline {
  name: string;
  steps: StepOutline[];
}

export interface Subset {
  train: number | null; // first N training images, null = all
  test: number | null; // first M test images per test set, null = all
}

export type RunEvent =
  | {
      type: 'run-start';
      time: string; // ISO timestamp
      title: string;
      file: string;
      planHash: string;
      backend: string; // e.g. `wasm`, `tensorflow`, `cpu`
      runDir: string;
      seeds: number[];
      arms: ArmOutline[];
      testSets: string[];
      subset: Subset;
      /** Training images to process in the whole run (all arms, seeds, epochs), for ETA. */
      totalTrainImages: number;
      resumed: boolean;
      /**
       * Optional (added for the live results table): per arm, the result its Delta compares
       * against (null: none). Without it the UI shows Delta only at run-end, from results.table.
       */
      baselines?: Record<string, { arm: string; label: string } | null>;
      /** Optional: per arm, the eval label the results table reports (normally `final`); null if none. */
      reportLabels?: Record<string, string | null>;
      /** Optional, only for arms that have them: the labelled evaluations of heads shown beside the reported one (`ARM@LABEL` columns). */
      headLabels?: Record<string, string[]>;
    }
  | { type: 'arm-start'; arm: string; seed: number }
  | {
      type: 'step-start';
      arm: string;
      seed: number;
      step: number;
      kind: string;
      text: string;
      frozen: string[];
      /** Activation being complemented at the feature boundary, or null. */
      inverted: string | null;
      epochs: number;
    }
  | {
      type: 'batch';
      arm: string;
      seed: number;
      step: number;
      epoch: number; // 1-based within the step
      epochs: number;
      batch: number; // 1-based
      batches: number;
      loss: number; // this batch's mean loss
      imagesPerSec: number;
      elapsedSec: number; // since the epoch started
    }
  | {
      type: 'epoch-end';
      arm: string;
      seed: number;
      step: number;
      epoch: number;
      epochs: number;
      loss: number; // mean training loss over the epoch
      seconds: number;
      imagesPerSec: number;
      inverted: boolean; // features inverted during this epoch
      /** Accuracy (0..1) on the validation split after this epoch, for a `train N select` step. */
      validation?: number;
    }
  | {
      type: 'step-end';
      arm: string;
      seed: number;
      step: number;
      seconds: number;
      status: StepStatus;
      /** A reused train step: the mean training loss of each epoch of the computation it stands for, when known (e.g. from the cross-run cache). */
      losses?: number[];
    }
  | {
      type: 'eval-result';
      arm: string;
      seed: number;
      label: string;
      testSet: string;
      accuracy: number; // fraction 0..1
      loss: number; // mean NLL
      n: number; // images evaluated
      predicted?: number[]; // images predicted as each class
    }
  | { type: 'warning'; message: string; arm?: string; seed?: number }
  | {
      type: 'arm-end';
      arm: string;
      seed: number;
      status: 'done' | 'diverged' | 'stopped' | 'failed';
      /** e.g. `diverged at epoch 3 batch 17 (loss NaN)` */
      message?: string;
    }
  | {
      type: 'run-end';
      status: 'done' | 'stopped' | 'failed';
      seconds: number;
      results: Results;
    };

export type RunEventType = RunEvent['type'];

/** Something that consumes events: a reporter, the UI store, the run folder writer. */
export type EventSink = (event: RunEvent) => void;
