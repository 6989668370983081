/**
 * model/distill on a small trained model: teacher, student before, distilled and control
 * evaluated on validation and test (the memo's entries), the student trained from its kept
 * weights, the strategy named from the curve; and the majority-class warning of trained and
 * distilled models.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { withLayers, type ModelManifest } from '../../src/ml/bert/manifest.js';
import { loadModel, storeModel } from '../../src/ml/bert/store.js';
import { majorityBaseline } from '../../src/ml/eval/index.js';
import type { CurveManifest, DistillationManifest } from '../../src/ml/prune/index.js';
import { makeScores, topDown } from '../../src/ml/signals/index.js';
import { distillNode as distillDecl, trainNode as trainDecl } from '../../src/nodes/model.js';
import { sequentialNode as sequentialDecl } from '../../src/nodes/prune.js';
import { evaluateMemo, releaseEvalCache } from '../../src/nodes/run/eval-memo.js';
import { checkAgainstMajority } from '../../src/nodes/run/majority.js';
import { nodeType } from '../util/node-types.js';
import { artifact, context, world, type World } from './prune-world.js';

const distill = nodeType(distillDecl);

let shared: Promise<World> | undefined;
const getWorld = (): Promise<World> => (shared ??= world());

void test('model/distill: teacher, student, distilled and control on both splits; the student starts from its kept weights', async () => {
  const w = await getWorld();
  const order = makeScores('top-down', w.model.layers, topDown(w.model.layers), {});
  const { curve, model: student } = (await nodeType(sequentialDecl).run(context(w.cache, 'curve.top-down'), { max_drop: 1 }, {
    model: artifact('model', w.model),
    data: artifact('dataset', w.data),
    order: artifact('scores', order, 'top-down'),
  })) as { curve: CurveManifest; model: ModelManifest };
  assert.deepEqual(student.layers, [0], 'max_drop 1: the smallest model');
  const ctx = context(w.cache, 'distill');
  const before = tf.memory().numTensors;
  const out = (await distill.run(ctx, { control: true, epochs: 2, lr: 3e-3, batch_size: 16 }, {
    teacher: artifact('model', w.model),
    student: artifact('model', student),
    data: artifact('dataset', w.data),
    curve: artifact('curve', curve, 'curve.top-down'),
  })) as { model: ModelManifest; distillation: DistillationManifest };
  releaseEvalCache();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  const d = out.distillation;
  assert.equal(d.format, 'layerfuse/distillation@1');
  assert.equal(d.dataset, 'words');
  assert.equal(d.strategy, 'top-down');
  assert.deepEqual(d.params, { temperature: 2, alpha: 0.5, epochs: 2, lr: 3e-3, batch_size: 16, warmup: 0.1, seed: 42 });
  assert.deepEqual([d.teacher.layers, d.student.layers, d.distilled.layers, d.control?.layers], [[0, 1, 2, 3], [0], [0], [0]]);
  assert.ok(d.student.parameters < d.teacher.parameters);
  assert.equal(d.distilled.parameters, d.student.parameters);
  // Teacher and student-before are the curve's own points (k = 0 and the best k).
  assert.deepEqual(d.teacher.test, curve.points[0]!.test);
  assert.deepEqual(d.student.validation, curve.points[curve.best.k]!.validation);
  // The distilled model is stored with its kept layers under their original indices, new weights.
  assert.deepEqual(out.model.layers, [0]);
  assert.notEqual(out.model.tensors['bert.embeddings.word_embeddings.weight']!.$tensor, student.tensors['bert.embeddings.word_embeddings.weight']!.$tensor);
  assert.deepEqual(Object.keys(out.model.tensors).sort(), Object.keys(student.tensors).sort());
  const again = await evaluateMemo(context(w.cache, 'check'), { model: out.model, dataset: w.data, split: 'test' });
  assert.equal(again.accuracy, d.distilled.test.accuracy);
  releaseEvalCache();
  // The warning rule, whichever way these numbers fell.
  const base = majorityBaseline(w.data.counts.train, w.data.counts.validation);
  assert.equal(ctx.warnings.some((m) => m.startsWith('the distilled model')), d.distilled.validation.accuracy <= base.accuracy);
});

void test('a model no better than always predicting the majority class is warned about, naming the check', async () => {
  const w = await getWorld();
  const ctx = context(w.cache, 'base');
  // The trained model with its classifier pushed to one class: exactly the majority baseline.
  const loaded = await loadModel(ctx, w.model);
  let constant: ModelManifest;
  try {
    const bias = loaded.model.param('classifier.bias');
    bias.assign(tf.tensor1d([100, 0, 0]));
    constant = await storeModel(ctx, loaded.model, { tokenizer: w.model.tokenizer });
  } finally {
    loaded.dispose();
  }
  const acc = await checkAgainstMajority(ctx, constant, w.data, 'the trained model');
  releaseEvalCache();
  assert.equal(acc, 10 / 30);
  assert.deepEqual(ctx.warnings, ["the trained model has validation accuracy 0.3333, at or below always predicting the majority class 'r' (0.3333): it has not learned the task"]);
  const fine = context(w.cache, 'fine');
  await checkAgainstMajority(fine, withLayers(w.model, w.model.layers), w.data, 'the trained model');
  releaseEvalCache();
  assert.deepEqual(fine.warnings, [], 'the trained model is above the baseline');
});

void test('model/train checks its model against the majority class on validation', async () => {
  const w = await getWorld();
  const ctx = context(w.cache, 'train');
  const out = (await nodeType(trainDecl).run(ctx, { layers: 1, hidden: 8, heads: 2, intermediate: 8, epochs: 1, lr: 1e-6, batch_size: 32 }, {
    data: artifact('dataset', w.data),
    tokenizer: artifact('tokenizer', w.model.tokenizer),
  })) as { model: ModelManifest };
  const ev = await evaluateMemo(context(w.cache, 'x'), { model: out.model, dataset: w.data, split: 'validation' });
  releaseEvalCache();
  assert.equal(ctx.warnings.length, ev.accuracy <= 1 / 3 ? 1 : 0);
});
