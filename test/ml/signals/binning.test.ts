/** Exact values of the binning, histogram entropy and mutual-information primitives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binColumn, histogramEntropy, mutualInformation } from '../../../src/ml/signals/binning.js';
import { taskRelevanceMi, flowRelevanceMi } from '../../../src/ml/signals/mi-signals.js';
import { SignalInputError } from '../../../src/ml/signals/types.js';

void test('binning: floor((x-min)/(max-min)*B), the maximum in the last bin, a constant column one bin', () => {
  assert.deepEqual([...binColumn([0, 0.25, 0.5, 0.75, 1], 4)], [0, 1, 2, 3, 3]);
  assert.deepEqual([...binColumn([0, 0.249, 0.999], 4)], [0, 0, 3]);
  assert.deepEqual([...binColumn([7, 7, 7], 10)], [0, 0, 0]);
  // Strided access: column 1 of a row-major [3, 2] matrix.
  assert.deepEqual([...binColumn([9, 0, 9, 5, 9, 10], 2, 3, 1, 2)], [0, 1, 1]);
});

void test('histogram entropy of a uniform sample is ln B; of a constant sample 0', () => {
  for (const B of [2, 4, 10, 100]) {
    const x = Array.from({ length: B * 3 }, (_, i) => Math.floor(i / 3) + 0.5);
    assert.ok(Math.abs(histogramEntropy(x, B) - Math.log(B)) < 1e-12, `B=${B}`);
  }
  assert.equal(histogramEntropy([3, 3, 3], 10), 0);
});

void test('MI of independent variables is 0; of identical uniform variables ln k', () => {
  const a = [0, 0, 1, 1, 0, 0, 1, 1];
  const b = [0, 1, 0, 1, 0, 1, 0, 1];
  assert.equal(mutualInformation(a, 2, b, 2), 0);
  const x = [0, 1, 2, 3, 0, 1, 2, 3];
  assert.ok(Math.abs(mutualInformation(x, 4, x, 4) - Math.log(4)) < 1e-12);
  // Identical but non-uniform: MI = H(X) = -(3/4 ln 3/4 + 1/4 ln 1/4).
  const y = [0, 0, 0, 1];
  assert.ok(Math.abs(mutualInformation(y, 2, y, 2) + 0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) < 1e-12);
});

void test('task-relevance MI: a unit that encodes the label gives ln(classes), a constant one 0', () => {
  // 4 examples, hidden 2: unit 0 equals the label, unit 1 is constant.
  const labels = [0, 1, 0, 1];
  const state = Float32Array.from([0, 5, 1, 5, 0, 5, 1, 5]);
  const v = { n: 4, hidden: 2, states: [state, state] };
  const [s] = taskRelevanceMi(v, labels, 2);
  assert.ok(Math.abs(s! - Math.log(2) / 2) < 1e-12);
  // Flow MI of a layer that copies its input: per unit MI(X; X) = H(bin X): ln 2 and 0.
  const [f] = flowRelevanceMi(v, 2);
  assert.ok(Math.abs(f! - Math.log(2) / 2) < 1e-12);
});

void test('bad input: one class, fewer examples than bins', () => {
  const state = Float32Array.from([0, 1, 2, 3]);
  const v = { n: 4, hidden: 1, states: [state, state] };
  assert.throws(() => taskRelevanceMi(v, [1, 1, 1, 1], 2), (e: Error) => e instanceof SignalInputError && /one class only \(label 1\)/.test(e.message));
  assert.throws(() => taskRelevanceMi(v, [0, 1, 0, 1], 10), /4 examples, fewer than bins \(10\)/);
  assert.throws(() => flowRelevanceMi({ n: 4, hidden: 1, states: [state, Float32Array.from([0, NaN, 1, 2])] }, 2), /NaN/);
});
