/**
 * Pruning curves: kept sets of an order, the curve format, best-k on select_on (validation or
 * test) with max_drop, and memo sharing between strategies that reach the same kept sets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountingEngine } from '../../../src/ml/engine/counting.js';
import { computeMetrics } from '../../../src/ml/eval/metrics.js';
import { buildCurve, curveSteps, type CurveSplit, type SetScorer } from '../../../src/ml/prune/curve.js';
import type { SplitScore } from '../../../src/ml/prune/formats.js';
import { MemoScorer, type ScoreMemo, type StoredScore } from '../../../src/ml/prune/memo-scorer.js';
import { PrefixEvaluator } from '../../../src/ml/prune/prefix-evaluator.js';
import { ToyEngine, toySplit } from './toy-engine.js';

void test('curveSteps: M_0..M_{L-1} of an order; bad orders are refused by name', () => {
  const steps = curveSteps([0, 1, 2, 3], [2, 0, 3, 1]);
  assert.deepEqual(
    steps.map((s) => [s.k, s.removed, s.kept]),
    [
      [0, [], [0, 1, 2, 3]],
      [1, [2], [0, 1, 3]],
      [2, [2, 0], [1, 3]],
      [3, [2, 0, 3], [1]],
    ],
  );
  assert.throws(() => curveSteps([0, 1, 2], [0, 1]), /leaves out layer 2/);
  assert.throws(() => curveSteps([0, 1, 2], [0, 1, 1]), /names layer 1 twice/);
  assert.throws(() => curveSteps([0, 1, 2], [0, 1, 7]), /layer 7, which the model does not hold/);
  // A pruned model keeps original indices.
  assert.deepEqual(curveSteps([1, 4, 5], [5, 1, 4]).map((s) => s.kept), [[1, 4, 5], [1, 4], [4]]);
});

/** A scorer from a table of known accuracies per split and kept set. */
function tableScorer(table: Record<CurveSplit, Record<string, number>>): SetScorer {
  return {
    engine: 'table',
    score: (split, sets) =>
      Promise.resolve(
        sets.map((s): SplitScore => {
          const a = table[split][s.join(',')];
          if (a === undefined) throw new Error(`no ${split} accuracy for [${s.join(',')}]`);
          return { accuracy: a, macro_f1: a / 2, examples: 100 };
        }),
      ),
  };
}

// Order [3, 1, 0, 2] of a 4-layer model: kept sets 0123, 012, 02, 2.
const TABLE: Record<CurveSplit, Record<string, number>> = {
  validation: { '0,1,2,3': 0.8, '0,1,2': 0.78, '0,2': 0.78, '2': 0.5 },
  test: { '0,1,2,3': 0.82, '0,1,2': 0.81, '0,2': 0.7, '2': 0.4 },
};
const base = {
  kind: 'sequential' as const,
  strategy: 'weight-norm',
  source: 'score.weight-norm',
  dataset: 'agnews',
  layers: [0, 1, 2, 3],
  order: [3, 1, 0, 2],
  parameters: (kept: readonly number[]) => 1000 + 100 * kept.length,
};

void test('the curve holds every point on both splits; best k on validation, ties to the larger k', async () => {
  const c = await buildCurve(tableScorer(TABLE), { ...base, selectOn: 'validation' });
  assert.equal(c.format, 'layerfuse/curve@1');
  assert.deepEqual(c.points.map((p) => p.k), [0, 1, 2, 3]);
  assert.deepEqual(c.points.map((p) => p.validation.accuracy), [0.8, 0.78, 0.78, 0.5]);
  assert.deepEqual(c.points.map((p) => p.test.accuracy), [0.82, 0.81, 0.7, 0.4]);
  assert.deepEqual(c.points.map((p) => p.parameters), [1400, 1300, 1200, 1100]);
  assert.deepEqual(c.points[2]!.removed, [3, 1]);
  // Validation: k = 1 and k = 2 tie at 0.78; the larger k wins.
  assert.deepEqual(c.best, { k: 2, kept: [0, 2], removed: [3, 1], rule: 'argmax' });
  assert.equal(c.select_on, 'validation');
  assert.equal(c.max_drop, undefined);
  assert.equal(c.engine, 'table');
});

void test('select_on test chooses on the test split (the paper\'s Table 1)', async () => {
  const c = await buildCurve(tableScorer(TABLE), { ...base, selectOn: 'test' });
  assert.deepEqual(c.best, { k: 1, kept: [0, 1, 2], removed: [3], rule: 'argmax' });
});

