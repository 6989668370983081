/**
 * The dynamic schedule (`prune/iterative`): after each removal the pruning order is computed
 * again on the current, pruned model (signals recaptured, fusion refitted: recipe.ts), and its
 * first layer is removed. This file is the loop; `rank` does one step's scoring.
 */
import { CurveInputError } from './curve.js';

export interface IterativeStep {
  /** Kept layers when the order was computed (ascending). */
  kept: number[];
  /** That step's order over `kept`, first pruned first. */
  order: number[];
  removed: number;
}

export interface IterativeResult {
  order: number[];
  steps: IterativeStep[];
}

/**
 * `rank(kept)`: the pruning order of the model with `kept` layers (a permutation of kept). Runs
 * until one layer is left, which ends the order.
 */
export async function iterativeOrder(layers: readonly number[], rank: (kept: number[]) => Promise<number[]>): Promise<IterativeResult> {
  if (layers.length < 2) throw new CurveInputError(`iterative pruning needs at least 2 layers, the model has ${layers.length}`);
  let kept = [...layers].sort((a, b) => a - b);
  const order: number[] = [];
  const steps: IterativeStep[] = [];
  while (kept.length > 1) {
    const stepOrder = await rank([...kept]);
    const sorted = [...stepOrder].sort((a, b) => a - b);
    if (sorted.join() !== kept.join()) throw new Error(`iterative: the step's order [${stepOrder.join(', ')}] is not a permutation of the kept layers [${kept.join(', ')}]`);
    const removed = stepOrder[0]!;
    steps.push({ kept, order: [...stepOrder], removed });
    order.push(removed);
    kept = kept.filter((l) => l !== removed);
  }
  order.push(kept[0]!);
  return { order, steps };
}
