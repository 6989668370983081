/**
 * Iterative pruning: with a recipe whose signal cannot change as layers go (a weight signal:
 * removing a layer leaves the others' weights alone), the iterative order equals the sequential
 * order of the same signal; with an activation signal each step scores the pruned model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/ml/backend.js';
import { layerPrefix } from '../../../src/ml/bert/names.js';
import { iterativeOrder } from '../../../src/ml/prune/iterative.js';
import { checkRecipe, parseRecipeSignal, recipeGroups, type Recipe } from '../../../src/ml/prune/recipe.js';
import { recipeStep } from '../../../src/ml/prune/recipe-step.js';
import { activationIntensity, captureStats, orient, weightNorm, WEIGHT_MATRIX_SUFFIXES } from '../../../src/ml/signals/index.js';
import { handBatch, smallModel } from '../../util/bert-checkpoint.js';

const recipe = (signals: Recipe['signals'], fusion: Recipe['fusion'] = { method: 'none' }): Recipe => ({
  signals,
  fusion,
  capture: { batch: 4, eps: 1e-10, split: 'calibration' },
  target: { split: 'validation' },
});

void test('iterative pruning with a weight signal equals sequential pruning by that signal', async () => {
  await initBackend('wasm');
  const model = smallModel(5, { numLayers: 6 });
  const before = tf.memory().numTensors;
  const mats = (l: number): Float32Array[] => WEIGHT_MATRIX_SUFFIXES.map((s) => model.param(layerPrefix(l) + s).dataSync() as Float32Array);
  const sequential = orient(model.layers.map((l) => weightNorm(mats(l))), 'low', model.layers).order;
  let accuracyCalls = 0;
  const r = await iterativeOrder(model.layers, async (kept) =>
    (
      await recipeStep(recipe([{ name: 'weight-norm' }]), kept, {
        model,
        calibration: [handBatch()],
        accuracy: () => {
          accuracyCalls++;
          return Promise.resolve([]);
        },
      })
    ).order,
  );
  assert.deepEqual(r.order, sequential);
  assert.equal(r.steps.length, 5);
  assert.equal(accuracyCalls, 0, 'an unlearned recipe needs no ablation');
  // Each step's order is the static order restricted to what is left.
  for (const s of r.steps) assert.deepEqual(s.order, sequential.filter((l) => s.kept.includes(l)));
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

void test('each iterative step captures the pruned model, and learned fusions measure its ablation', async () => {
  await initBackend('wasm');
  const model = smallModel(8, { numLayers: 4 });
  const batch = handBatch();
  const kept = [0, 2, 3];
  const asked: number[][][] = [];
  const step = await recipeStep(recipe([{ name: 'activation-intensity' }]), kept, { model, calibration: [batch], accuracy: () => Promise.resolve([]) });
  const direct = await captureStats(model, [batch], { eps: 1e-10, groups: ['hidden'], layers: kept });
  assert.deepEqual(step.order, orient(activationIntensity(direct), 'low', kept).order);
  const learned = await recipeStep(recipe([{ name: 'weight-norm' }, { name: 'activation-intensity' }], { method: 'linear-regression' }), kept, {
    model,
    calibration: [batch],
    accuracy: (sets) => {
      asked.push(sets);
      return Promise.resolve(sets.map((s) => 0.5 + 0.1 * s.length + (s.includes(2) ? 0.05 : 0)));
    },
  });
  assert.deepEqual(asked, [[[0, 2, 3], [2, 3], [0, 3], [0, 2]]]);
  assert.deepEqual(learned.drops!.map((d) => Number(d.toFixed(9))), [0.1, 0.15, 0.1]);
  // In-sample linear fusion with as many features as layers - 1 interpolates the drops: layer 2
  // (the largest drop) goes last; 0 and 3 tie in drop and the lower index goes first.
  assert.deepEqual(learned.order, [0, 3, 2]);
  model.dispose();
});

void test('recipes are checked before any step runs', () => {
  const params = (name: string): string[] => (name.endsWith('-mi') ? ['bins', 'pool', 'direction'] : ['direction']);
  assert.throws(() => parseRecipeSignal('weight-nrom', 'signals[0]', params), /unknown signal 'weight-nrom'/);
  assert.throws(() => parseRecipeSignal({ name: 'weight-norm', bins: 3 }, 'signals[1]', params), /signals\[1\]: weight-norm has no parameter 'bins'$/);
  assert.throws(() => parseRecipeSignal({ name: 'task-relevance-mi', tau: 3 }, 'signals[2]', params), /task-relevance-mi has no parameter 'tau' \(it takes bins, pool\)/);
  assert.deepEqual(parseRecipeSignal({ name: 'task-relevance-mi', bins: 8, pool: 'cls' }, 'x', params), { name: 'task-relevance-mi', bins: 8, pool: 'cls' });
  assert.throws(() => checkRecipe(recipe([{ name: 'weight-norm' }, { name: 'weight-entropy' }])), /method none orders by one signal/);
  assert.throws(() => checkRecipe(recipe([{ name: 'weight-norm' }, { name: 'weight-norm' }], { method: 'rank-mean' })), /'weight-norm' appears twice; give one a `label`/);
  assert.throws(() => checkRecipe(recipe([{ name: 'weight-norm' }, { name: 'weight-entropy' }], { method: 'weighted-sum', weights: { 'weight-norm': 1 } })), /no weight for weight-entropy/);
  assert.deepEqual(recipeGroups([{ name: 'weight-norm' }, { name: 'gradient-fisher' }, { name: 'activation-inhibition', tensor: 'ffn' }, { name: 'attention-entropy' }]).sort(), ['attention', 'ffn', 'gradients']);
});
