import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Hex } from '../../src/artifacts/canonical-json.js';
import { decodeSafetensors, decodeTensor, encodeSafetensors, encodeTensor } from '../../src/artifacts/safetensors.js';
import type { TensorData } from '../../src/artifacts/types.js';

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

void test('tensor blobs keep their bytes across versions (stored tensors stay shared, caches stay valid)', () => {
  // Digests of encodeTensor's output as the executor's own codec wrote them before the codecs merged.
  assert.equal(sha256Hex(encodeTensor({ dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) })), '50fc60a324f4752d65eb8320bcc8459853b6134738cf89e76f6452e6b59cc824');
  assert.equal(sha256Hex(encodeTensor({ dtype: 'F64', shape: [3], data: Float64Array.from([0.5, -1, 1e300]) })), '0ed7787c8d2a066a521bad5c161ef86f4488266ccb170d318615661a1807fe7d');
  assert.equal(sha256Hex(encodeTensor({ dtype: 'I32', shape: [2], data: Int32Array.from([7, -7]) })), '76f7daa1eb4300e6b5d8bcf70a5c9681fad84cb2328dd04279f858e97e16a5a3');
});

void test('checkpoint files: many tensors, sorted keys, metadata, floats widened to F32 on request', () => {
  const bytes = encodeSafetensors(
    {
      'b.half': { dtype: 'F16', shape: [2], data: Uint16Array.from([0x3c00, 0xc000]) },
      'a.wide': { dtype: 'F64', shape: [1], data: Float64Array.from([0.25]) },
      'c.bf': { dtype: 'BF16', shape: [1], data: Uint16Array.from([0x3f80]) },
    },
    { format: 'pt' },
  );
  const raw = decodeSafetensors(bytes, 'x.safetensors');
  assert.deepEqual(raw.metadata, { format: 'pt' });
  assert.deepEqual([...raw.tensors.keys()], ['a.wide', 'b.half', 'c.bf']);
  assert.equal(raw.tensors.get('b.half')?.dtype, 'F16');
  const wide = decodeSafetensors(bytes, 'x.safetensors', { widen: true, only: (n) => n !== 'c.bf' });
  assert.deepEqual([...wide.tensors.keys()], ['a.wide', 'b.half']);
  for (const t of wide.tensors.values()) assert.equal(t.dtype, 'F32');
  assert.deepEqual([...wide.tensors.get('b.half')!.data], [1, -2]);
  assert.deepEqual([...wide.tensors.get('a.wide')!.data], [0.25]);
  assert.throws(() => decodeSafetensors(bytes.subarray(0, 5), 'x.safetensors'), /^SafetensorsError: x\.safetensors: truncated/);
});
