/**
 * The statistics the report prints: Wilcoxon signed-rank tests across datasets, ranks with ties
 * averaged, means with standard errors, Holm adjustment. The tests and ranks come from stdlib;
 * this file only fixes the conventions docs/method.md asks for (zero differences dropped, exact
 * distribution unless the remaining absolute differences tie, two-sided by default).
 */
import padjust from '@stdlib/stats-padjust';
import ranks from '@stdlib/stats-ranks';
import stdev from '@stdlib/stats-base-stdev';
import wilcoxon from '@stdlib/stats-wilcoxon';

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface WilcoxonResult {
  /** Pairs given (datasets where both sides exist). */
  n: number;
  /** Pairs left after dropping zero differences: the test's sample size. */
  nonZero: number;
  /** W+: the sum of the ranks of |d| over the positive differences. */
  statistic: number;
  p: number;
  /** `exact`: signed-rank distribution; `normal`: approximation with tie and continuity corrections; `none`: every difference is zero. */
  method: 'exact' | 'normal' | 'none';
  /** The smallest p any outcome could give with `nonZero` pairs (exact distribution), in the test's direction. */
  minP: number;
  alternative: Alternative;
}

/**
 * Differences of accuracies that are equal as counts (c1/N - c2/N = c3/N - c4/N) can differ in
 * the last bits of a double; without rounding they would not tie, and a zero would not be zero.
 * Twelve decimals keep every real difference of accuracies, F1 scores or importances.
 */
function clean(d: number): number {
  return Math.round(d * 1e12) / 1e12;
}

/** Smallest attainable exact p with n non-zero pairs: every sign agreeing. */
export function minExactP(n: number, alternative: Alternative = 'two-sided'): number {
  if (n <= 0) return 1;
  const oneSided = 2 ** -n;
  return alternative === 'two-sided' ? Math.min(1, 2 * oneSided) : oneSided;
}

/**
 * Wilcoxon signed-rank test of paired differences d = x - y (H0: symmetric about 0). Zero
 * differences are dropped first (docs/method.md), so the exact distribution is used on the non-zero
 * ones whenever their absolute values do not tie; stdlib would otherwise switch to the normal
 * approximation as soon as any zero was present (R's convention). With ties it uses the normal
 * approximation with the tie-corrected variance and a continuity correction (R's default).
 */
export function wilcoxonSignedRank(differences: readonly number[], alternative: Alternative = 'two-sided'): WilcoxonResult {
  const n = differences.length;
  for (const d of differences) if (!Number.isFinite(d)) throw new RangeError(`a paired difference is ${d}`);
  const d = differences.map(clean).filter((v) => v !== 0);
  const base = { n, nonZero: d.length, alternative, minP: minExactP(d.length, alternative) };
  if (d.length === 0) return { ...base, statistic: 0, p: 1, method: 'none' };
  if (d.length === 1) {
    // One non-zero pair: W+ is 1 or 0, each with probability 1/2 under H0 (stdlib needs two).
    const pos = (d[0] as number) > 0;
    const p = alternative === 'two-sided' ? 1 : alternative === 'greater' ? (pos ? 0.5 : 1) : pos ? 1 : 0.5;
    return { ...base, statistic: pos ? 1 : 0, p, method: 'exact' };
  }
  const abs = d.map(Math.abs);
  const ties = new Set(abs).size !== abs.length;
  const r = wilcoxon(d, { alternative, exact: true, correction: true, zeroMethod: 'wilcox' });
  // The normal branch reports z as the statistic; W+ is what a reader compares across tests.
  const rk = ranks(abs, { method: 'average' });
  const wPlus = d.reduce((s, v, i) => (v > 0 ? s + (rk[i] as number) : s), 0);
  return { ...base, statistic: wPlus, p: Math.min(1, r.pValue), method: ties ? 'normal' : 'exact' };
}

/**
 * Ranks of `values` with the largest = 1 and ties given the mean of the ranks they span
 * (docs/method.md: best = 1, ties averaged).
 */
export function ranksDescending(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  return ranks(values.map((v) => -clean(v)), { method: 'average' });
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Standard error of the mean (sample standard deviation / sqrt(n)); null below two values. */
export function standardError(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  return stdev(values.length, 1, [...values], 1) / Math.sqrt(values.length);
}

/** Holm step-down adjustment of a family of p-values (same order out as in). */
export function holm(p: readonly number[]): number[] {
  if (p.length === 0) return [];
  return padjust([...p], 'holm');
}
