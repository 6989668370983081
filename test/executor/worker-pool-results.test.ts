/**
 * Worker reuse must not change a single result. The same small pipeline (two models of one
 * dataset, their pruning curves and evaluations: every kind of state a worker keeps between
 * nodes, a loaded model, ONNX Runtime sessions, tokenized splits) runs on two empty caches, with
 * reused workers and with `--no-reuse-workers`; every node's output digests agree. The second
 * model's nodes follow the first's in the same worker, so a cache keyed by anything but content
 * would hand them the first model's numbers. Needs nothing from ../shared (the data is written
 * here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../util/exec-cli.js';
import { nodeResults, wordRows, type NodeResult } from '../util/index-records.js';

const PIPELINE = `version: 1
name: reuse
nodes:
  data:
    uses: dataset/jsonl
    with: {path: data.jsonl, train: 0.6, validation: 0.2, test: 0.2, calibration: 8, seed: 1}
  tok:
    uses: tokenizer/wordpiece
    with: {data: "\${data}", vocab_size: 40, min_frequency: 1, max_length: 8}
  model:
    foreach: [1, 2]
    uses: model/train
    with: {data: "\${data}", tokenizer: "\${tok}", layers: 3, hidden: 8, heads: 2, intermediate: 16, epochs: 2, batch_size: 8, seed: "\${item}"}
  top-down:
    foreach: ["\${model.*}"]
    uses: score/top-down
    with: {model: "\${item}"}
  curve-1:
    uses: prune/sequential
    with: {model: "\${model.1}", data: "\${data}", order: "\${top-down.model.1}"}
  curve-2:
    uses: prune/sequential
    with: {model: "\${model.2}", data: "\${data}", order: "\${top-down.model.2}"}
  eval:
    foreach: ["\${model.*}"]
    uses: model/evaluate
    with: {model: "\${item}", data: "\${data}", split: validation}
`;

void test('the same outputs, digest for digest, with reused workers and with --no-reuse-workers', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'layerfuse-reuse-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'data.jsonl'), wordRows(60, 3));
  await writeFile(join(dir, 'p.yaml'), PIPELINE);

  // -j 1: one worker at a time, so with reuse one process serves the worker nodes in turn (one
  // WASM thread count for all: under auto the trainings would get 2-thread workers of their own).
  const reused = await cli(dir, ['run', 'p.yaml', '--cache-dir', join(dir, 'c1'), '-j', '1', '--engine', 'onnxruntime', '--wasm-threads', '1']);
  assert.equal(reused.code, 0, reused.stderr + reused.stdout);
  const fresh = await cli(dir, ['run', 'p.yaml', '--cache-dir', join(dir, 'c2'), '-j', '1', '--engine', 'onnxruntime', '--wasm-threads', '1', '--no-reuse-workers']);
  assert.equal(fresh.code, 0, fresh.stderr + fresh.stdout);

  const a = await nodeResults(join(dir, 'c1'));
  const b = await nodeResults(join(dir, 'c2'));
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [node, r] of a) assert.deepEqual(r.outputs, b.get(node)!.outputs, `${node}: the same outputs`);

  const inWorkers = (m: Map<string, NodeResult>): NodeResult['run'][] => [...m.values()].map((r) => r.run).filter((r) => r.worker);
  // tok, two trainings, two curves, two evaluations.
  assert.equal(inWorkers(a).length, 7);
  assert.equal(new Set(inWorkers(a).map((r) => r.pid)).size, 1, 'one process served every worker node');
  assert.deepEqual(inWorkers(a).map((r) => r.workerJob).sort(), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(new Set(inWorkers(b).map((r) => r.pid)).size, 7, 'without reuse, a process per worker node');
  assert.ok(inWorkers(b).every((r) => r.workerJob === 1));
  // The curves of the two models differ: neither was served the other's evaluations.
  assert.notDeepEqual(a.get('curve-1')!.outputs, a.get('curve-2')!.outputs);
});
