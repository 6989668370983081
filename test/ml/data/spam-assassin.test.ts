import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../src/ml/data/index.js';
import { labelMessages, type ScrubbedMessage } from '../../../src/ml/data/spam-assassin.js';

let n = 0;
const msg = (text: string, spam: boolean, list?: string): ScrubbedMessage => ({ index: n, file: `g/${n++}.txt`, spam, text, ...(list ? { list } : {}) });
const messages: ScrubbedMessage[] = [
  msg('a1', false, 'alpha'),
  msg('b1', false, 'beta'),
  msg('a2', false, 'alpha'),
  msg('', false, 'alpha'), // empty after scrubbing
  msg('a1', false, 'alpha'), // copy
  msg('no list', false),
  msg('g1', false, 'gamma'),
  msg('b2', false, 'beta'),
  msg('buy now', true),
  msg('buy now', true), // copy
  msg('cheap', true, 'alpha'), // spam through a list: never a `lists` example
];

void test('spam task: every message, ham 0 / spam 1, empties and copies dropped', () => {
  const d = labelMessages(messages, { task: 'spam' });
  assert.deepEqual(d.labels, ['ham', 'spam']);
  assert.deepEqual(d.examples.map((e) => [e.text, e.label]), [['a1', 0], ['b1', 0], ['a2', 0], ['no list', 0], ['g1', 0], ['b2', 0], ['buy now', 1], ['cheap', 1]]);
  assert.deepEqual(d.stats, { considered: 11, noList: 0, smallLists: {}, empty: 1, duplicates: 2, perClass: [6, 2] });
  assert.deepEqual(d.examples.map((e) => e.line), [1, 2, 3, 6, 7, 8, 9, 11], 'line = place in the file list, 1-based');
});

void test('lists task: ham with a list header, lists below min_per_class left out, classes sorted', () => {
  const d = labelMessages(messages, { task: 'lists', minPerClass: 2 });
  assert.deepEqual(d.labels, ['alpha', 'beta']);
  assert.deepEqual(d.examples.map((e) => [e.text, e.label]), [['a1', 0], ['b1', 1], ['a2', 0], ['b2', 1]]);
  assert.deepEqual(d.stats, { considered: 8, noList: 1, smallLists: { gamma: 1 }, empty: 1, duplicates: 1, perClass: [2, 2] });
  assert.deepEqual(labelMessages(messages, { task: 'lists', minPerClass: 1 }).labels, ['alpha', 'beta', 'gamma']);
});

void test('a threshold that leaves fewer than two lists is an error naming the largest', () => {
  assert.throws(
    () => labelMessages(messages, { task: 'lists', minPerClass: 3 }),
    (e: unknown) => e instanceof DataError && /min_per_class 3 leaves 0 class\(es\).*largest: alpha 2, beta 2, gamma 1/.test(e.message),
  );
  assert.throws(() => labelMessages(messages, { task: 'lists', minPerClass: 0 }), /min_per_class must be a positive integer/);
});
