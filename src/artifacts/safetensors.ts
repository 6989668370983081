/**
 * The one safetensors codec (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]},
 * __metadata__?} padded with spaces to 8 bytes, then the raw little-endian tensor bytes.
 * Hand-written because it is ~150 lines and no maintained npm package reads F16/BF16 into
 * Float32Array without pulling a framework.
 *
 * Two uses: checkpoint files (many tensors; `widen` turns F16, BF16 and F64 into F32 for the
 * model code), and the store's tensor blobs (`encodeTensor`/`decodeTensor`: one tensor named
 * `tensor`, dtype kept as stored). Headers are written in one fixed key order with keys sorted,
 * so equal tensors give equal bytes and therefore one blob.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { checkSafetensorsHeader, DTYPE_BYTES, SafetensorsError } from './safetensors-check.js';
import type { DType, TensorData } from './types.js';

/** The tensor name inside a store blob. */
export const TENSOR_NAME = 'tensor';

const BYTES = DTYPE_BYTES as Readonly<Record<DType, number>>;

const ARRAY: Record<DType, string> = {
  F32: 'Float32Array',
  F16: 'Uint16Array',
  BF16: 'Uint16Array',
  F64: 'Float64Array',
  I32: 'Int32Array',
  I64: 'BigInt64Array',
  U8: 'Uint8Array',
};

export { SafetensorsError };

function isDType(d: unknown): d is DType {
  return typeof d === 'string' && Object.hasOwn(BYTES, d);
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new SafetensorsError(`bad dimension ${String(d)} in shape [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

/** IEEE half -> float (exact: every half is representable as a float). */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Typed array over a fresh, aligned copy: offsets in a file need not be aligned, and a Buffer's slice is a view into a shared pool. */
function typed(dtype: DType, bytes: Uint8Array, count: number, widen: boolean): TensorData['data'] {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const buf = copy.buffer;
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf, 0, count);
    case 'F64':
      return widen ? Float32Array.from(new Float64Array(buf, 0, count)) : new Float64Array(buf, 0, count);
    case 'F16': {
      const src = new Uint16Array(buf, 0, count);
      if (!widen) return src;
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(src[i]!);
      return out;
    }
    case 'BF16': {
      const src = new Uint16Array(buf, 0, count);
      if (!widen) return src;
      // bf16 is the top half of an f32.
      const wide = new Uint32Array(count);
      for (let i = 0; i < count; i++) wide[i] = src[i]! << 16;
      return new Float32Array(wide.buffer);
    }
    case 'I32':
      return new Int32Array(buf, 0, count);
    case 'I64':
      return new BigInt64Array(buf, 0, count);
    case 'U8':
      return new Uint8Array(buf, 0, count);
  }
}

export interface DecodeOptions {
  /** Decode only the tensors this accepts (the header is still checked whole). */
  only?: (name: string) => boolean;
  /** Read F16, BF16 and F64 as F32 (what model code wants); default: keep the stored dtype. */
  widen?: boolean;
}

/** Parse safetensors bytes. `source` names the file or blob in errors. */
export function decodeSafetensors(bytes: Uint8Array, source: string, opts: DecodeOptions = {}): { tensors: Map<string, TensorData>; metadata: Record<string, string> } {
  // The whole header is validated (offsets, overlaps, duplicate keys) before any tensor is read.
  const { entries, metadata, dataStart } = checkSafetensorsHeader(bytes, source);
  const tensors = new Map<string, TensorData>();
  for (const e of entries) {
    if (opts.only && !opts.only(e.name)) continue;
    const dtype = e.dtype as DType;
    const widened = opts.widen === true && (dtype === 'F16' || dtype === 'BF16' || dtype === 'F64');
    tensors.set(e.name, {
      dtype: widened ? 'F32' : dtype,
      shape: [...e.shape],
      data: typed(dtype, bytes.subarray(dataStart + e.begin, dataStart + e.end), e.count, opts.widen === true),
    });
  }
  return { tensors, metadata };
}

/** Tensor names and shapes from the header alone (validated), without decoding any data. */
export function safetensorsShapes(bytes: Uint8Array, source: string): Map<string, number[]> {
  return new Map(checkSafetensorsHeader(bytes, source).entries.map((e) => [e.name, e.shape]));
}

/** Serialize tensors: keys sorted, header padded to 8 bytes as the reference writer does. */
export function encodeSafetensors(tensors: ReadonlyMap<string, TensorData> | Readonly<Record<string, TensorData>>, metadata?: Record<string, string>): Uint8Array {
  const entries = (tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    const dtype: unknown = t.dtype;
    if (!isDType(dtype)) throw new SafetensorsError(`tensor ${name}: unknown dtype ${String(dtype)}`);
    if (t.data.constructor.name !== ARRAY[dtype]) throw new SafetensorsError(`tensor ${name}: dtype ${dtype} needs a ${ARRAY[dtype]}, got ${t.data.constructor.name}`);
    const count = elementCount(t.shape);
    if (t.data.length !== count) throw new SafetensorsError(`tensor ${name}: shape [${t.shape.join(', ')}] holds ${count} values, data has ${t.data.length}`);
    const size = count * BYTES[dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = new Uint8Array(raw.length + ((8 - (raw.length % 8)) % 8)).fill(0x20);
  headerBytes.set(raw);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, t] of entries) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** A store blob: one tensor named `tensor`, so equal tensors under any name share one blob. */
export function encodeTensor(t: TensorData): Uint8Array {
  return encodeSafetensors({ [TENSOR_NAME]: t });
}

/** A store blob back to its tensor, in the dtype it was stored in. */
export function decodeTensor(bytes: Uint8Array, what = 'tensor blob'): TensorData {
  const t = decodeSafetensors(bytes, what).tensors.get(TENSOR_NAME);
  if (!t) throw new SafetensorsError(`${what}: has no tensor named '${TENSOR_NAME}'`);
  return t;
}

/** A safetensors file's bytes; an unreadable file is a SafetensorsError naming it. */
export async function readSafetensorsBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new SafetensorsError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Read a checkpoint file; floating tensors are widened to F32 for the model code. */
export async function readSafetensors(path: string, only?: (name: string) => boolean): Promise<Map<string, TensorData>> {
  return decodeSafetensors(await readSafetensorsBytes(path), path, { widen: true, ...(only ? { only } : {}) }).tensors;
}

export async function writeSafetensors(path: string, tensors: ReadonlyMap<string, TensorData> | Readonly<Record<string, TensorData>>, metadata?: Record<string, string>): Promise<void> {
  await writeFile(path, encodeSafetensors(tensors, metadata));
}
