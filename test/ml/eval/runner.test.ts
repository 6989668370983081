import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSplit } from '../../../src/ml/eval/index.js';
import type { EncodedSplit } from '../../../src/ml/types.js';

void test('runSplit batches by length and returns outputs in example order', async () => {
  // Each example's "logits" encode its first real token, so misplaced rows are visible.
  const enc: EncodedSplit = {
    ids: [Int32Array.of(2, 7, 7, 7, 3), Int32Array.of(2, 5, 3), Int32Array.of(2, 9, 9, 3), Int32Array.of(2, 6, 3), Int32Array.of(2, 8, 8, 8, 8, 8, 3)],
    labels: Int32Array.of(1, 0, 1, 0, 1),
  };
  const seen: number[] = [];
  const progress: Array<[number, number]> = [];
  const out = await runSplit(
    (batch) => {
      seen.push(batch.seqLen);
      const logits = new Float32Array(batch.batchSize * 2);
      for (let r = 0; r < batch.batchSize; r++) {
        const first = batch.inputIds[r * batch.seqLen + 1]!;
        const valid = batch.attentionMask.subarray(r * batch.seqLen, (r + 1) * batch.seqLen).reduce((a, b) => a + b, 0);
        logits[r * 2] = first;
        logits[r * 2 + 1] = valid;
      }
      return logits;
    },
    enc,
    { batchSize: 2, numLabels: 2, onProgress: (d, t) => progress.push([d, t]) },
  );
  assert.deepEqual(seen, [3, 5, 7], 'sorted by length: padding only within similar lengths');
  assert.deepEqual(Array.from(out.logits), [7, 5, 5, 3, 9, 4, 6, 3, 8, 7]);
  assert.deepEqual(Array.from(out.predictions), [0, 0, 0, 0, 0]);
  assert.deepEqual(progress, [[2, 5], [4, 5], [5, 5]]);
  await assert.rejects(runSplit(() => new Float32Array(1), enc, { batchSize: 2, numLabels: 2 }), /logits for a batch of 2 have 1 values, want 4/);
});

void test('runSplit refuses NaN or infinite logits instead of reporting an argmax of them', async () => {
  const enc: EncodedSplit = { ids: [Int32Array.of(2, 5, 3), Int32Array.of(2, 6, 3), Int32Array.of(2, 7, 3)], labels: Int32Array.of(0, 1, 0) };
  const poisoned = (bad: number) => (batch: { batchSize: number; indices: Int32Array }) => {
    const out = new Float32Array(batch.batchSize * 2);
    batch.indices.forEach((ex, r) => {
      if (ex === 1) out[r * 2 + 1] = bad;
    });
    return out;
  };
  await assert.rejects(runSplit(poisoned(NaN), enc, { batchSize: 2, numLabels: 2 }), { name: 'NonFiniteLogitsError', message: /logits are NaN for example 1/ });
  await assert.rejects(runSplit(poisoned(Infinity), enc, { batchSize: 2, numLabels: 2 }), /logits are Infinity for example 1/);
  const ok = await runSplit(poisoned(1), enc, { batchSize: 2, numLabels: 2 });
  assert.deepEqual(Array.from(ok.predictions), [0, 1, 0]);
});
