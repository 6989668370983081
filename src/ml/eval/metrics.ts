/**
 * Classification metrics from a confusion matrix. Hand-written (a few lines of arithmetic) so
 * the conventions are ours and exact: rows = true class, columns = predicted class; a ratio with
 * a zero denominator is 0 (scikit-learn's zero_division=0); macro averages are unweighted means
 * over every class of the dataset, including classes absent from the split (as scikit-learn's
 * `average='macro'` with `labels=` all classes).
 */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** True examples of this class. */
  support: number;
}

export interface Metrics {
  numExamples: number;
  accuracy: number;
  macroF1: number;
  macroPrecision: number;
  macroRecall: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): number[][] {
  if (labels.length !== predictions.length) throw new Error(`${labels.length} labels but ${predictions.length} predictions`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    const p = predictions[i] as number;
    const row = m[y];
    if (!row || p < 0 || p >= numClasses) throw new Error(`example ${i}: class ${y} or prediction ${p} outside 0..${numClasses - 1}`);
    row[p] = (row[p] as number) + 1;
  }
  return m;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function metricsFromConfusion(confusion: number[][], labelNames: readonly string[]): Metrics {
  const k = confusion.length;
  if (labelNames.length !== k) throw new Error(`${labelNames.length} label names for a ${k}-class confusion matrix`);
  let total = 0;
  let correct = 0;
  const colSums = new Array<number>(k).fill(0);
  confusion.forEach((row, i) => {
    if (row.length !== k) throw new Error(`confusion row ${i} has ${row.length} entries, want ${k}`);
    row.forEach((v, j) => {
      total += v;
      colSums[j] = (colSums[j] as number) + v;
      if (i === j) correct += v;
    });
  });
  const perClass = confusion.map((row, c): ClassMetrics => {
    const tp = row[c] as number;
    const support = row.reduce((a, b) => a + b, 0);
    const precision = ratio(tp, colSums[c] as number);
    const recall = ratio(tp, support);
    return { label: labelNames[c] as string, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const mean = (f: (m: ClassMetrics) => number): number => perClass.reduce((a, m) => a + f(m), 0) / k;
  return {
    numExamples: total,
    accuracy: ratio(correct, total),
    macroF1: mean((m) => m.f1),
    macroPrecision: mean((m) => m.precision),
    macroRecall: mean((m) => m.recall),
    perClass,
    confusion: confusion.map((r) => [...r]),
  };
}

export function computeMetrics(labels: ArrayLike<number>, predictions: ArrayLike<number>, labelNames: readonly string[]): Metrics {
  return metricsFromConfusion(confusionMatrix(labels, predictions, labelNames.length), labelNames);
}
