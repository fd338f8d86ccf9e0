// Per-sample predicted classes of one evaluation (`.mfxp`), and the labels they are scored
// against, so reports can say which samples two evaluations disagree on (agreement, McNemar).
//   bytes 0..7   magic `MFXPRED1`
//   bytes 8..11  header length H (uint32, little-endian)
//   bytes 12..   header: UTF-8 JSON { kind, meta, n, sha256 }
//   then         n bytes, one class index (0..255) per sample, in test-set order.
// `kind` is `predictions` or `labels`; `sha256` covers the n bytes, so a truncated or altered
// file is detected when read. A 10,000-image test set takes 10 KB plus the header.
// Labels are Uint8Array throughout the runtime, so a class always fits one byte.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { safeName, testSetFileName } from './folder-names.js';

const MAGIC = 'MFXPRED1';

export type PredictionKind = 'predictions' | 'labels';

/** What a predictions file says about itself. */
export interface PredictionMeta {
  testSet: string;
  /** Evaluation files only: the arm, seed and label of the evaluation. */
  arm?: string;
  seed?: number;
  label?: string;
  /** sha256 of the labels the predictions were scored against (hex). */
  labelsSha256: string;
}

export interface PredictionFile {
  kind: PredictionKind;
  meta: PredictionMeta;
  classes: Uint8Array;
}

/** Why a predictions file cannot be read; `reason` is one sentence part ("is damaged ..."). */
export class PredictionFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'PredictionFileError';
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Serialises a predictions (or labels) file. */
export function encodePredictionFile(file: PredictionFile): Buffer {
  const data = Buffer.from(file.classes.buffer, file.classes.byteOffset, file.classes.byteLength);
  const header = Buffer.from(JSON.stringify({ kind: file.kind, meta: file.meta, n: data.length, sha256: sha256Hex(data) }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length, 0);
  return Buffer.concat([Buffer.from(MAGIC, 'ascii'), len, header, data]);
}

/** Parses and verifies a predictions file of the expected kind. */
export function decodePredictionFile(bytes: Uint8Array, expectedKind: PredictionKind, fileName: string): PredictionFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.subarray(0, 8).toString('ascii') !== MAGIC) {
    throw new PredictionFileError(fileName, 'is not an mfx predictions file (wrong magic bytes)');
  }
  const headerLength = buf.readUInt32LE(8);
  if (12 + headerLength > buf.length) throw new PredictionFileError(fileName, 'is truncated (header runs past the end)');
  let header: { kind?: unknown; meta?: unknown; n?: unknown; sha256?: unknown };
  try {
    header = JSON.parse(buf.subarray(12, 12 + headerLength).toString('utf8'));
  } catch {
    throw new PredictionFileError(fileName, 'has an unreadable header');
  }
  if (header.kind !== expectedKind) throw new PredictionFileError(fileName, `holds ${String(header.kind)}, expected ${expectedKind}`);
  const meta = header.meta as PredictionMeta | undefined;
  if (!meta || typeof meta.testSet !== 'string' || typeof meta.labelsSha256 !== 'string') {
    throw new PredictionFileError(fileName, 'has an unreadable header (no test set or labels checksum)');
  }
  const data = buf.subarray(12 + headerLength);
  if (typeof header.n !== 'number' || data.length !== header.n) {
    throw new PredictionFileError(fileName, `is truncated (${data.length} of ${String(header.n)} samples)`);
  }
  if (sha256Hex(data) !== header.sha256) throw new PredictionFileError(fileName, 'is damaged (its data does not match its checksum)');
  return { kind: expectedKind, meta, classes: new Uint8Array(data) };
}

/** Where the predictions of one evaluation live in run folder `dir`. */
export function predictionsPath(dir: string, e: { arm: string; seed: number; label: string; testSet: string }): string {
  return path.join(dir, 'predictions', safeName(e.arm), `seed-${e.seed}`, safeName(e.label), `${testSetFileName(e.testSet)}.mfxp`);
}

/** Where the labels of a test set live in run folder `dir` (an arm called `labels` cannot clash: its folder holds seed-N folders, this one .mfxp files). */
export function labelsPath(dir: string, testSet: string): string {
  return path.join(dir, 'predictions', 'labels', `${testSetFileName(testSet)}.mfxp`);
}

/** One evaluation as the run folder names it. */
export interface EvalKey {
  arm: string;
  seed: number;
  label: string;
  testSet: string;
}

export interface StoredPredictions {
  predicted: Uint8Array;
  labels: Uint8Array;
  labelsSha256: string;
}

/**
 * The predictions of one evaluation in run folder `dir` with the labels they were scored
 * against, both verified (checksums, matching header, same length); null when the run folder
 * has no predictions file for it (a run made before predictions were kept, or not evaluated).
 */
export function readPredictions(dir: string, key: EvalKey): StoredPredictions | null {
  const file = predictionsPath(dir, key);
  if (!existsSync(file)) return null;
  const p = decodePredictionFile(readFileSync(file), 'predictions', file);
  const m = p.meta;
  if (m.testSet !== key.testSet || m.arm !== key.arm || m.seed !== key.seed || m.label !== key.label) {
    throw new PredictionFileError(file, `belongs to another evaluation (${m.arm} seed ${m.seed} ${m.label} on ${m.testSet})`);
  }
  const labelsFile = labelsPath(dir, key.testSet);
  if (!existsSync(labelsFile)) throw new PredictionFileError(labelsFile, 'is missing (the labels of the stored predictions)');
  const l = decodePredictionFile(readFileSync(labelsFile), 'labels', labelsFile);
  if (l.meta.labelsSha256 !== m.labelsSha256 || sha256Hex(l.classes) !== m.labelsSha256) {
    throw new PredictionFileError(file, 'was scored against other labels than the ones stored for its test set');
  }
  if (l.classes.length !== p.classes.length) throw new PredictionFileError(file, `holds ${p.classes.length} samples, its labels ${l.classes.length}`);
  return { predicted: p.classes, labels: l.classes, labelsSha256: m.labelsSha256 };
}
