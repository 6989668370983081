/** Exact values of the statistic- and weight-based signals, orientation and the baselines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orient, orderByKeep } from '../../../src/ml/signals/orient.js';
import { weightEntropy, weightNorm, weightSparsity } from '../../../src/ml/signals/weight-signals.js';
import { gradientFisher, gradientMagnitudes, gradientMoments } from '../../../src/ml/signals/stat-signals.js';
import { bottomUp, randomOrder, topDown, ablationOrder } from '../../../src/ml/signals/baselines.js';
import { signalScores } from '../../../src/ml/signals/compute.js';
import type { CapturedStats } from '../../../src/ml/signals/captured.js';

function stats(over: Partial<CapturedStats>): CapturedStats {
  const L = over.layers?.length ?? 2;
  const z = () => new Float64Array(L);
  return {
    layers: [0, 1], n: 0, hidden: 1, intermediate: 1, heads: 1, labels: new Int32Array(0), tokens: 1,
    actAbsSum: z(), actSqSum: z(), actNegCount: z(), ffnNegCount: z(), attnMaxSum: z(), attnEntropySum: z(),
    pooled: [], cls: [], batches: 0, gradAbsMean: new Float64Array(0), gradSqMean: new Float64Array(0), eps: 1e-10,
    groups: ['hidden', 'ffn', 'attention', 'gradients'],
    ...over,
  };
}

void test('orientation: keep is the score (low) or its negative (high); ties go to the lower layer', () => {
  const low = orient([0.5, 0.2, 0.5, 0.1], 'low');
  assert.deepEqual(low.keep, [0.5, 0.2, 0.5, 0.1]);
  assert.deepEqual(low.order, [3, 1, 0, 2]);
  const high = orient([0.5, 0.2, 0.5, 0.1], 'high');
  assert.deepEqual(high.keep, [-0.5, -0.2, -0.5, -0.1]);
  assert.deepEqual(high.order, [0, 2, 1, 3]);
  assert.deepEqual(orderByKeep([1, 1, 1]), [0, 1, 2]);
  // Original layer ids of a pruned model: ties still by the lower id.
  assert.deepEqual(orient([2, 1, 2], 'low', [5, 3, 1]).order, [3, 1, 5]);
  assert.ok(!Object.is(orient([0], 'high').keep[0], -0));
  assert.throws(() => orient([1, NaN], 'low'), /layer 1 is NaN/);
});

void test('weight signals: Frobenius norm, sparsity at a threshold, histogram entropy', () => {
  const mats = [Float32Array.from([3, 0]), Float32Array.from([0, 4])];
  assert.equal(weightNorm(mats), 5);
  const w = [Float32Array.from([0.0005, -0.0009, 0.001, -0.5, 0.2])];
  assert.equal(weightSparsity(w, 1e-3), 2 / 5);
  assert.equal(weightSparsity(w, 0.3), 4 / 5);
  const uniform = [Float32Array.from([0, 1, 2, 3]), Float32Array.from([0, 1, 2, 3])];
  assert.ok(Math.abs(weightEntropy(uniform, 4) - Math.log(4)) < 1e-12);
});

void test('gradient-fisher and gradient-magnitudes from known gradients', () => {
  // Layer parameters: two tensors; mean |g| = (1+2+3+2)/4 = 2, mean g^2 = (1+4+9+4)/4 = 4.5.
  const m = gradientMoments([Float32Array.from([1, -2]), Float32Array.from([3, -2])]);
  assert.equal(m.absMean, 2);
  assert.equal(m.sqMean, 4.5);
  // Two batches, two layers, averaged over batches.
  const s = stats({ batches: 2, gradAbsMean: Float64Array.from([2, 1, 4, 3]), gradSqMean: Float64Array.from([4.5, 1, 0.5, 3]) });
  assert.deepEqual(gradientMagnitudes(s), [3, 2]);
  assert.deepEqual(gradientFisher(s), [2.5, 2]);
});

void test('attention entropy of uniform rows is ln n (sums as captured)', () => {
  // 3 valid tokens, 2 heads: each valid query row uniform over 3 keys.
  const tokens = 3;
  const heads = 2;
  const s = stats({ tokens, heads, attnEntropySum: Float64Array.from([tokens * heads * Math.log(3), 0]), attnMaxSum: Float64Array.from([tokens * heads / 3, tokens * heads]) });
  const e = signalScores('attention-entropy', s);
  assert.ok(Math.abs(e[0]! - Math.log(3)) < 1e-12);
  assert.deepEqual(signalScores('attention-weight', s), [1 / 3, 1]);
});

void test('a signal whose capture group was not kept names the capture parameter', () => {
  assert.throws(() => signalScores('gradient-fisher', stats({ groups: ['hidden'] })), /needs the capture's 'gradients' statistics.*'tensors' parameter/);
  assert.throws(() => signalScores('weight-norm', stats({ layers: [0] })), /at least 2 layers/);
});

void test('baselines: seeded random, top-down, bottom-up, ablation', () => {
  const a = randomOrder([0, 1, 2, 3, 4, 5], 7);
  assert.deepEqual(randomOrder([0, 1, 2, 3, 4, 5], 7), a);
  assert.deepEqual([...a.order].sort(), [0, 1, 2, 3, 4, 5]);
  const others = [1, 2, 3, 4, 5].map((s) => randomOrder([0, 1, 2, 3, 4, 5], s).order.join());
  assert.ok(others.some((o) => o !== a.order.join()), 'different seeds give different orders');
  assert.deepEqual(topDown([0, 1, 2, 3]).order, [3, 2, 1, 0]);
  assert.deepEqual(bottomUp([0, 2, 3]).order, [0, 2, 3]);
  // Equal drops: lower layer first.
  assert.deepEqual(ablationOrder([0, 0, 0.02, 0.02], [0, 1, 2, 3]).order, [0, 1, 2, 3]);
  assert.deepEqual(ablationOrder([0.1, 0, 0.05], [0, 1, 2]).order, [1, 2, 0]);
});
