/**
 * What one capture pass over the calibration sample keeps (docs/method.md): enough for all twelve
 * signals, reduced as far as the score parameters allow. Sums are over valid tokens
 * (attention_mask 1) of every example, so each signal is a flat mean over the sample, which is
 * what the reference fixture uses (a mean of per-example means differs when lengths differ).
 */

export interface CapturedStats {
  /** Layer ids (original 0-based numbering) of the kept layers, in forward order. */
  layers: number[];
  /** Calibration examples, hidden size, FFN size, attention heads. */
  n: number;
  hidden: number;
  intermediate: number;
  heads: number;
  /** Class id per example. */
  labels: Int32Array;
  /** Valid tokens over the whole sample. */
  tokens: number;
  /** Per kept layer (length L): sums over valid tokens (and hidden units / heads). */
  actAbsSum: Float64Array;
  actSqSum: Float64Array;
  actNegCount: Float64Array;
  /** Negative entries of the FFN pre-activation (the GELU input) over valid tokens. */
  ffnNegCount: Float64Array;
  /** Sum over examples, heads and valid queries of the row's largest attention probability. */
  attnMaxSum: Float64Array;
  /** Sum over examples, heads and valid queries of -sum_s a ln(a + eps) over valid keys. */
  attnEntropySum: Float64Array;
  /** Per-example vectors at each depth (L + 1 entries, [n, hidden]): mean over valid tokens, and [CLS]. */
  pooled: Float32Array[];
  cls: Float32Array[];
  /** Gradient moments per calibration batch and kept layer, row-major [batches, L]. */
  batches: number;
  gradAbsMean: Float64Array;
  gradSqMean: Float64Array;
  /** The `eps` used inside the attention entropy. */
  eps: number;
  /** Statistic groups captured (hidden, ffn, attention, gradients); a signal needing another errs. */
  groups: string[];
}

/** The per-layer sums, in the column order of a stored capture's `sums` tensor ([L, 6] row-major). */
export const SUM_COLUMNS = ['actAbsSum', 'actSqSum', 'actNegCount', 'ffnNegCount', 'attnMaxSum', 'attnEntropySum'] as const;

export type SumColumns = Pick<CapturedStats, (typeof SUM_COLUMNS)[number]>;

/** The named per-layer columns of an [L, 6] row-major sums array. */
export function sumColumns(sums: ArrayLike<number>, L: number): SumColumns {
  const col = (j: number): Float64Array => Float64Array.from({ length: L }, (_, k) => sums[k * 6 + j] as number);
  return Object.fromEntries(SUM_COLUMNS.map((name, j) => [name, col(j)])) as unknown as SumColumns;
}
