/**
 * A distillation run in a worker thread (model/distill's control beside the distillation)
 * gives the weights and losses the same run gives in the calling thread, bit for bit; a bad
 * request fails with the thread's error; an abort stops the thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../src/ml/backend.js';
import { BertClassifier } from '../../../src/ml/bert/model.js';
import { distill, distillBatches, distillInThread, teacherLogits, type ThreadRunRequest } from '../../../src/ml/distill/index.js';
import type { EncodedSplit } from '../../../src/ml/types.js';
import { smallConfig, smallModel } from '../../util/bert-checkpoint.js';

function data(n: number): EncodedSplit {
  const ids: Int32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 3;
    ids.push(Int32Array.from([2, 10 + (i % 7), 5 + y, 11 + (i % 5), ...Array.from({ length: i % 4 }, (_, j) => 20 + j), 3]));
    labels.push(y);
  }
  return { ids, labels: Int32Array.from(labels) };
}

void test('a distillation run in a thread equals the same run in this thread, weights and losses bitwise', async () => {
  const backend = await initBackend('wasm');
  const enc = data(40);
  const teacher = smallModel(3, { numLayers: 4 });
  const zt = await teacherLogits(teacher, enc, { batchSize: 16 });
  const layers = [0, 2];
  const start = await teacher.toHF({ layers });
  teacher.dispose();
  const opts = { temperature: 2, epochs: 2, lr: 3e-3, weightDecay: 0.01, warmup: 0.1, clip: 1, dropout: 0.1, seed: 5 };
  for (const alpha of [0, 0.5]) {
    const here = BertClassifier.fromHF(smallConfig({ numLayers: 4 }), start, { layers });
    const r = await distill(here, distillBatches(enc, 8, opts.seed, 0), zt, { ...opts, alpha });
    const want = await here.toHF({ layers });
    here.dispose();
    const progress: number[] = [];
    const req: ThreadRunRequest = { ...opts, alpha, backend, config: smallConfig({ numLayers: 4 }), layers, tensors: start, encoded: enc, batchSize: 8, padTokenId: 0, teacher: zt };
    const got = await distillInThread(req, { onProgress: (p) => progress.push(p.step) });
    assert.deepEqual(got.result.losses, r.losses, `alpha ${alpha}: the same loss at every step`);
    assert.equal(progress.at(-1), r.steps, 'progress reaches the last step');
    assert.deepEqual([...got.tensors.keys()].sort(), [...want.keys()].sort());
    for (const [name, t] of want) assert.deepEqual(got.tensors.get(name)!.data, t.data, `alpha ${alpha}: ${name}`);
  }
});

void test('a thread run fails with its error, and an abort stops it', async () => {
  const backend = await initBackend('wasm');
  const enc = data(24);
  const start = await smallModel(3, { numLayers: 4 }).toHF({ layers: [1] });
  const base: ThreadRunRequest = {
    temperature: 2, alpha: 0, epochs: 50, lr: 1e-3, weightDecay: 0, warmup: 0, clip: 1, dropout: 0, seed: 1,
    backend, config: smallConfig({ numLayers: 4 }), layers: [1], tensors: start, encoded: enc, batchSize: 8, padTokenId: 0, teacher: new Float32Array(enc.ids.length * 3),
  };
  await assert.rejects(distillInThread({ ...base, tensors: new Map() }), /missing tensors/);
  const stop = new AbortController();
  const run = distillInThread(base, { signal: stop.signal, onProgress: (p) => p.step === 2 && stop.abort(new Error('stopped by the test')) });
  await assert.rejects(run, /stopped by the test/);
});
