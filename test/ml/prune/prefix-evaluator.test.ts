/**
 * Prefix reuse on the real TF.js engine: the same logits as a plain forward per kept set,
 * fewer layer forwards (counted from outside by CountingEngine), reuse across calls under the
 * byte budget, any budget giving the same results, and no leaked tensors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/ml/backend.js';
import { makeBatches } from '../../../src/ml/data/batches.js';
import { CountingEngine } from '../../../src/ml/engine/counting.js';
import { TfjsLayerEngine } from '../../../src/ml/engine/tfjs-engine.js';
import { bertLogits, runSplit } from '../../../src/ml/eval/index.js';
import { curveSteps } from '../../../src/ml/prune/curve.js';
import { PrefixEvaluator } from '../../../src/ml/prune/prefix-evaluator.js';
import type { EncodedSplit } from '../../../src/ml/types.js';
import { smallModel } from '../../util/bert-checkpoint.js';
import { ToyEngine, toySplit } from './toy-engine.js';

function encodedSplit(n: number, seed: number): EncodedSplit {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const ids: Int32Array[] = [];
  for (let i = 0; i < n; i++) {
    const len = 3 + Math.floor(rand() * 10);
    ids.push(Int32Array.from([2, ...Array.from({ length: len }, () => 5 + Math.floor(rand() * 25)), 3]));
  }
  return { ids, labels: Int32Array.from({ length: n }, (_, i) => i % 3) };
}

void test('prefix reuse gives the logits of a plain forward with fewer layer forwards', async () => {
  await initBackend('wasm');
  const model = smallModel(3, { numLayers: 5 });
  const enc = encodedSplit(37, 9);
  const batches = makeBatches(enc, 8, { sortByLength: true });
  const before = tf.memory().numTensors;
  const engine = new CountingEngine(new TfjsLayerEngine(model));
  assert.equal(engine.name, 'tfjs-wasm');
  const split = { batches, numExamples: enc.ids.length, numLabels: 3 };
  // Two curves' kept sets: top-down and a random order share M_0 and some prefixes.
  const sets = [...curveSteps(model.layers, [4, 3, 2, 1, 0]), ...curveSteps(model.layers, [2, 0, 4, 1, 3])].map((s) => s.kept);
  const ev = new PrefixEvaluator(engine, split);
  const got = await ev.logits(sets);
  for (let i = 0; i < sets.length; i++) {
    const plain = await runSplit(bertLogits(model, sets[i]), enc, { batchSize: 8, numLabels: 3 });
    const g = got[i]!;
    assert.equal(g.length, plain.logits.length);
    for (let j = 0; j < g.length; j++) assert.ok(Math.abs(g[j]! - plain.logits[j]!) < 1e-5, `set ${sets[i]!.join(',')} value ${j}: ${g[j]} vs ${plain.logits[j]}`);
  }
  // Unique sets: 01234, 0123, 012, 01, 0 (top-down) + 0134, 134, 13, 3 (the other; M_0 shared).
  // Trie edges: 0-1-2-3-4 (5) + 3 under 01 (0,1,3) -> 4 under 013 (1) + 1-3-4 (3) + 3 alone (1)... counted:
  // prefixes 0,01,012,0123,01234,013,0134,1,13,134,3 = 11 layer forwards per batch.
  assert.equal(ev.counters.sets, 9);
  assert.equal(engine.counts.layers, 11 * batches.length);
  assert.equal(ev.counters.layerForwards, engine.counts.layers);
  assert.equal(ev.counters.naiveLayerForwards, (5 + 4 + 3 + 2 + 1 + 4 + 3 + 2 + 1) * batches.length);
  assert.equal(engine.counts.heads, 9 * batches.length);
  assert.equal(engine.counts.embeds, batches.length);

  // A second call reuses the cached prefixes of the first: [0,1,2,4] needs one layer per batch.
  const again = await ev.logits([[0, 1, 2, 4]]);
  assert.equal(engine.counts.layers, 12 * batches.length);
  assert.equal(ev.counters.prefixHits > 0, true);
  const plain = await runSplit(bertLogits(model, [0, 1, 2, 4]), enc, { batchSize: 8, numLabels: 3 });
  for (let j = 0; j < plain.logits.length; j++) assert.ok(Math.abs(again[0]![j]! - plain.logits[j]!) < 1e-5);
  ev.dispose();
  await engine.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  model.dispose();
});

void test('the byte budget bounds what is kept and never changes a result', async () => {
  const L = [0, 1, 2, 3];
  const split = toySplit(20, 2, 5);
  const correct = (kept: number[], ex: number): boolean => (ex * 7 + kept.reduce((a, l) => a * 5 + l, 1)) % 3 !== 0;
  const sets = [[0, 1, 2, 3], [0, 1, 2], [0, 2, 3], [1, 2, 3], [0, 3]];
  const run = async (budget: number, reuse = true): Promise<{ out: Float32Array[]; layers: number; live: number; cached: number }> => {
    const inner = new ToyEngine(L, 2, correct);
    const engine = new CountingEngine(inner);
    const ev = new PrefixEvaluator(engine, split, { budgetBytes: budget, reuse });
    const out = await ev.logits(sets);
    const cached = ev.cachedBytes;
    const live = inner.live;
    ev.dispose();
    assert.equal(inner.live, 0, 'every state released after dispose');
    return { out, layers: engine.counts.layers, live, cached };
  };
  const plain = await run(0, false);
  assert.equal(plain.layers, (4 + 3 + 3 + 3 + 2) * 4);
  for (const budget of [0, 40, 1e9]) {
    const r = await run(budget);
    assert.deepEqual(r.out, plain.out, `budget ${budget}`);
    // Trie: 0,01,012,0123,02,023,03,1,12,123 = 10 per batch, whatever the budget.
    assert.equal(r.layers, 10 * 4);
    assert.ok(r.cached <= budget, `cached ${r.cached} within ${budget}`);
    assert.equal(r.live * 8 * 5, r.cached, 'only cached states stay live between calls');
  }
});
