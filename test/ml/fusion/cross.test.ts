/**
 * `fit: cross`: the regressor is fitted on other models' rows only, so the rows of the model it
 * predicts (its ablation target) cannot influence the fit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRows, fitPredict, fuseLearned, type FusionRows } from '../../../src/ml/fusion/fuse.js';

const other: FusionRows = buildRows(
  [
    { name: 'a', keep: [1, 4, 2, 8, 5, 7] },
    { name: 'b', keep: [3, 1, 4, 1, 5, 9] },
  ],
  [0.01, 0.05, 0.02, 0.09, 0.06, 0.08],
  'other model',
);

function mine(target: number[]): FusionRows {
  return buildRows(
    [
      { name: 'b', keep: [2, 7, 1, 8] },
      { name: 'a', keep: [9, 3, 6, 1] },
    ],
    target,
    'this model',
  );
}

void test('cross fit never reads the target rows of the model it predicts', () => {
  for (const method of ['linear-regression', 'random-forest'] as const) {
    const rows = mine([0.1, 0, 0.2, 0.05]);
    // A target that throws when read: the cross fit must not touch it.
    const poisoned = Object.defineProperty({ ...rows }, 'target', {
      get(): number[] {
        throw new Error('the cross fit read the target of the model it predicts');
      },
    });
    const cross = fuseLearned(method, 'cross', poisoned, [other], { seed: 3 });
    // Equal to fitting the other model alone and predicting this one, whatever this target is.
    const alone = fitPredict(method, [other], rows.names, rows.features, { seed: 3 });
    assert.deepEqual(cross.scores, alone.scores);
    assert.deepEqual(fuseLearned(method, 'cross', mine([0, 0.3, 0.01, 0.2]), [other], { seed: 3 }).scores, cross.scores);
    // In-sample, by contrast, follows this model's target.
    const t1 = fuseLearned(method, 'in-sample', mine([0.1, 0, 0.2, 0.05]), [other], { seed: 3 });
    const t2 = fuseLearned(method, 'in-sample', mine([0, 0.3, 0.01, 0.2]), [other], { seed: 3 });
    assert.notDeepEqual(t1.scores, t2.scores);
    assert.throws(() => fuseLearned(method, 'cross', rows, []), /needs rows of at least one other model/);
  }
});

void test('cross fit aligns columns by signal name and rejects rows missing a signal or a target', () => {
  const rows = mine([0, 0, 0, 0]);
  const swapped = fitPredict('linear-regression', [other], ['b', 'a'], rows.features);
  const direct = fitPredict('linear-regression', [other], ['a', 'b'], rows.features.map((r) => [r[1]!, r[0]!]));
  swapped.scores.forEach((s, i) => assert.ok(Math.abs(s - direct.scores[i]!) < 1e-12));
  assert.throws(() => fitPredict('linear-regression', [other], ['a', 'c'], rows.features), /other model\) lack signal c/);
  assert.throws(() => fitPredict('random-forest', [{ names: ['a'], features: [[1], [2]] }], ['a'], [[1]]), /carry no ablation target/);
});
