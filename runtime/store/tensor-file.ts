// The binary container for weights and checkpoints (`.mfxw`, `.mfxc`):
//   bytes 0..7   magic `MFXTENS1`
//   bytes 8..11  header length H (uint32, little-endian)
//   bytes 12..   header: UTF-8 JSON { kind, meta, tensors: [{ name, shape, offset, length }], sha256 }
//   then         float32 little-endian data; offset/length count float32 elements from the data start.
// `sha256` covers the data, so a truncated or altered file is detected when read.
import { createHash } from 'node:crypto';

const MAGIC = 'MFXTENS1';

export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface TensorFile<M> {
  kind: string;
  meta: M;
  tensors: NamedArray[];
}

/** Why a tensor file cannot be read; `reason` is one sentence. */
export class TensorFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'TensorFileError';
  }
}

/** Serialises a tensor file. */
export function encodeTensorFile<M>(file: TensorFile<M>): Buffer {
  let offset = 0;
  const entries = file.tensors.map((t) => {
    const e = { name: t.name, shape: t.shape, offset, length: t.values.length };
    offset += t.values.length;
    return e;
  });
  const data = Buffer.alloc(offset * 4);
  for (let i = 0; i < file.tensors.length; i++) {
    const v = file.tensors[i].values;
    for (let k = 0; k < v.length; k++) data.writeFloatLE(v[k], (entries[i].offset + k) * 4);
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  const header = Buffer.from(JSON.stringify({ kind: file.kind, meta: file.meta, tensors: entries, sha256 }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length, 0);
  return Buffer.concat([Buffer.from(MAGIC, 'ascii'), len, header, data]);
}

/** Parses and verifies a tensor file of the expected kind. */
export function decodeTensorFile<M>(bytes: Buffer, expectedKind: string, fileName: string): TensorFile<M> {
  if (bytes.length < 12 || bytes.subarray(0, 8).toString('ascii') !== MAGIC) {
    throw new TensorFileError(fileName, 'is not an mfx tensor file (wrong magic bytes)');
  }
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) throw new TensorFileError(fileName, 'is truncated (header runs past the end)');
  let header: { kind: string; meta: M; tensors: { name: string; shape: number[]; offset: number; length: number }[]; sha256: string };
  try {
    header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8'));
  } catch {
    throw new TensorFileError(fileName, 'has an unreadable header');
  }
  if (header.kind !== expectedKind) throw new TensorFileError(fileName, `holds ${header.kind}, expected ${expectedKind}`);
  const data = bytes.subarray(12 + headerLength);
  if (createHash('sha256').update(data).digest('hex') !== header.sha256) {
    throw new TensorFileError(fileName, 'is damaged (its data does not match its checksum)');
  }
  const tensors = header.tensors.map((e) => {
    if ((e.offset + e.length) * 4 > data.length) throw new TensorFileError(fileName, `is truncated (tensor ${e.name})`);
    const values = new Float32Array(e.length);
    for (let k = 0; k < e.length; k++) values[k] = data.readFloatLE((e.offset + k) * 4);
    return { name: e.name, shape: e.shape, values };
  });
  return { kind: header.kind, meta: header.meta, tensors };
}
