/**
 * `--wasm-threads auto` (src/executor/wasm-threads.ts): a node gets floor(cores / the nodes that
 * can run, capped by -j), at least 1, at most MAX_AUTO_WASM_THREADS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoWasmThreads, MAX_AUTO_WASM_THREADS } from '../../src/executor/wasm-threads.js';

void test('a lone node gets every core; nodes side by side share them', () => {
  assert.equal(autoWasmThreads({ cores: 2, active: 1, jobs: 2 }), 2);
  assert.equal(autoWasmThreads({ cores: 2, active: 2, jobs: 2 }), 1);
  assert.equal(autoWasmThreads({ cores: 4, active: 2, jobs: 4 }), 2);
  assert.equal(autoWasmThreads({ cores: 8, active: 3, jobs: 8 }), 2, 'floor(8 / 3)');
});

void test('-j caps the nodes counted: with -j 1 each node runs alone', () => {
  assert.equal(autoWasmThreads({ cores: 2, active: 5, jobs: 1 }), 2);
  assert.equal(autoWasmThreads({ cores: 8, active: 20, jobs: 4 }), 2);
});

void test('at least 1 and at most the cap', () => {
  assert.equal(autoWasmThreads({ cores: 1, active: 1, jobs: 1 }), 1);
  assert.equal(autoWasmThreads({ cores: 2, active: 7, jobs: 8 }), 1, 'more nodes than cores');
  assert.equal(autoWasmThreads({ cores: 2, active: 0, jobs: 2 }), 2, 'no count below 1');
  assert.equal(MAX_AUTO_WASM_THREADS, 4);
  assert.equal(autoWasmThreads({ cores: 64, active: 1, jobs: 64 }), MAX_AUTO_WASM_THREADS);
  assert.equal(autoWasmThreads({ cores: 64, active: 8, jobs: 64 }), MAX_AUTO_WASM_THREADS);
  assert.equal(autoWasmThreads({ cores: 64, active: 32, jobs: 64 }), 2);
});
