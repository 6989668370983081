/**
 * NumPy's .npy format (version 1.0) for one tensor, so that a user's analysis step reads a
 * stored tensor with `numpy.load(path)`. Hand-written: the format is a magic string, a padded
 * Python-dict header and the raw little-endian data, and no npm library writes it without
 * pulling in a numerics stack. BF16 has no NumPy dtype and is widened to float32 (exactly).
 */
import type { DType, TensorData } from './types.js';

const DESCR: Record<DType, string> = { F32: '<f4', F64: '<f8', F16: '<f2', BF16: '<f4', I32: '<i4', I64: '<i8', U8: '|u1' };

function littleEndianBytes(t: TensorData): Uint8Array {
  if (t.dtype === 'BF16') {
    const bits = t.data as Uint16Array;
    const out = new Float32Array(bits.length);
    const view = new Uint32Array(out.buffer);
    for (let i = 0; i < bits.length; i++) view[i] = (bits[i] as number) << 16;
    return new Uint8Array(out.buffer);
  }
  // Typed arrays use the platform's byte order; every platform Node runs on is little-endian.
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

export function encodeNpy(t: TensorData): Uint8Array {
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[t.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + header length (2) + header + '\n', padded to a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const data = littleEndianBytes(t);
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, total);
  return out;
}
