/**
 * The distillation loss against a value computed by hand for a tiny batch, its gradient
 * against central finite differences, its limits (alpha 0 and 1), and the batch-index lookup of
 * precomputed teacher logits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/ml/backend.js';
import { crossEntropyOf } from '../../../src/ml/bert/loss.js';
import { distillationLoss, distillationLossFn } from '../../../src/ml/distill/loss.js';

const ZS = [
  [1, 2, 0],
  [0.5, -1, 2],
];
const ZT = [
  [2, 1, 0],
  [0, 0, 3],
];
const Y = [1, 2];

/** log softmax in float64, by the definition. */
function logSoftmax(v: number[]): number[] {
  const m = Math.max(...v);
  const lse = m + Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0));
  return v.map((x) => x - lse);
}

/** The loss by its definition in plain float64 arithmetic. */
function byHand(zs: number[][], zt: number[][], y: number[], T: number, alpha: number): number {
  let kl = 0;
  let ce = 0;
  zs.forEach((s, b) => {
    const lt = logSoftmax(zt[b]!.map((x) => x / T));
    const ls = logSoftmax(s.map((x) => x / T));
    kl += lt.reduce((a, p, c) => a + Math.exp(p) * (p - ls[c]!), 0);
    ce -= logSoftmax(s)[y[b]!]!;
  });
  return alpha * T * T * (kl / zs.length) + (1 - alpha) * (ce / zs.length);
}

function lossOf(zs: number[][], T: number, alpha: number): number {
  return tf.tidy(() => distillationLoss(tf.tensor2d(zs), tf.tensor2d(ZT), tf.tensor1d(Y, 'int32'), { temperature: T, alpha }).dataSync()[0]!);
}

void test('the loss equals the value computed by hand (T = 2, alpha = 0.5)', async () => {
  await initBackend('cpu');
  // KL = 0.0714631406930788, CE = 0.32445863055076873 (batch means, nats), computed by hand:
  // 0.5 * 4 * KL + 0.5 * CE = 0.30515559666154196.
  assert.ok(Math.abs(byHand(ZS, ZT, Y, 2, 0.5) - 0.30515559666154196) < 1e-12);
  assert.ok(Math.abs(lossOf(ZS, 2, 0.5) - 0.30515559666154196) < 1e-6);
  for (const [T, alpha] of [[1, 0.3], [4, 0.9], [0.5, 1]] as const) {
    assert.ok(Math.abs(lossOf(ZS, T, alpha) - byHand(ZS, ZT, Y, T, alpha)) < 1e-5, `T ${T} alpha ${alpha}`);
  }
});

void test('alpha 0 is plain cross-entropy; equal logits have no soft loss', async () => {
  await initBackend('cpu');
  const ce = tf.tidy(() => crossEntropyOf(tf.tensor2d(ZS), tf.tensor1d(Y, 'int32')).dataSync()[0]!);
  assert.equal(lossOf(ZS, 2, 0), ce);
  const same = tf.tidy(() => distillationLoss(tf.tensor2d(ZT), tf.tensor2d(ZT), tf.tensor1d(Y, 'int32'), { temperature: 3, alpha: 1 }).dataSync()[0]!);
  assert.ok(Math.abs(same) < 1e-6);
  assert.throws(() => lossOf(ZS, 0, 0.5), /temperature must be > 0/);
  assert.throws(() => lossOf(ZS, 2, 1.5), /alpha must be in \[0, 1\]/);
});

void test('the gradient in the student logits matches central finite differences', async () => {
  await initBackend('cpu');
  const T = 2;
  const alpha = 0.5;
  const g = tf.tidy(() => tf.grad((zs: tf.Tensor) => distillationLoss(zs as tf.Tensor2D, tf.tensor2d(ZT), tf.tensor1d(Y, 'int32'), { temperature: T, alpha }))(tf.tensor2d(ZS)).arraySync() as number[][]);
  const h = 1e-5;
  for (let b = 0; b < 2; b++) {
    for (let c = 0; c < 3; c++) {
      const plus = ZS.map((r) => [...r]);
      const minus = ZS.map((r) => [...r]);
      plus[b]![c]! += h;
      minus[b]![c]! -= h;
      const fd = (byHand(plus, ZT, Y, T, alpha) - byHand(minus, ZT, Y, T, alpha)) / (2 * h);
      assert.ok(Math.abs(g[b]![c]! - fd) < 1e-4, `d/dz[${b}][${c}]: ${g[b]![c]} vs ${fd}`);
    }
  }
  // Rows of the gradient sum to 0 (both terms are functions of softmax, shift-invariant).
  for (const row of g) assert.ok(Math.abs(row.reduce((a, x) => a + x, 0)) < 1e-6);
});

void test('the training loss picks each batch row\'s teacher logits by example index', async () => {
  await initBackend('cpu');
  // Teacher logits of 4 examples; the batch holds examples 3 and 1 (ZT's rows).
  const teacher = Float32Array.from([9, 9, 9, ...ZT[1]!, 7, 7, 7, ...ZT[0]!]);
  const fn = distillationLossFn(teacher, 3, { temperature: 2, alpha: 0.5 });
  const batch = { batchSize: 2, seqLen: 1, inputIds: new Int32Array(2), attentionMask: new Int32Array(2), labels: Int32Array.from(Y), indices: Int32Array.of(3, 1) };
  const v = tf.tidy(() => fn(tf.tensor2d(ZS), tf.tensor1d(Y, 'int32'), batch).dataSync()[0]!);
  assert.ok(Math.abs(v - 0.30515559666154196) < 1e-6);
  const noIndex = { ...batch, indices: undefined };
  assert.throws(() => tf.tidy(() => fn(tf.tensor2d(ZS), tf.tensor1d(Y, 'int32'), noIndex)), /no example indices/);
});
