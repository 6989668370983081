/**
 * `--wasm-threads auto` end to end, on real training nodes in real workers: the model/train node
 * that runs alone gets every core (up to the cap) and its run record says so; two fine-tunings
 * that can run side by side share the cores; the tokenizer (no TF.js work) keeps 1 thread. Every
 * output is bitwise the one `--wasm-threads 1` gives, which is why the thread count is never part
 * of a key. Needs at least 2 cores and TF.js's threaded WASM build; nothing from ../shared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoWasmThreads } from '../../src/executor/wasm-threads.js';
import { cli } from '../util/exec-cli.js';
import { nodeResults, wordRows, type NodeResult } from '../util/index-records.js';

const PIPELINE = `version: 1
name: threads
nodes:
  data:
    uses: dataset/jsonl
    with: {path: data.jsonl, train: 0.6, validation: 0.2, test: 0.2, calibration: 8, seed: 1}
  tok:
    uses: tokenizer/wordpiece
    with: {data: "\${data}", vocab_size: 40, min_frequency: 1, max_length: 12}
  base:
    uses: model/train
    with: {data: "\${data}", tokenizer: "\${tok}", layers: 2, hidden: 32, heads: 2, intermediate: 64, epochs: 3, batch_size: 8, seed: 1}
  tuned:
    foreach: [1, 2]
    uses: model/finetune
    with: {model: "\${base}", data: "\${data}", epochs: 1, batch_size: 8, lr: 0.001, seed: "\${item}"}
`;

void test('--wasm-threads auto: the lone training gets the cores, side-by-side nodes share them, and every output is bitwise the 1-thread one', async (t) => {
  const cores = availableParallelism();
  if (cores < 2) return t.skip(`${cores} core: auto gives every node 1 thread, nothing to see`);
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-threads-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'data.jsonl'), wordRows(80, 4));
  await writeFile(join(dir, 'p.yaml'), PIPELINE);

  const auto = await cli(dir, ['run', 'p.yaml', '--cache-dir', join(dir, 'auto'), '-j', '2', '--backend', 'wasm']);
  assert.equal(auto.code, 0, auto.stderr + auto.stdout);
  const a = await nodeResults(join(dir, 'auto'));
  const fallback = a.get('base')!.run.facts?.wasmThreadsFallback;
  if (typeof fallback === 'string') return t.skip(`TF.js's threaded WASM build cannot start here: ${fallback}`);
  const one = await cli(dir, ['run', 'p.yaml', '--cache-dir', join(dir, 'one'), '-j', '2', '--backend', 'wasm', '--wasm-threads', '1']);
  assert.equal(one.code, 0, one.stderr + one.stdout);
  const b = await nodeResults(join(dir, 'one'));

  // Run records leave wasmThreads out at 1 thread.
  const threads = (s: NodeResult): number => (s.run.facts?.wasmThreads as number | undefined) ?? 1;
  assert.equal(threads(a.get('base')!), autoWasmThreads({ cores, active: 1, jobs: 2 }), 'base ran alone: every core, up to the cap');
  assert.ok(threads(a.get('base')!) > 1);
  for (const id of ['tuned.1', 'tuned.2']) assert.equal(threads(a.get(id)!), autoWasmThreads({ cores, active: 2, jobs: 2 }), `${id} ran beside the other`);
  assert.equal(threads(a.get('tok')!), 1, 'the tokenizer does no TF.js work: 1 thread');
  for (const [id, s] of b) assert.equal(threads(s), 1, `${id} at --wasm-threads 1`);

  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [id, s] of a) assert.deepEqual(s.outputs, b.get(id)!.outputs, `${id}: the same outputs at 1 thread and at ${threads(s)}`);
});
