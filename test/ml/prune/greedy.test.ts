/** Greedy (SLEB-style) removal on a fixture with known drops, interactions and a tie. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greedyOrder } from '../../../src/ml/prune/greedy.js';

// Removing layer l costs COST[l]; removing 1 and 3 together costs 0.1 more (an interaction a
// single-layer ablation cannot see, which greedy re-evaluation does).
const COST: Record<number, number> = { 0: 0.05, 1: 0.01, 2: 0.03, 3: 0.01, 4: 0.2 };
function accuracy(kept: number[]): number {
  const removed = [0, 1, 2, 3, 4].filter((l) => !kept.includes(l));
  let a = 0.9 - removed.reduce((s, l) => s + COST[l]!, 0);
  if (removed.includes(1) && removed.includes(3)) a -= 0.1;
  return a;
}

void test('greedy removes the cheapest layer at each step, ties to the lower index', async () => {
  const asked: number[][][] = [];
  const r = await greedyOrder([0, 1, 2, 3, 4], (sets) => {
    asked.push(sets);
    return Promise.resolve(sets.map(accuracy));
  });
  // Step 1: 1 and 3 tie at 0.89 -> 1. Step 2: removing 3 now costs 0.11, 2 costs 0.03 -> 2.
  // Step 3: 0 (0.05) before 3 (0.11) and 4 (0.2). Step 4: 3 before 4. Layer 4 is left.
  assert.deepEqual(r.order, [1, 2, 0, 3, 4]);
  assert.deepEqual(r.steps.map((s) => s.removed), [1, 2, 0, 3]);
  assert.deepEqual(r.steps[0]!.kept, [0, 1, 2, 3, 4]);
  // The first step's candidates are the single-layer ablation's kept sets.
  assert.deepEqual(asked[0], [[1, 2, 3, 4], [0, 2, 3, 4], [0, 1, 3, 4], [0, 1, 2, 4], [0, 1, 2, 3]]);
  assert.deepEqual(asked.map((a) => a.length), [5, 4, 3, 2]);
  assert.ok(Math.abs(r.steps[1]!.accuracies[2]! - 0.78) < 1e-12, 'removing 3 after 1 shows the interaction');
});

void test('greedy on a pruned model keeps original layer ids', async () => {
  const r = await greedyOrder([4, 1, 3], (sets) => Promise.resolve(sets.map((s) => (s.includes(3) ? 0.9 : 0.5) + s.length * 0.01)));
  assert.deepEqual(r.order, [1, 4, 3]);
  await assert.rejects(greedyOrder([2], () => Promise.resolve([])), /at least 2 layers/);
});
