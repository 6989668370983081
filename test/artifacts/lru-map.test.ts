import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruMap } from '../../src/artifacts/lru-map.js';

void test('LruMap keeps the most recently used entries: a hit refreshes, a set past the bound drops the oldest', () => {
  const m = new LruMap<string, number>(2);
  m.set('a', 1);
  m.set('b', 2);
  assert.equal(m.get('a'), 1); // a is now the most recent
  m.set('c', 3); // drops b
  assert.equal(m.get('b'), undefined);
  assert.deepEqual([m.get('a'), m.get('c'), m.size], [1, 3, 2]);
  m.set('a', 10); // replacing keeps one entry
  assert.deepEqual([m.get('a'), m.size], [10, 2]);
  m.clear();
  assert.equal(m.size, 0);
});
