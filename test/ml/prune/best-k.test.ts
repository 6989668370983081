/** Best-k rules: argmax over k >= 1, ties to the larger k, max_drop, and the unmet case. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBest } from '../../../src/ml/prune/best-k.js';

void test('argmax over k >= 1: k = 0 never wins, even when it is the most accurate', () => {
  assert.deepEqual(chooseBest([0.9, 0.7, 0.8, 0.6]), { k: 2, rule: 'argmax' });
});

void test('ties go to the larger k (the smaller model)', () => {
  assert.deepEqual(chooseBest([0.9, 0.8, 0.8, 0.7, 0.8, 0.5]), { k: 4, rule: 'argmax' });
  assert.deepEqual(chooseBest([0.9, 0.5]), { k: 1, rule: 'argmax' });
});

void test('max_drop takes the largest k within max_drop of the unpruned model, past a dip', () => {
  // a_0 = 0.80; within 0.05: k = 1 (0.79), k = 3 (0.76); k = 2 dips to 0.70, k = 4 is 0.60.
  const acc = [0.8, 0.79, 0.7, 0.76, 0.6];
  assert.deepEqual(chooseBest(acc, 0.05), { k: 3, rule: 'max-drop' });
  // The boundary counts as within (0.8 - 0.04 = 0.76 despite float rounding).
  assert.deepEqual(chooseBest(acc, 0.04), { k: 3, rule: 'max-drop' });
  assert.deepEqual(chooseBest(acc, 0.039), { k: 1, rule: 'max-drop' });
  assert.deepEqual(chooseBest(acc, 0.2), { k: 4, rule: 'max-drop' });
  // max_drop 0: only models as accurate as the unpruned one qualify.
  assert.deepEqual(chooseBest([0.8, 0.8, 0.81, 0.7], 0), { k: 2, rule: 'max-drop' });
});

void test('when no k meets max_drop the argmax rule chooses, and the rule says so', () => {
  assert.deepEqual(chooseBest([0.9, 0.6, 0.7, 0.7, 0.5], 0.1), { k: 3, rule: 'max-drop-unmet' });
});

void test('bad input is refused with a message', () => {
  assert.throws(() => chooseBest([0.9]), /at least 2 points/);
  assert.throws(() => chooseBest([0.9, NaN]), /accuracy at k = 1 is NaN/);
  assert.throws(() => chooseBest([0.9, 0.8], -0.1), /max_drop must be >= 0/);
});
