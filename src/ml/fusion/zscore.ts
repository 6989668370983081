/**
 * Feature preparation for fusion (docs/method.md "Strategic fusion"): each signal's `keep` column
 * is z-scored across layers with the population standard deviation (ddof 0, as scikit-learn's
 * StandardScaler); a constant column becomes all zeros rather than NaN.
 */

export function zscore(column: readonly number[]): number[] {
  const n = column.length;
  if (n === 0) return [];
  let mean = 0;
  for (const v of column) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of column) ss += (v - mean) * (v - mean);
  const sd = Math.sqrt(ss / n);
  // A column constant up to rounding (sd tiny against its magnitude) is treated as constant.
  if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) return column.map(() => 0);
  return column.map((v) => (v - mean) / sd);
}

/** Rows = layers, columns = signals: z-score each column of `columns[signal][layer]`. */
export function featureRows(columns: ReadonlyArray<readonly number[]>): number[][] {
  const z = columns.map(zscore);
  const layers = columns[0]?.length ?? 0;
  const rows: number[][] = [];
  for (let l = 0; l < layers; l++) rows.push(z.map((c) => c[l] as number));
  return rows;
}

/** Min-max scale to [0, 1]; an all-equal vector maps to all 1 (all 0 when it is all zero). */
export function minMaxScale(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > lo)) return values.map(() => (hi > 0 ? 1 : 0));
  return values.map((v) => (v - lo) / (hi - lo));
}
