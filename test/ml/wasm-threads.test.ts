/**
 * TF.js's threaded WASM build in Node (src/ml/wasm-threads.ts): it starts with the threads
 * asked for (not the loader's cores / 2), computes what the single-threaded build computes (a
 * training step's loss and gradient norm, a forward's logits), and the process still exits on
 * its own (its pool threads would otherwise keep it alive).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const child = join(dirname(fileURLToPath(import.meta.url)), 'wasm-threads-child.js');

interface Out {
  threads: number;
  loss: number;
  norm: number;
  logits: number[];
}

async function run(threads: number): Promise<Out> {
  // A child that never exits fails here on the timeout.
  const { stdout } = await promisify(execFile)(process.execPath, [child, String(threads)], { timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Out;
}

void test('the threaded WASM build runs 2 threads in Node and matches the single-threaded build', async () => {
  const [one, two] = await Promise.all([run(1), run(2)]);
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2);
  assert.ok(Math.abs(one.loss - two.loss) < 1e-6, `loss ${one.loss} vs ${two.loss}`);
  assert.ok(Math.abs(one.norm - two.norm) < 1e-5 * one.norm, `gradient norm ${one.norm} vs ${two.norm}`);
  assert.ok(one.logits.every((x, i) => Math.abs(x - two.logits[i]!) < 1e-5));
});
