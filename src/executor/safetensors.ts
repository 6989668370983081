/**
 * A minimal single-tensor safetensors codec: what the store needs for TensorRef blobs. Written
 * here (not imported from src/ml) because the executor must never import ML code; src/ml has the
 * full multi-tensor reader/writer. Format: u64 little-endian header length, a JSON header
 * `{"tensor":{"dtype","shape","data_offsets"}}` padded with spaces to 8 bytes, then the raw
 * little-endian data. The header is written in one fixed field order, so equal tensors give
 * equal bytes and therefore one blob.
 */
import type { TensorData, TensorDType } from '../nodes/types.js';

export const TENSOR_NAME = 'tensor';

const BYTES_PER: Record<TensorDType, number> = { F32: 4, I32: 4, F16: 2, BF16: 2, U8: 1, I64: 8, F64: 8 };

type Typed = TensorData['data'];

function expectedArray(dtype: TensorDType): string {
  switch (dtype) {
    case 'F32':
      return 'Float32Array';
    case 'I32':
      return 'Int32Array';
    case 'F16':
    case 'BF16':
      return 'Uint16Array';
    case 'U8':
      return 'Uint8Array';
    case 'I64':
      return 'BigInt64Array';
    case 'F64':
      return 'Float64Array';
  }
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`safetensors: bad dimension ${String(d)} in shape [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

export function encodeTensor(t: TensorData): Uint8Array {
  const per = BYTES_PER[t.dtype];
  if (per === undefined) throw new Error(`safetensors: unknown dtype ${String(t.dtype)}`);
  const want = expectedArray(t.dtype);
  if (t.data.constructor.name !== want) {
    throw new Error(`safetensors: dtype ${t.dtype} needs a ${want}, got ${t.data.constructor.name}`);
  }
  const n = elementCount(t.shape);
  if (t.data.length !== n) {
    throw new Error(`safetensors: shape [${t.shape.join(', ')}] holds ${n} values, data has ${t.data.length}`);
  }
  const nbytes = n * per;
  let header = JSON.stringify({ [TENSOR_NAME]: { dtype: t.dtype, shape: t.shape, data_offsets: [0, nbytes] } });
  header += ' '.repeat((8 - (header.length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + headerBytes.length + nbytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, nbytes), 8 + headerBytes.length);
  return out;
}

export function decodeTensor(bytes: Uint8Array, what = 'tensor blob'): TensorData {
  if (bytes.length < 8) throw new Error(`safetensors: ${what} is ${bytes.length} bytes, too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (8 + headerLen > bytes.length) throw new Error(`safetensors: ${what} header length ${headerLen} exceeds file`);
  let header: Record<string, { dtype: TensorDType; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as typeof header;
  } catch (e) {
    throw new Error(`safetensors: ${what} header is not JSON (${(e as Error).message})`, { cause: e });
  }
  const entry = header[TENSOR_NAME];
  if (!entry) throw new Error(`safetensors: ${what} has no tensor named '${TENSOR_NAME}'`);
  const per = BYTES_PER[entry.dtype];
  if (per === undefined) throw new Error(`safetensors: ${what} has unknown dtype ${String(entry.dtype)}`);
  const [begin, end] = entry.data_offsets;
  const n = elementCount(entry.shape);
  if (end - begin !== n * per) throw new Error(`safetensors: ${what} data size ${end - begin} does not match shape`);
  const start = 8 + headerLen + begin;
  if (start + n * per > bytes.length) throw new Error(`safetensors: ${what} is truncated`);
  // Copy into a fresh aligned buffer: typed arrays need aligned offsets.
  // (Buffer.slice would be a view into a shared pool, hence the explicit copy.)
  const copy = new Uint8Array(n * per);
  copy.set(bytes.subarray(start, start + n * per));
  const raw = copy.buffer;
  return { dtype: entry.dtype, shape: [...entry.shape], data: typedView(entry.dtype, raw) };
}

function typedView(dtype: TensorDType, buf: ArrayBuffer): Typed {
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf);
    case 'I32':
      return new Int32Array(buf);
    case 'F16':
    case 'BF16':
      return new Uint16Array(buf);
    case 'U8':
      return new Uint8Array(buf);
    case 'I64':
      return new BigInt64Array(buf);
    case 'F64':
      return new Float64Array(buf);
  }
}
