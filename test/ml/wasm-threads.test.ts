/**
 * TF.js's threaded WASM build in Node (src/ml/wasm-threads.ts): it starts with the threads
 * asked for (not the loader's cores / 2), computes bitwise what the single-threaded build
 * computes (a training step's loss and gradient norm, a forward's logits: XNNPACK splits ops over
 * output tiles, never a sum), and the process still exits on its own (its pool threads would
 * otherwise keep it alive). Where it cannot start, `wasmThreadsFallback` runs the
 * single-threaded build and says why; without it, the node fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const child = join(dirname(fileURLToPath(import.meta.url)), 'wasm-threads-child.js');

interface Out {
  threads: number;
  facts: { backend: string; wasmThreads?: number; wasmThreadsFallback?: string };
  loss: number;
  norm: number;
  logits: number[];
}

async function run(threads: number, o: { fallback?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Out> {
  // A child that never exits fails here on the timeout.
  const { stdout } = await promisify(execFile)(process.execPath, [child, String(threads), ...(o.fallback ? ['fallback'] : [])], { timeout: 120_000, env: o.env ?? process.env });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Out;
}

void test('the threaded WASM build runs 2 threads in Node and computes bitwise what the single-threaded build does', async (t) => {
  if (availableParallelism() < 2) return t.skip('one core: the threaded build caps its pool at the cores');
  const [one, two] = await Promise.all([run(1), run(2)]);
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2);
  assert.equal(two.facts.wasmThreads, 2, 'the run record says 2 threads');
  assert.equal(one.facts.wasmThreads, undefined);
  assert.equal(two.loss, one.loss);
  assert.equal(two.norm, one.norm);
  assert.deepEqual(two.logits, one.logits);
});

void test('where the threaded build cannot start: the single-threaded one with the reason (fallback), else an error', async () => {
  // Its pthread worker script goes to a temporary file: an absent TMPDIR stops it there.
  const env = { ...process.env, TMPDIR: '/nonexistent/layerfuse-test' };
  const fell = await run(2, { fallback: true, env });
  assert.equal(fell.threads, 1);
  assert.equal(fell.facts.wasmThreads, undefined);
  assert.match(fell.facts.wasmThreadsFallback ?? '', /^the threaded WASM build did not start \(.*ENOENT.*\); running the single-threaded build$/);
  const plain = await run(1);
  assert.deepEqual(fell.logits, plain.logits, 'the plain build runs');
  await assert.rejects(run(2, { env }), /backend wasm cannot load: .*ENOENT/);
});
