import { test } from 'node:test';
import assert from 'node:assert/strict';
import { majorityBaseline, majorityWarning } from '../../../src/ml/eval/index.js';

void test('the majority class comes from the train split and is scored on the other split', () => {
  // Train: class 2 is the majority; validation: class 2 is 30 of 100.
  const base = majorityBaseline([10, 20, 40], [50, 20, 30]);
  assert.deepEqual(base, { label: 2, accuracy: 0.3 });
  // Ties go to the lower class id.
  assert.equal(majorityBaseline([5, 5], [1, 3]).label, 0);
  assert.throws(() => majorityBaseline([1, 2], [1]), /different lengths/);
});

void test('a model at or below the baseline gets a warning naming the class; above it, none', () => {
  const base = { label: 1, accuracy: 0.25 };
  const labels = ['World', 'Sports', 'Business', 'Sci/Tech'];
  assert.equal(majorityWarning('the trained model', 0.2501, 'validation', base, labels), undefined);
  assert.equal(
    majorityWarning('the trained model', 0.25, 'validation', base, labels),
    "the trained model has validation accuracy 0.2500, at or below always predicting the majority class 'Sports' (0.2500): it has not learned the task",
  );
  assert.match(majorityWarning('x', 0.1, 'validation', base, labels)!, /0\.1000/);
});
