/**
 * Choosing the pruned model of a curve (docs/method.md "Pruning curve and best model").
 *
 * Given accuracies a_0..a_{L-1} on `select_on` (a_0: the unpruned model; a_k: k layers removed):
 * - Without `max_drop`: k* = argmax over k >= 1 of a_k; ties go to the larger k (the smaller
 *   model). Rule `argmax`.
 * - With `max_drop` = d >= 0: k* = the largest k >= 1 with a_k >= a_0 - d (within d of the
 *   unpruned model, in accuracy points as fractions: d = 0.01 is one point). The curve need not
 *   be monotone: a k that qualifies beyond one that does not is still taken. Rule `max-drop`.
 *   When no k >= 1 qualifies, the argmax rule above chooses, and the rule is recorded as
 *   `max-drop-unmet` (never an error: a sweep over strategies should not fail because one
 *   strategy drops more than the budget; the curve says so).
 * Accuracies are ratios of counts; a_k == a_0 - d is compared with a 1e-9 tolerance so that
 * float rounding of d never flips a boundary case.
 */

export type BestRule = 'argmax' | 'max-drop' | 'max-drop-unmet';

export interface BestChoice {
  k: number;
  rule: BestRule;
}

const EPS = 1e-9;

/** `accuracies[k]` for k = 0..L-1 (at least two points: the unpruned model and one removal). */
export function chooseBest(accuracies: readonly number[], maxDrop?: number): BestChoice {
  if (accuracies.length < 2) throw new Error(`a curve needs at least 2 points (k = 0 and k = 1) to choose from, got ${accuracies.length}`);
  accuracies.forEach((a, k) => {
    if (!Number.isFinite(a)) throw new Error(`accuracy at k = ${k} is ${a}`);
  });
  if (maxDrop !== undefined) {
    if (!(maxDrop >= 0)) throw new Error(`max_drop must be >= 0, got ${maxDrop}`);
    const floor = accuracies[0]! - maxDrop - EPS;
    for (let k = accuracies.length - 1; k >= 1; k--) if (accuracies[k]! >= floor) return { k, rule: 'max-drop' };
  }
  let best = 1;
  for (let k = 2; k < accuracies.length; k++) if (accuracies[k]! >= accuracies[best]!) best = k;
  return { k: best, rule: maxDrop === undefined ? 'argmax' : 'max-drop-unmet' };
}
