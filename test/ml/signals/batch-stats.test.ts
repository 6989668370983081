/**
 * The tensor-side reductions of a batch's captures: uniform attention rows give entropy ln n and
 * max 1/n over the valid keys; masked sums, pooled and [CLS] vectors agree with plain loops;
 * nothing leaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/ml/backend.js';
import { batchStats, layerGradientMoments } from '../../../src/ml/signals/batch-stats.js';

void test('uniform attention rows over n valid keys: entropy ln n, max 1/n (padding ignored)', async () => {
  await initBackend('cpu');
  const before = tf.memory().numTensors;
  // Two examples, 4 positions; example 0 has 3 valid tokens, example 1 has 4. Two heads.
  const mask = Int32Array.from([1, 1, 1, 0, 1, 1, 1, 1]);
  const probs: number[] = [];
  for (let b = 0; b < 2; b++) {
    const n = b === 0 ? 3 : 4;
    for (let h = 0; h < 2; h++) for (let q = 0; q < 4; q++) for (let k = 0; k < 4; k++) probs.push(k < n ? 1 / n : 0);
  }
  const attention = [tf.tensor4d(probs, [2, 2, 4, 4])];
  const s = await batchStats({ mask, batchSize: 2, seqLen: 4, attention }, 1e-10, 1);
  tf.dispose(attention);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(s.tokens, 7);
  // Sums over (example, head, valid query): 3 queries x 2 heads of ln 3, 4 x 2 of ln 4.
  const wantEnt = 6 * Math.log(3) + 8 * Math.log(4);
  assert.ok(Math.abs(s.sums[5]! - wantEnt) < 1e-4, `entropy sum ${s.sums[5]} vs ${wantEnt}`);
  assert.ok(Math.abs(s.sums[4]! - (6 / 3 + 8 / 4)) < 1e-5);
  // Per row, the flat mean over a single example is exactly ln n.
  const one = await batchStats({ mask: Int32Array.from([1, 1, 1, 0]), batchSize: 1, seqLen: 4, attention: [tf.tensor4d(probs.slice(0, 32), [1, 2, 4, 4])] }, 1e-10, 1);
  assert.ok(Math.abs(one.sums[5]! / (3 * 2) - Math.log(3)) < 1e-6);
  tf.disposeVariables();
});

void test('masked activation sums, negatives, pooled and [CLS] vectors match plain loops', async () => {
  await initBackend('cpu');
  const B = 2;
  const S = 3;
  const H = 2;
  const mask = Int32Array.from([1, 1, 0, 1, 0, 0]);
  const h0 = Array.from({ length: B * S * H }, (_, i) => Math.sin(i + 1));
  const h1 = Array.from({ length: B * S * H }, (_, i) => Math.cos(3 * i) * 2);
  const ffn = Array.from({ length: B * S * 3 }, (_, i) => (i % 4) - 1.5);
  const hidden = [tf.tensor3d(h0, [B, S, H]), tf.tensor3d(h1, [B, S, H])];
  const ffnPre = [tf.tensor3d(ffn, [B, S, 3])];
  const before = tf.memory().numTensors;
  const s = await batchStats({ mask, batchSize: B, seqLen: S, hidden, ffnPre }, 1e-10, 1);
  assert.equal(tf.memory().numTensors, before);
  let abs = 0;
  let sq = 0;
  let neg = 0;
  let fneg = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < S; t++) {
      if (!mask[b * S + t]) continue;
      for (let j = 0; j < H; j++) {
        const v = h1[(b * S + t) * H + j]!;
        abs += Math.abs(v);
        sq += v * v;
        neg += v < 0 ? 1 : 0;
      }
      for (let j = 0; j < 3; j++) fneg += ffn[(b * S + t) * 3 + j]! < 0 ? 1 : 0;
    }
  }
  assert.ok(Math.abs(s.sums[0]! - abs) < 1e-5);
  assert.ok(Math.abs(s.sums[1]! - sq) < 1e-5);
  assert.equal(s.sums[2], neg);
  assert.equal(s.sums[3], fneg);
  // Pooled at depth 1, example 0: mean of tokens 0 and 1; example 1: token 0 only.
  const p = s.pooled!;
  const at = (d: number, b: number, j: number) => p[d * B * H + b * H + j]!;
  assert.ok(Math.abs(at(1, 0, 0) - (h1[0]! + h1[2]!) / 2) < 1e-6);
  assert.ok(Math.abs(at(1, 1, 1) - h1[7]!) < 1e-6);
  assert.ok(Math.abs(s.cls![1 * B * H + 1 * H + 0]! - h1[6]!) < 1e-6);
  tf.dispose([...hidden, ...ffnPre]);
});

void test('layer gradient moments average over all of a layer\'s parameters', async () => {
  await initBackend('cpu');
  const grads = new Map<string, tf.Tensor>([
    ['bert.encoder.layer.0.attention.self.query.weight', tf.tensor1d([1, -2])],
    ['bert.encoder.layer.0.output.LayerNorm.bias', tf.tensor1d([3, -2])],
    ['bert.encoder.layer.1.output.dense.bias', tf.tensor1d([0.5])],
    ['bert.embeddings.LayerNorm.bias', tf.tensor1d([100])],
  ]);
  const m = await layerGradientMoments(grads, [0, 1]);
  assert.deepEqual([...m.absMean], [2, 0.5]);
  assert.deepEqual([...m.sqMean], [4.5, 0.25]);
  tf.dispose([...grads.values()]);
});
