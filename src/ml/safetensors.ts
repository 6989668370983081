/**
 * safetensors read/write (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?},
 * then the raw little-endian tensor bytes. Hand-written because it is ~150 lines and no
 * maintained npm package reads F16/BF16 into Float32Array without pulling a framework.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { checkSafetensorsHeader, DTYPE_BYTES, SafetensorsError } from './safetensors-check.js';

export type SafeDType = 'F32' | 'F16' | 'BF16' | 'F64' | 'I32' | 'I64' | 'U8';

/** A tensor as files hold it. Floating types are widened to Float32Array when read. */
export interface NamedTensor {
  dtype: SafeDType;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array | Float64Array | BigInt64Array | Uint16Array;
}

const BYTES = DTYPE_BYTES;

export { SafetensorsError };

/** IEEE half -> float (exact: every half is representable as a float). */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function decode(dtype: string, bytes: Uint8Array, count: number): NamedTensor['data'] {
  // Copy into a fresh, aligned buffer: offsets in the file need not be aligned, and a Node
  // Buffer's slice() is a view into a shared pool, not a copy.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const buf = copy.buffer;
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf, 0, count);
    case 'F64':
      return Float32Array.from(new Float64Array(buf, 0, count));
    case 'F16': {
      const src = new Uint16Array(buf, 0, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(src[i]!);
      return out;
    }
    case 'BF16': {
      // bf16 is the top half of an f32.
      const src = new Uint16Array(buf, 0, count);
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
    default:
      throw new Error(`unsupported dtype ${dtype}`);
  }
}

/** Dtype after reading: floating types are widened to F32. */
function readDType(dtype: string): SafeDType {
  return dtype === 'F16' || dtype === 'BF16' || dtype === 'F64' ? 'F32' : (dtype as SafeDType);
}

/**
 * Parse safetensors bytes. `source` names the file in errors. `only` limits which tensors are
 * decoded (the header is still checked whole, by checkSafetensorsHeader, before any is).
 */
export function parseSafetensors(
  bytes: Uint8Array,
  source: string,
  only?: (name: string) => boolean,
): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  const { entries, metadata, dataStart } = checkSafetensorsHeader(bytes, source);
  const tensors = new Map<string, NamedTensor>();
  for (const e of entries) {
    if (only && !only(e.name)) continue;
    tensors.set(e.name, {
      dtype: readDType(e.dtype),
      shape: e.shape,
      data: decode(e.dtype, bytes.subarray(dataStart + e.begin, dataStart + e.end), e.count),
    });
  }
  return { tensors, metadata };
}

/** Tensor names and shapes from the header alone (validated), without decoding any data. */
export function safetensorsShapes(bytes: Uint8Array, source: string): Map<string, number[]> {
  return new Map(checkSafetensorsHeader(bytes, source).entries.map((e) => [e.name, e.shape]));
}

/** A safetensors file's bytes; an unreadable file is a SafetensorsError naming it. */
export async function readSafetensorsBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new SafetensorsError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export async function readSafetensors(path: string, only?: (name: string) => boolean): Promise<Map<string, NamedTensor>> {
  return parseSafetensors(await readSafetensorsBytes(path), path, only).tensors;
}

/** Serialize tensors (keys sorted, 8-byte aligned header as the reference writer does). */
export function serializeSafetensors(tensors: Map<string, NamedTensor> | Record<string, NamedTensor>, metadata?: Record<string, string>): Uint8Array {
  const entries = (tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    const size = t.data.byteLength;
    const count = t.shape.reduce((a, b) => a * b, 1);
    const need = count * BYTES[t.dtype]!;
    if (size !== need) throw new SafetensorsError(`tensor ${name}: ${size} bytes of data for shape ${JSON.stringify(t.shape)} ${t.dtype} (needs ${need})`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = new Uint8Array(raw.length + ((8 - ((8 + raw.length) % 8)) % 8)).fill(0x20);
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

export async function writeSafetensors(path: string, tensors: Map<string, NamedTensor> | Record<string, NamedTensor>, metadata?: Record<string, string>): Promise<void> {
  await writeFile(path, serializeSafetensors(tensors, metadata));
}
