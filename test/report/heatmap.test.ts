import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removalSteps } from '../../src/report/heatmap.js';

void test('removal steps from a known order: the step per layer and which the chosen model lacks', () => {
  const cells = removalSteps({ layers: [0, 1, 2, 3, 4, 5], order: [5, 0, 3, 1, 4, 2], best: { k: 2 } });
  assert.deepEqual(
    cells.map((c) => [c.layer, c.step, c.removedInChosen]),
    [
      [0, 2, true],
      [1, 4, false],
      [2, 6, false],
      [3, 3, false],
      [4, 5, false],
      [5, 1, true],
    ],
  );
});

void test('layers an order never reaches have no step; original layer ids are kept', () => {
  // A model already pruned to layers 1, 4, 7, 9, with a greedy order that stopped early.
  const cells = removalSteps({ layers: [1, 4, 7, 9], order: [9, 1], best: { k: 1 } });
  assert.deepEqual(cells, [
    { layer: 1, step: 2, removedInChosen: false },
    { layer: 4, step: null, removedInChosen: false },
    { layer: 7, step: null, removedInChosen: false },
    { layer: 9, step: 1, removedInChosen: true },
  ]);
});
