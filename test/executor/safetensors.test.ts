import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTensor, encodeTensor } from '../../src/executor/safetensors.js';
import type { TensorData } from '../../src/nodes/types.js';

void test('single-tensor safetensors round-trips every dtype', () => {
  const cases: TensorData[] = [
    { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) },
    { dtype: 'I32', shape: [3], data: Int32Array.from([-1, 0, 7]) },
    { dtype: 'F16', shape: [2], data: Uint16Array.from([0x3c00, 0x4000]) },
    { dtype: 'BF16', shape: [1], data: Uint16Array.from([0x3f80]) },
    { dtype: 'U8', shape: [4], data: Uint8Array.from([0, 1, 254, 255]) },
    { dtype: 'I64', shape: [2], data: BigInt64Array.from([-5n, 1n << 40n]) },
    { dtype: 'F64', shape: [], data: Float64Array.from([Math.PI]) },
  ];
  for (const t of cases) {
    const bytes = encodeTensor(t);
    const back = decodeTensor(bytes);
    assert.equal(back.dtype, t.dtype);
    assert.deepEqual(back.shape, t.shape);
    assert.deepEqual([...back.data], [...t.data]);
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(headerLen % 8, 0, 'header padded to 8 bytes');
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(header), ['tensor']);
  }
});

void test('equal tensors encode to equal bytes (so they share a blob)', () => {
  const a = encodeTensor({ dtype: 'F32', shape: [2], data: Float32Array.from([1, 2]) });
  const b = encodeTensor({ dtype: 'F32', shape: [2], data: new Float32Array(new Float32Array([0, 1, 2]).buffer, 4, 2) });
  assert.deepEqual(a, b);
});

void test('bad tensors are rejected with what is wrong', () => {
  assert.throws(() => encodeTensor({ dtype: 'F32', shape: [3], data: Float32Array.from([1, 2]) }), /holds 3 values, data has 2/);
  assert.throws(() => encodeTensor({ dtype: 'I32', shape: [1], data: Float32Array.from([1]) }), /needs a Int32Array/);
  const good = encodeTensor({ dtype: 'F32', shape: [4], data: new Float32Array(4) });
  assert.throws(() => decodeTensor(good.subarray(0, good.length - 2)), /truncated/);
});
