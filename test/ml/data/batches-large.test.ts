/** Batching a data-sized split: no array of its size is ever spread into a call (stack overflow). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeBatches } from '../../../src/ml/data/index.js';

void test('makeBatches sorts 250k sequences by length in one bucket without a stack overflow', () => {
  const n = 250_000;
  const ids = Array.from({ length: n }, (_, i) => new Int32Array(2 + (i % 7)));
  const batches = makeBatches({ ids, labels: new Int32Array(n) }, 50_000, { sortByLength: true });
  assert.equal(batches.length, 5);
  assert.equal(batches.reduce((s, b) => s + b.batchSize, 0), n);
  assert.deepEqual(batches.map((b) => b.seqLen), [3, 4, 6, 7, 8], 'shortest first');
});
