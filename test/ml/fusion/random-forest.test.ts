/** Random-forest fusion: seeded, fits, impurity importances; weighted-sum and rank-mean. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitForest } from '../../../src/ml/fusion/random-forest.js';
import { buildRows, fitPredict, fuseRankMean, fuseWeighted } from '../../../src/ml/fusion/fuse.js';
import { averageRanks } from '../../../src/ml/fusion/combine.js';

const x = [
  [0.1, 5, -1],
  [0.4, 3, 2],
  [0.2, 8, 0],
  [0.9, 1, 1],
  [0.5, 9, -2],
  [0.7, 2, 3],
  [0.3, 7, 0.5],
  [0.8, 4, -0.5],
];
const y = [0.01, 0.04, 0.02, 0.09, 0.05, 0.07, 0.03, 0.08];

void test('random forest: identical for equal seeds, different for different seeds', () => {
  const a = fitForest(x, y, { seed: 1, trees: 100 });
  const b = fitForest(x, y, { seed: 1, trees: 100 });
  const c = fitForest(x, y, { seed: 2, trees: 100 });
  assert.deepEqual(a.predict(x), b.predict(x));
  assert.deepEqual(a.importance, b.importance);
  assert.notDeepEqual(a.predict(x), c.predict(x));
});

void test('random forest fits in-sample closely and credits the informative feature', () => {
  // y is a monotone function of feature 0; features 1 and 2 are noise.
  const f = fitForest(x, y, { seed: 42, trees: 100 });
  const pred = f.predict(x);
  // Nearly interpolates (bootstrap leaves some rows out of some trees): within 0.015 of a
  // target spanning 0.08, and the extremes in place.
  pred.forEach((p, i) => assert.ok(Math.abs(p - y[i]!) < 0.015, `row ${i}: ${p} vs ${y[i]}`));
  assert.equal(pred.indexOf(Math.min(...pred)), 0);
  assert.equal(pred.indexOf(Math.max(...pred)), 3);
  const fused = fitPredict('random-forest', [{ names: ['a', 'b', 'c'], features: x, target: y }], ['a', 'b', 'c'], x, { seed: 42, trees: 100 });
  assert.equal(fused.importances.a, 1);
  assert.ok(fused.importances.b! < 0.5 && fused.importances.c! < 0.5, JSON.stringify(fused.importances));
  assert.ok(f.importance.every((v) => v >= 0));
});

void test('weighted-sum of z-scored keep scores; unknown and missing weights are errors', () => {
  const rows = buildRows([
    { name: 'p', keep: [1, 2, 3] },
    { name: 'q', keep: [3, 2, 1] },
  ]);
  const z = Math.sqrt(1.5);
  const r = fuseWeighted(rows, { p: 2, q: 1 });
  assert.ok(Math.abs(r.scores[0]! - (2 * -z + 1 * z)) < 1e-12);
  assert.deepEqual(r.importances, { p: 1, q: 0.5 });
  assert.throws(() => fuseWeighted(rows, { p: 1, q: 1, nope: 2 }), /weights name signals that are not inputs: nope/);
  assert.throws(() => fuseWeighted(rows, { p: 1 }), /no weight for q/);
});

void test('rank-mean: mean rank across signals, ties averaged', () => {
  assert.deepEqual(averageRanks([0.3, 0.1, 0.3]), [2.5, 1, 2.5]);
  const r = fuseRankMean([
    { name: 'p', keep: [1, 2, 3] },
    { name: 'q', keep: [2, 1, 3] },
  ]);
  assert.deepEqual(r.scores, [1.5, 1.5, 3]);
});

void test('fusion input errors: fewer than 2 layers, duplicate signals, mismatched lengths', () => {
  assert.throws(() => buildRows([{ name: 'a', keep: [1] }]), /at least 2 layers/);
  assert.throws(() => buildRows([{ name: 'a', keep: [1, 2] }, { name: 'a', keep: [1, 2] }]), /given twice/);
  assert.throws(() => buildRows([{ name: 'a', keep: [1, 2] }, { name: 'b', keep: [1, 2, 3] }]), /scores 3 layers/);
});

void test('random forest splits a two-valued target (ml-cart would leave a perfectly separable root unsplit)', () => {
  // Ablation drops are often two-valued on small splits: 0 everywhere but one layer.
  const rows = [
    [1, 0.5, -1],
    [0.2, -1.2, 0.3],
    [-0.4, 0.9, 1.1],
    [-0.8, -0.2, -0.4],
  ];
  const f = fitForest(rows, [0, -0.0417, 0, 0], { seed: 42, trees: 100 });
  const p = f.predict(rows);
  // Row 1 sits in about 1 - (3/4)^4 = 68% of the bootstraps; each such tree isolates it.
  assert.ok((p[1] as number) < -0.02, `row 1 predicted ${p[1]}`);
  for (const i of [0, 2, 3]) assert.ok((p[i] as number) > (p[1] as number) + 0.015, `row ${i} predicted ${p[i]}`);
  assert.ok(f.importance.some((v) => v > 0));
});
