/** The prefix-state LRU: byte budget, least-recently-used eviction, pins, refusal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrefixCache } from '../../../src/ml/prune/prefix-cache.js';

void test('evicts the least recently used unpinned entry and releases it', () => {
  const released: string[] = [];
  const c = new PrefixCache<string>(30, (h) => released.push(h));
  assert.equal(c.put('a', 'A', 10), true);
  c.unpin('a');
  assert.equal(c.put('b', 'B', 10), true);
  c.unpin('b');
  assert.equal(c.put('c', 'C', 10), true);
  c.unpin('c');
  assert.equal(c.take('a'), 'A'); // a becomes most recent
  c.unpin('a');
  assert.equal(c.put('d', 'D', 10), true);
  assert.deepEqual(released, ['B']);
  assert.equal(c.take('b'), undefined);
  assert.equal(c.bytes, 30);
  assert.equal(c.evictions, 1);
});

void test('pinned entries are never evicted; an entry that cannot fit is refused', () => {
  const released: string[] = [];
  const c = new PrefixCache<string>(20, (h) => released.push(h));
  assert.equal(c.put('a', 'A', 10), true);
  assert.equal(c.put('b', 'B', 10), true);
  // Both pinned: no room.
  assert.equal(c.put('c', 'C', 10), false);
  assert.deepEqual(released, []);
  c.unpin('b');
  assert.equal(c.put('c', 'C', 10), true);
  assert.deepEqual(released, ['B']);
  // Larger than the whole budget: refused without evicting anything.
  c.unpin('a');
  c.unpin('c');
  assert.equal(c.put('big', 'X', 21), false);
  assert.equal(c.size, 2);
  assert.throws(() => c.unpin('a'), /not pinned/);
  c.clear();
  assert.deepEqual(released.sort(), ['A', 'B', 'C']);
  assert.equal(c.bytes, 0);
});