void test('max_drop: the largest k within the drop, else the argmax with rule max-drop-unmet', async () => {
  const within = await buildCurve(tableScorer(TABLE), { ...base, selectOn: 'validation', maxDrop: 0.3 });
  assert.deepEqual([within.best.k, within.best.rule, within.max_drop], [3, 'max-drop', 0.3]);
  const tight = await buildCurve(tableScorer(TABLE), { ...base, selectOn: 'test', maxDrop: 0.005 });
  assert.deepEqual([tight.best.k, tight.best.rule], [1, 'max-drop-unmet']);
});

/** A memo over a Map, as the cache's memo holds evaluations (with counted reads). */
class MapMemo implements ScoreMemo {
  readonly values = new Map<string, StoredScore>();
  peeks = 0;
  stores = 0;
  peek(split: CurveSplit, kept: readonly number[]): Promise<StoredScore | undefined> {
    this.peeks++;
    return Promise.resolve(this.values.get(`${split}/${kept.join(',')}`));
  }
  store(split: CurveSplit, kept: readonly number[], c: { metrics: { accuracy: number; macroF1: number; numExamples: number } }): Promise<StoredScore> {
    this.stores++;
    const v = { accuracy: c.metrics.accuracy, macroF1: c.metrics.macroF1, numExamples: c.metrics.numExamples };
    this.values.set(`${split}/${kept.join(',')}`, v);
    return Promise.resolve(v);
  }
}

void test('two strategies that reach the same kept sets share their evaluations through the memo', async () => {
  const L = [0, 1, 2, 3, 4, 5];
  // Accuracy of a kept set: the first (10 * |kept|) of 60 examples are right (known in advance).
  const correct = (kept: number[], ex: number): boolean => ex < 10 * kept.length;
  const splits = { test: toySplit(60, 3, 16), validation: toySplit(60, 3, 16) };
  const memo = new MapMemo();
  const engines = { test: new CountingEngine(new ToyEngine(L, 3, correct)), validation: new CountingEngine(new ToyEngine(L, 3, correct)) };
  const scorer = (): MemoScorer =>
    new MemoScorer({
      engine: 'toy',
      memo,
      labels: ['a', 'b', 'c'],
      labelsOf: (split) => Promise.resolve(splits[split].labels),
      evaluator: (split) => Promise.resolve(new PrefixEvaluator(engines[split], splits[split]) as PrefixEvaluator<unknown>),
    });
  const topDown = scorer();
  const a = await buildCurve(topDown, { ...base, layers: L, order: [5, 4, 3, 2, 1, 0], selectOn: 'validation' });
  assert.deepEqual(topDown.stats, { hits: 0, misses: 12 });
  assert.deepEqual(a.points.map((p) => p.test.accuracy), [1, 50 / 60, 40 / 60, 30 / 60, 20 / 60, 10 / 60]);
  // Top-down: one forward of 6 layers per batch (4 batches) on each split.
  assert.equal(engines.test.counts.layers, 6 * 4);
  // Shares M_0 = 0..5, M_1 = 0..4 and M_2 = 0..3 with top-down, on both splits.
  const other = scorer();
  const b = await buildCurve(other, { ...base, layers: L, order: [5, 4, 0, 1, 2, 3], selectOn: 'validation' });
  assert.deepEqual(b.points.map((p) => p.kept), [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4], [0, 1, 2, 3], [1, 2, 3], [2, 3], [3]]);
  assert.deepEqual(other.stats, { hits: 6, misses: 6 });
  assert.equal(memo.values.size, (6 + 3) * 2);
  // Only the misses ran: [1,2,3], [2,3] and [3] share no prefix, so 3 + 2 + 1 layers per batch.
  assert.equal(engines.test.counts.layers, 6 * 4 + 6 * 4);
  assert.equal(engines.validation.counts.layers, 6 * 4 + 6 * 4);
  assert.deepEqual(b.points.map((p) => p.validation.accuracy), a.points.map((p) => p.validation.accuracy));
  // The memo's entries agree with a direct computation.
  const direct = computeMetrics(splits.test.labels, Int32Array.from({ length: 60 }, (_, i) => (i < 10 ? i % 3 : (i + 1) % 3)), ['a', 'b', 'c']);
  assert.equal(b.points[5]!.test.accuracy, direct.accuracy);
});
