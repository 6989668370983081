/**
 * Malformed safetensors files are rejected from the header, before any tensor is decoded, with
 * the file and the tensor named: overlapping tensors, keys given twice (JSON.parse would keep
 * the last silently), offsets out of order or out of bounds, a header length beyond the file.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicateJsonKey } from '../../src/artifacts/safetensors-check.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/artifacts/safetensors.js';
import { badInputTests, thrownMessage, type BadInput } from '../util/bad-input.js';

/** A file from a raw header text and `dataLen` data bytes; `claim` overrides the header length. */
function file(header: string, dataLen: number, claim?: bigint): Uint8Array {
  const h = Buffer.from(header, 'utf8');
  const out = Buffer.alloc(8 + h.length + dataLen);
  out.writeBigUInt64LE(claim ?? BigInt(h.length), 0);
  h.copy(out, 8);
  return out;
}

const f32 = (begin: number, end: number, n = (end - begin) / 4): string => `{"dtype":"F32","shape":[${n}],"data_offsets":[${begin},${end}]}`;

const cases: Array<BadInput<Uint8Array>> = [
  { name: 'overlapping tensors', input: file(`{"a":${f32(0, 16)},"b":${f32(8, 24)}}`, 24), expect: 'm.safetensors: tensors a [0, 16] and b [8, 24] overlap (they share bytes)' },
  { name: 'two tensors on the same bytes', input: file(`{"a":${f32(0, 16)},"b":${f32(0, 16)}}`, 16), expect: 'm.safetensors: tensors a [0, 16] and b [0, 16] overlap' },
  { name: 'duplicate tensor name in the header', input: file(`{"a":${f32(0, 16)},"a":${f32(16, 32)}}`, 32), expect: 'm.safetensors: bad header: tensor "a" appears twice (a reader would silently keep one)' },
  { name: 'duplicate tensor name written with an escape', input: file(`{"ab":${f32(0, 16)},"a\\u0062":${f32(16, 32)}}`, 32), expect: 'bad header: tensor "ab" appears twice' },
  { name: 'duplicate field inside a tensor entry', input: file(`{"a":{"dtype":"F32","shape":[4],"dtype":"F16","data_offsets":[0,16]}}`, 16), expect: 'm.safetensors: bad header: key in a: "dtype" appears twice' },
  { name: 'data_offsets out of order', input: file(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[16,0]}}`, 16), expect: 'm.safetensors: tensor a: data_offsets [16, 0] are out of order' },
  { name: 'data_offsets beyond the data', input: file(`{"a":${f32(0, 16)},"b":${f32(16, 32)}}`, 20), expect: 'm.safetensors: truncated: tensor b ends at byte 32 of the data but the file holds only 20 data bytes' },
  { name: 'a gap between tensors', input: file(`{"a":${f32(0, 16)},"b":${f32(20, 36)}}`, 36), expect: 'm.safetensors: bytes [16, 20) of the data belong to no tensor (before b)' },
  { name: 'bytes after the last tensor', input: file(`{"a":${f32(0, 16)}}`, 24), expect: 'm.safetensors: 8 bytes after the last tensor (a) belong to no tensor' },
  { name: 'a header length beyond the file', input: file(`{"a":${f32(0, 16)}}`, 16, 1_000_000n), expect: 'm.safetensors: truncated or not safetensors: the header length is 1000000 bytes but the file has' },
  { name: 'a header length of 2^63', input: file('{}', 0, 2n ** 63n), expect: 'the header length is 9223372036854775808 bytes' },
  { name: 'a header that is not UTF-8', input: (() => { const b = file(`{"a":${f32(0, 16)}}`, 16); b[9] = 0xff; return b; })(), expect: 'm.safetensors: bad header: not UTF-8' },
  { name: 'a shape that does not fit its bytes', input: file(`{"a":{"dtype":"F32","shape":[5],"data_offsets":[0,16]}}`, 16), expect: 'm.safetensors: tensor a: data_offsets [0, 16] hold 16 bytes, shape [5] F32 needs 20' },
  { name: 'an astronomically large shape', input: file(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}`, 16), expect: 'm.safetensors: tensor a: shape [4294967296,4294967296] is too large' },
  { name: '__metadata__ with a non-string value', input: file(`{"__metadata__":{"format":1},"a":${f32(0, 16)}}`, 16), expect: 'm.safetensors: bad header: __metadata__ must map strings to strings' },
  { name: 'an unknown dtype', input: file(`{"a":{"dtype":"Q4","shape":[4],"data_offsets":[0,16]}}`, 16), expect: 'm.safetensors: tensor a: unsupported dtype Q4' },
];

badInputTests('bad safetensors', cases, (bytes) => thrownMessage(() => decodeSafetensors(bytes, 'm.safetensors')));

void test('well-formed files still parse, in any header order, with metadata and empty tensors', () => {
  const t = (n: number): { dtype: 'F32'; shape: number[]; data: Float32Array } => ({ dtype: 'F32', shape: [n], data: Float32Array.from({ length: n }, (_, i) => i) });
  const bytes = encodeSafetensors(new Map([['z', t(3)], ['a', t(2)], ['empty', t(0)]]), { format: 'pt' });
  const { tensors, metadata } = decodeSafetensors(bytes, 'ok.safetensors');
  assert.deepEqual([...tensors.keys()].sort(), ['a', 'empty', 'z']);
  assert.deepEqual(Array.from(tensors.get('z')!.data as Float32Array), [0, 1, 2]);
  assert.deepEqual(metadata, { format: 'pt' });
  const reordered = file(`{"b":${f32(16, 24)},"a":${f32(0, 16)}}`, 24);
  assert.deepEqual([...decodeSafetensors(reordered, 'r.safetensors').tensors.keys()], ['b', 'a']);
});

void test('duplicateJsonKey: strings that look like keys, nested objects and arrays', () => {
  assert.equal(duplicateJsonKey('{"a":"a","b":["a","a"],"c":{"a":1}}'), undefined);
  assert.deepEqual(duplicateJsonKey('{"x":{"y":[{"k":1,"k":2}]}}'), { key: 'k', path: ['x', 'y', '[0]'] });
  assert.deepEqual(duplicateJsonKey('{"q\\"":1,"q\\"":2}'), { key: 'q"', path: [] });
});
