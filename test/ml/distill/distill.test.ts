/**
 * Distillation on the training loop: a control run (alpha 0) is exactly model training on
 * hard labels with the same steps; distillation pulls the student's predictions toward the
 * teacher's; the teacher's logits are computed once, in example order; nothing leaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/ml/backend.js';
import { BertClassifier } from '../../../src/ml/bert/model.js';
import { makeBatches } from '../../../src/ml/data/batches.js';
import { distill, teacherLogits } from '../../../src/ml/distill/index.js';
import { bertLogits, runSplit } from '../../../src/ml/eval/index.js';
import { train } from '../../../src/ml/train/index.js';
import type { EncodedSplit } from '../../../src/ml/types.js';
import { smallConfig, smallModel } from '../../util/bert-checkpoint.js';

function data(n: number): EncodedSplit {
  let s = 17;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const ids: Int32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = i % 3;
    const body = Array.from({ length: 3 + Math.floor(rand() * 5) }, () => 10 + Math.floor(rand() * 18));
    body[Math.floor(rand() * body.length)] = 5 + y;
    ids.push(Int32Array.from([2, ...body, 3]));
    labels.push(y);
  }
  return { ids, labels: Int32Array.from(labels) };
}

/** A student: the teacher's kept layer 3 copied (initialised from its kept weights). */
async function studentOf(teacher: BertClassifier): Promise<BertClassifier> {
  return BertClassifier.fromHF(smallConfig({ numLayers: 4 }), await teacher.toHF({ layers: [3] }), { layers: [3] });
}

/** Mean KL(teacher || student) at T = 1 over the split. */
async function klTo(teacher: Float32Array, student: BertClassifier, enc: EncodedSplit): Promise<number> {
  const s = (await runSplit(bertLogits(student), enc, { batchSize: 16, numLabels: 3 })).logits;
  let kl = 0;
  for (let i = 0; i < enc.ids.length; i++) {
    const row = (a: Float32Array): number[] => {
      const v = Array.from(a.subarray(i * 3, i * 3 + 3));
      const m = Math.max(...v);
      const lse = m + Math.log(v.reduce((x, y) => x + Math.exp(y - m), 0));
      return v.map((x) => x - lse);
    };
    const lt = row(teacher);
    const ls = row(s);
    kl += lt.reduce((a, p, c) => a + Math.exp(p) * (p - ls[c]!), 0);
  }
  return kl / enc.ids.length;
}

void test('distillation moves the student toward the teacher; alpha 0 is hard-label training step for step', async () => {
  await initBackend('wasm');
  const enc = data(96);
  const teacher = smallModel(21, { numLayers: 4 });
  await train(teacher, (e) => makeBatches(enc, 16, { shuffleSeed: 100 + e, sortByLength: true }), { epochs: 12, lr: 1e-2, weightDecay: 0.01, warmup: 0.1, clip: 1, seed: 11 });
  const before = tf.memory().numTensors;
  const zt = await teacherLogits(teacher, enc, { batchSize: 16 });
  const plain = await runSplit(bertLogits(teacher), enc, { batchSize: 5, numLabels: 3 });
  assert.deepEqual(Array.from(zt).map((x) => x.toFixed(4)), Array.from(plain.logits).map((x) => x.toFixed(4)), 'example order, whatever the batching');

  const batches = (e: number) => makeBatches(enc, 8, { shuffleSeed: 7 + e, sortByLength: true });
  const opts = { epochs: 3, lr: 3e-3, weightDecay: 0.01, warmup: 0.1, clip: 1, seed: 5, dropout: 0.1 };
  const student = await studentOf(teacher);
  const kl0 = await klTo(zt, student, enc);
  assert.ok(kl0 > 0.05, `the pruned student starts away from the teacher (KL ${kl0})`);
  const d = await distill(student, batches, zt, { ...opts, temperature: 2, alpha: 0.9 });
  const kl1 = await klTo(zt, student, enc);
  assert.ok(kl1 < kl0 * 0.7, `KL to the teacher ${kl0.toFixed(4)} -> ${kl1.toFixed(4)}`);
  assert.equal(d.steps, 36);

  const control = await studentOf(teacher);
  const hard = await studentOf(teacher);
  const c = await distill(control, batches, zt, { ...opts, temperature: 2, alpha: 0 });
  const h = await train(hard, batches, opts);
  assert.deepEqual(c.losses, h.losses, 'the control is plain training, bitwise');
  for (const m of [student, control, hard]) m.dispose();
  assert.equal(tf.memory().numTensors, before);
  teacher.dispose();
});
