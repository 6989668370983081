/**
 * The two fixed (not learned) fusions of docs/method.md "Strategic fusion": a weighted sum of
 * z-scored `keep` columns, and the mean rank of each layer across the signals' `keep` scores.
 */
import { FusionInputError } from './errors.js';

/** sum_s w_s * features[l][s]; `features` are z-scored keep scores, rows = layers. */
export function weightedSum(features: ReadonlyArray<readonly number[]>, weights: readonly number[]): number[] {
  return features.map((row) => {
    if (row.length !== weights.length) throw new FusionInputError(`${weights.length} weights for ${row.length} signals`);
    return row.reduce((s, v, j) => s + v * (weights[j] as number), 0);
  });
}

/** Ranks 1..n of `values` ascending (1 = lowest keep, pruned first); ties get their average rank. */
export function averageRanks(values: readonly number[]): number[] {
  const idx = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && values[idx[j + 1] as number] === values[idx[i] as number]) j++;
    const r = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[idx[t] as number] = r;
    i = j + 1;
  }
  return ranks;
}

/** Mean over signals of each layer's rank by that signal's keep score; `columns[signal][layer]`. */
export function rankMean(columns: ReadonlyArray<readonly number[]>): number[] {
  if (columns.length === 0) throw new FusionInputError('rank-mean of no signals');
  const ranks = columns.map(averageRanks);
  const layers = columns[0]?.length ?? 0;
  const out: number[] = [];
  for (let l = 0; l < layers; l++) out.push(ranks.reduce((s, r) => s + (r[l] as number), 0) / ranks.length);
  return out;
}
