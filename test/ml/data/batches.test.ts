import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBatches, type IndexedBatch } from '../../../src/ml/data/index.js';
import type { EncodedSplit } from '../../../src/ml/types.js';

const enc: EncodedSplit = {
  ids: [Int32Array.of(2, 10, 3), Int32Array.of(2, 11, 12, 13, 3), Int32Array.of(2, 3), Int32Array.of(2, 14, 15, 3), Int32Array.of(2, 16, 3)],
  labels: Int32Array.of(0, 1, 0, 1, 1),
};

function rows(b: IndexedBatch): number[][] {
  return Array.from({ length: b.batchSize }, (_, r) => Array.from(b.inputIds.subarray(r * b.seqLen, (r + 1) * b.seqLen)));
}

void test('pads each batch to its longest sequence and masks the padding', () => {
  const batches = makeBatches(enc, 2);
  assert.equal(batches.length, 3);
  const [b0, , b2] = batches as [IndexedBatch, IndexedBatch, IndexedBatch];
  assert.equal(b0.seqLen, 5);
  assert.deepEqual(rows(b0), [[2, 10, 3, 0, 0], [2, 11, 12, 13, 3]]);
  assert.deepEqual(Array.from(b0.attentionMask), [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(b0.tokenTypeIds ?? []), new Array(10).fill(0));
  assert.deepEqual(Array.from(b0.labels ?? []), [0, 1]);
  assert.deepEqual(Array.from(b0.indices), [0, 1]);
  assert.equal(b2.batchSize, 1);
  assert.equal(b2.seqLen, 3);
  assert.deepEqual(rows(b2), [[2, 16, 3]]);
});

void test('pad id is configurable', () => {
  const [b] = makeBatches({ ids: [Int32Array.of(5), Int32Array.of(5, 6)], labels: Int32Array.of(0, 1) }, 2, { padTokenId: 9 });
  assert.deepEqual(Array.from(b!.inputIds), [5, 9, 5, 6]);
});

void test('sorted by length without shuffle: indices keep track of every example', () => {
  const batches = makeBatches(enc, 2, { sortByLength: true });
  assert.deepEqual(batches.map((b) => Array.from(b.indices)), [[2, 0], [4, 3], [1]]);
  assert.deepEqual(batches.map((b) => b.seqLen), [3, 4, 5]);
});

void test('shuffling is seeded: same seed same order, every example once', () => {
  const a = makeBatches(enc, 2, { shuffleSeed: 1 }).flatMap((b) => Array.from(b.indices));
  const b = makeBatches(enc, 2, { shuffleSeed: 1 }).flatMap((b) => Array.from(b.indices));
  assert.deepEqual(a, b);
  assert.deepEqual([...a].sort(), [0, 1, 2, 3, 4]);
  const orders = new Set([1, 2, 3, 4, 5, 6].map((s) => makeBatches(enc, 2, { shuffleSeed: s }).flatMap((x) => Array.from(x.indices)).join()));
  assert.ok(orders.size > 1, 'different seeds give different orders');
  const sorted = makeBatches(enc, 2, { shuffleSeed: 3, sortByLength: true });
  assert.deepEqual(sorted.flatMap((x) => Array.from(x.indices)).sort(), [0, 1, 2, 3, 4]);
});

void test('bad batch sizes are errors', () => {
  assert.throws(() => makeBatches(enc, 0), /batch size must be a positive integer, got 0/);
});
