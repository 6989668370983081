/**
 * Greedy layer removal (SLEB-style; docs/method.md "Extra strategies"): at each step, from the
 * current kept set K, remove the layer whose removal costs least on the validation split, i.e.
 * the l maximising accuracy(K \ {l}). Ties go to the lower layer index (as ties in every order of
 * docs/method.md). Steps run until one layer is left; that layer ends the order, so the order is a
 * permutation of the model's layers like every other strategy's.
 *
 * Cost: sum over |K| = L..2 of |K| candidate evaluations; the first step's candidates are the
 * single-layer ablation's, and each step's candidates share prefixes, so through the memo and
 * a prefix-reusing evaluator much of it is already computed.
 */
import { CurveInputError } from './curve.js';

export interface GreedyStep {
  /** Kept layers before this step (ascending). */
  kept: number[];
  /** Accuracy of the model without each candidate layer, in `kept` order. */
  accuracies: number[];
  removed: number;
}

export interface GreedyResult {
  order: number[];
  steps: GreedyStep[];
}

/** `accuracy(sets)`: validation accuracy of each kept set (ascending layer lists), in order. */
export async function greedyOrder(layers: readonly number[], accuracy: (sets: number[][]) => Promise<number[]>): Promise<GreedyResult> {
  if (layers.length < 2) throw new CurveInputError(`greedy pruning needs at least 2 layers, the model has ${layers.length}`);
  let kept = [...layers].sort((a, b) => a - b);
  const order: number[] = [];
  const steps: GreedyStep[] = [];
  while (kept.length > 1) {
    const candidates = kept.map((l) => kept.filter((x) => x !== l));
    const acc = await accuracy(candidates);
    if (acc.length !== candidates.length) throw new Error(`greedy: ${acc.length} accuracies for ${candidates.length} candidates`);
    let best = 0;
    // Strictly greater: among equal accuracies the first, i.e. the lowest layer index, stays.
    for (let i = 1; i < kept.length; i++) if (acc[i]! > acc[best]!) best = i;
    const removed = kept[best]!;
    steps.push({ kept, accuracies: acc, removed });
    order.push(removed);
    kept = candidates[best]!;
  }
  order.push(kept[0]!);
  return { order, steps };
}
