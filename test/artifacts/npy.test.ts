import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNpy } from '../../src/artifacts/npy.js';

function header(bytes: Uint8Array): { text: string; dataStart: number } {
  const len = bytes[8]! | (bytes[9]! << 8);
  return { text: new TextDecoder().decode(bytes.subarray(10, 10 + len)), dataStart: 10 + len };
}

void test('npy: magic, v1.0 header padded to 64 bytes, shape and little-endian data', () => {
  const bytes = encodeNpy({ dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) });
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const h = header(bytes);
  assert.equal(h.dataStart % 64, 0);
  assert.match(h.text, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
  assert.deepEqual([...new Float32Array(bytes.slice(h.dataStart).buffer)], [1, 2, 3, 4, 5, 6]);
});

void test('npy: a vector shape has a trailing comma; I64 and U8 descriptors; BF16 widens to float32 exactly', () => {
  assert.match(header(encodeNpy({ dtype: 'I64', shape: [2], data: new BigInt64Array([1n, 2n]) })).text, /'descr': '<i8', 'fortran_order': False, 'shape': \(2,\)/);
  assert.match(header(encodeNpy({ dtype: 'U8', shape: [1], data: new Uint8Array([7]) })).text, /'descr': '\|u1'/);
  const bf = encodeNpy({ dtype: 'BF16', shape: [2], data: new Uint16Array([0x3f80, 0xc000]) }); // 1.0, -2.0
  const h = header(bf);
  assert.match(h.text, /'descr': '<f4'/);
  assert.deepEqual([...new Float32Array(bf.slice(h.dataStart).buffer)], [1, -2]);
});
