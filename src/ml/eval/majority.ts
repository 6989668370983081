/**
 * The majority-class baseline: the accuracy of always predicting the class most frequent in the
 * training split (ties: the lower class id), measured on another split. A classifier at or
 * below it has learned nothing usable about the labels (e.g. a diverged or undertrained model),
 * which every later number of a pipeline would silently inherit.
 */

export interface MajorityBaseline {
  /** Class id predicted (the train split's most frequent). */
  label: number;
  /** Its accuracy on the evaluated split. */
  accuracy: number;
}

/** `trainCounts[c]`, `evalCounts[c]`: examples of class c in each split. */
export function majorityBaseline(trainCounts: readonly number[], evalCounts: readonly number[]): MajorityBaseline {
  if (trainCounts.length === 0 || trainCounts.length !== evalCounts.length) throw new Error(`class counts of different lengths: ${trainCounts.length} and ${evalCounts.length}`);
  let label = 0;
  for (let c = 1; c < trainCounts.length; c++) if (trainCounts[c]! > trainCounts[label]!) label = c;
  const total = evalCounts.reduce((a, b) => a + b, 0);
  return { label, accuracy: total === 0 ? 0 : evalCounts[label]! / total };
}

/** The warning text when `accuracy` is at or below the baseline (else undefined). */
export function majorityWarning(what: string, accuracy: number, split: string, base: MajorityBaseline, labels: readonly string[]): string | undefined {
  // Accuracies are ratios of the same count: compare with a tolerance for float rounding.
  if (accuracy > base.accuracy + 1e-12) return undefined;
  const name = labels[base.label] ?? String(base.label);
  return `${what} has ${split} accuracy ${accuracy.toFixed(4)}, at or below always predicting the majority class '${name}' (${base.accuracy.toFixed(4)}): it has not learned the task`;
}
